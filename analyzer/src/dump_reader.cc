// Streaming dump input, plain or gzip; see dump_reader.h.
#include "dump_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include "dump_parser.h"

namespace lockgraph::analyzer {
namespace {

constexpr size_t kChunk = 1 << 16;

// Reads up to `n` bytes, retrying on EINTR. -1 on error (errno set).
ssize_t ReadSome(int fd, char* buf, size_t n) {
  while (true) {
    ssize_t r = read(fd, buf, n);
    if (r >= 0 || errno != EINTR) return r;
  }
}

// Inflates gzip members (a `cat a.gz b.gz` is one valid stream) into the
// parser. `first` holds bytes already read from `fd`.
bool Inflate(int fd, std::string_view first, const std::string& name, DumpParser* parser,
             bool* cut_short, std::string* error) {
  z_stream z{};
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
    *error = name + ": cannot start gzip decompression";
    return false;
  }
  std::string in(first), out(kChunk, '\0');
  uint64_t consumed = 0;  // compressed bytes before `in`
  bool eof = false, member_done = false;
  *cut_short = false;
  while (true) {
    if (in.empty() && !eof) {
      in.resize(kChunk);
      ssize_t n = ReadSome(fd, in.data(), in.size());
      if (n < 0) {
        *error = name + ": " + std::strerror(errno);
        inflateEnd(&z);
        return false;
      }
      in.resize(static_cast<size_t>(n));
      eof = n == 0;
    }
    if (in.empty() && eof) {
      *cut_short = !member_done;
      break;
    }
    if (member_done) {  // another member follows
      inflateReset(&z);
      member_done = false;
    }
    z.next_in = reinterpret_cast<Bytef*>(in.data());
    z.avail_in = static_cast<uInt>(in.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    int rc = inflate(&z, Z_NO_FLUSH);
    parser->Feed(std::string_view(out.data(), out.size() - z.avail_out));
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
      const uint64_t at = consumed + (in.size() - z.avail_in);
      *error = name + ": corrupt gzip data at compressed byte " + std::to_string(at) + " (" +
               (z.msg != nullptr ? z.msg : "inflate failed") + ")";
      inflateEnd(&z);
      return false;
    }
    const size_t used = in.size() - z.avail_in;
    consumed += used;
    in.erase(0, used);
    if (rc == Z_STREAM_END) member_done = true;
  }
  inflateEnd(&z);
  return true;
}

}  // namespace

bool ReadDumpFile(const std::string& path, const std::string& source, Dump* dump,
                  std::string* error) {
  const std::string name = source.empty() ? path : source;
  int fd = 0;
  if (path != "-") {
    fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      *error = path + ": " + std::strerror(errno);
      return false;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
      close(fd);
      *error = path + ": is a directory, not a thread dump file";
      return false;
    }
  }
  DumpParser parser(name);
  std::string buf(kChunk, '\0');
  ssize_t n = ReadSome(fd, buf.data(), buf.size());
  bool ok = n >= 0;
  bool gzip_cut_short = false;
  if (!ok) {
    *error = path + ": " + std::strerror(errno);
  } else if (n >= 2 && static_cast<unsigned char>(buf[0]) == 0x1f &&
             static_cast<unsigned char>(buf[1]) == 0x8b) {
    ok = Inflate(fd, std::string_view(buf.data(), static_cast<size_t>(n)), name, &parser,
                 &gzip_cut_short, error);
  } else {
    while (n > 0) {
      parser.Feed(std::string_view(buf.data(), static_cast<size_t>(n)));
      n = ReadSome(fd, buf.data(), buf.size());
    }
    if (n < 0) {
      *error = path + ": " + std::strerror(errno);
      ok = false;
    }
  }
  if (fd != 0) close(fd);
  if (!ok || !parser.Finish(dump, error)) return false;
  if (gzip_cut_short) {
    dump->warnings.push_back(
        "the gzip data ends before its end marker (cut short): read what "
        "it had");
  }
  return true;
}

}  // namespace lockgraph::analyzer
