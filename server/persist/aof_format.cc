// server/persist/aof_format.cc
// -----------------------------------------------------------------------------
// Encoding and strict, streaming scanning of append-only files.
#include "persist/aof_format.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "net/resp_parser.h"
#include "util/fd_io.h"
#include "util/strings.h"

namespace cacheforge {
namespace {

constexpr size_t kReadChunk = 1 << 20;

void AppendHeader(char type, size_t n, std::string* out) {
  char buf[32];
  buf[0] = type;
  int len = 1;
  char digits[24];
  int d = 0;
  do {
    digits[d++] = static_cast<char>('0' + n % 10);
    n /= 10;
  } while (n != 0);
  while (d > 0) buf[len++] = digits[--d];
  buf[len++] = '\r';
  buf[len++] = '\n';
  out->append(buf, static_cast<size_t>(len));
}

template <typename Range>
void Encode(const Range& args, size_t count, std::string* out) {
  AppendHeader('*', count, out);
  for (std::string_view arg : args) {
    AppendHeader('$', arg.size(), out);
    out->append(arg);
    out->append("\r\n", 2);
  }
}

}  // namespace

void AppendAofCommand(std::span<const std::string_view> args, std::string* out) {
  Encode(args, args.size(), out);
}

void AppendAofCommand(std::initializer_list<std::string_view> args, std::string* out) {
  Encode(args, args.size(), out);
}

namespace {

// Where the transaction the file has not finished yet starts.
struct OpenMulti {
  bool active = false;
  uint64_t bytes = 0, lines = 0, commands = 0;
};

bool ScanCommands(int fd,
                  const std::function<bool(std::span<const std::string_view>, uint64_t)>& visit,
                  AofScanResult* result, OpenMulti* multi, std::string* error) {
  // The file's own limits are the server's largest: a value a client could
  // store must load back. A header line longer than 64 KB is never valid.
  RespLimits limits;
  limits.max_bulk_len = INT64_MAX / 2;
  limits.max_multibulk_len = INT64_MAX / 2;
  RespParser parser(limits);
  std::string buffer;
  size_t start = 0;  // first unconsumed byte of `buffer`
  std::vector<std::string_view> args;
  bool eof = false;
  while (true) {
    // Parse every complete command in the buffer.
    while (start < buffer.size()) {
      std::string_view rest(buffer.data() + start, buffer.size() - start);
      if (rest[0] != '*') {
        result->problem = "expected '*' (the start of a command), found byte 0x";
        char hex[3];
        std::snprintf(hex, sizeof(hex), "%02x", static_cast<unsigned char>(rest[0]));
        result->problem += hex;
        return true;
      }
      size_t consumed = 0;
      RespParser::Status status = parser.Parse(rest, &consumed, &args);
      if (status == RespParser::Status::kNeedMore) break;
      if (status == RespParser::Status::kError) {
        result->problem = parser.error();
        return true;
      }
      if (args.empty()) {
        result->problem = "empty command (*0)";
        return true;
      }
      if (EqualsIgnoreCase(args[0], "multi")) {
        *multi = {true, result->valid_bytes, result->valid_lines, result->commands};
      } else if (EqualsIgnoreCase(args[0], "exec")) {
        multi->active = false;
      }
      const auto lines = static_cast<uint64_t>(
          std::count(rest.begin(), rest.begin() + static_cast<ptrdiff_t>(consumed), '\n'));
      if (!visit(args, result->valid_bytes + consumed)) {
        // The refused command is not part of the valid prefix.
        result->stopped = true;
        return true;
      }
      result->valid_lines += lines;
      result->valid_bytes += consumed;
      ++result->commands;
      start += consumed;
    }
    if (eof) break;
    // Keep the unparsed tail and read more behind it.
    buffer.erase(0, start);
    start = 0;
    size_t old = buffer.size();
    buffer.resize(old + std::max(kReadChunk, old));
    ssize_t n;
    do {
      n = read(fd, buffer.data() + old, buffer.size() - old);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
      *error = std::string("read failed: ") + std::strerror(errno);
      return false;
    }
    buffer.resize(old + static_cast<size_t>(n));
    result->file_bytes += static_cast<uint64_t>(n);
    if (n == 0) eof = true;
  }
  if (start < buffer.size()) result->problem = "truncated command (the file ends inside it)";
  return true;
}

}  // namespace

bool ScanAof(int fd, const std::function<bool(std::span<const std::string_view>, uint64_t)>& visit,
             AofScanResult* result, std::string* error) {
  *result = AofScanResult{};
  OpenMulti multi;
  if (!ScanCommands(fd, visit, result, &multi, error)) return false;
  if (multi.active) {
    // A transaction the file does not finish was cut by a crash: like a torn
    // command it is a bad tail, and none of it applies (Redis's rule). The
    // cut is at the MULTI even when a torn command follows it, or commands
    // appended after a restart would join the unfinished transaction.
    if (result->problem.empty() && !result->stopped) {
      result->problem = "a MULTI without its EXEC (the file ends inside a transaction)";
    }
    result->valid_bytes = multi.bytes;
    result->valid_lines = multi.lines;
    result->commands = multi.commands;
  }
  return true;
}

bool CopyFileTail(int fd, uint64_t from, const std::string& path) {
  int out = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0) return false;
  char buf[64 * 1024];
  off_t offset = static_cast<off_t>(from);
  bool ok = true;
  for (;;) {
    ssize_t n = pread(fd, buf, sizeof(buf), offset);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = n == 0;
      break;
    }
    if (!WriteAll(out, std::string_view(buf, static_cast<size_t>(n)))) {
      ok = false;
      break;
    }
    offset += n;
  }
  ok = fsync(out) == 0 && ok;
  close(out);
  return ok;
}

}  // namespace cacheforge
