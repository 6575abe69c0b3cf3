// server/cli/reply_reader.cc
// -----------------------------------------------------------------------------
// A blocking RESP2/RESP3 reply reader.
#include "cli/reply_reader.h"

#include <errno.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "util/numbers.h"

namespace cacheforge {
namespace {

// More elements than any reply can hold in memory: a corrupt length.
constexpr int64_t kMaxElements = int64_t{1} << 40;

}  // namespace

bool ReplyReader::Fill(std::string* error) {
  if (pos_ > 0) {
    buffer_.erase(0, pos_);
    pos_ = 0;
  }
  char chunk[16384];
  for (;;) {
    ssize_t n = read(fd_, chunk, sizeof(chunk));
    if (n > 0) {
      buffer_.append(chunk, static_cast<size_t>(n));
      return true;
    }
    if (n < 0 && errno == EINTR) continue;
    *error = n == 0 ? "Server closed the connection" : std::string(std::strerror(errno));
    return false;
  }
}

bool ReplyReader::ReadLine(std::string* line, std::string* error) {
  for (;;) {
    size_t at = buffer_.find("\r\n", pos_);
    if (at != std::string::npos) {
      line->assign(buffer_, pos_, at - pos_);
      pos_ = at + 2;
      return true;
    }
    if (!Fill(error)) return false;
  }
}

bool ReplyReader::ReadExact(size_t n, std::string* out, std::string* error) {
  while (buffer_.size() - pos_ < n) {
    if (!Fill(error)) return false;
  }
  out->assign(buffer_, pos_, n);
  pos_ += n;
  return true;
}

bool ReplyReader::Read(Reply* reply, std::string* error) { return ReadValue(reply, 0, error); }

bool ReplyReader::ReadValue(Reply* reply, int depth, std::string* error) {
  if (depth > 64) {
    *error = "reply nested too deeply";
    return false;
  }
  std::string line;
  if (!ReadLine(&line, error)) return false;
  if (line.empty()) {
    *error = "empty reply line";
    return false;
  }
  std::string body = line.substr(1);
  int64_t n = 0;
  switch (line[0]) {
    case '+':
      *reply = Reply::Status(body);
      return true;
    case '-':
      *reply = Reply::Error(body);
      return true;
    case ':':
      if (!ParseInt64(body, &n)) break;
      *reply = Reply::Integer(n);
      return true;
    case '$': {
      if (!ParseInt64(body, &n) || n < -1) break;
      if (n == -1) {
        *reply = Reply::Null();
        return true;
      }
      std::string data;
      if (!ReadExact(static_cast<size_t>(n) + 2, &data, error)) return false;
      data.resize(static_cast<size_t>(n));
      *reply = Reply::Bulk(std::move(data));
      return true;
    }
    case '*':
    case '~':
    case '>':
    case '%': {
      if (!ParseInt64(body, &n) || n < -1 || n > kMaxElements) break;
      if (n == -1) {
        *reply = Reply::NullArray();
        return true;
      }
      // Grown as elements arrive: a bogus count fails on the data, not on
      // one huge allocation.
      const size_t count = static_cast<size_t>(line[0] == '%' ? 2 * n : n);
      std::vector<Reply> elements;
      elements.reserve(std::min<size_t>(count, 4096));
      for (size_t i = 0; i < count; ++i) {
        Reply element = Reply::Null();
        if (!ReadValue(&element, depth + 1, error)) return false;
        elements.push_back(std::move(element));
      }
      *reply = line[0] == '*'   ? Reply::Array(std::move(elements))
               : line[0] == '~' ? Reply::Set(std::move(elements))
               : line[0] == '>' ? Reply::Push(std::move(elements))
                                : Reply::Map(std::move(elements));
      return true;
    }
    // RESP3 (after HELLO 3).
    case '_':
      *reply = Reply::Null();
      return true;
    case ',':
      *reply = Reply::DoubleText(body);
      return true;
    case '#':
      if (body != "t" && body != "f") break;
      *reply = Reply::Boolean(body == "t");
      return true;
    case '(':  // a big number: shown as its digits
      *reply = Reply::Status(body);
      return true;
    case '=':
    case '!': {
      if (!ParseInt64(body, &n) || n < 0) break;
      std::string data;
      if (!ReadExact(static_cast<size_t>(n) + 2, &data, error)) return false;
      data.resize(static_cast<size_t>(n));
      if (line[0] == '!') {
        *reply = Reply::Error(std::move(data));
      } else {
        // "txt:" (or another three-letter format) before the text.
        *reply = Reply::Verbatim(data.size() >= 4 && data[3] == ':' ? data.substr(4) : data);
      }
      return true;
    }
    case '|': {  // attributes describe the reply that follows: skipped
      Reply attributes = Reply::Null();
      if (!ParseInt64(body, &n) || n < 0 || n > kMaxElements) break;
      for (int64_t i = 0; i < 2 * n; ++i) {
        if (!ReadValue(&attributes, depth + 1, error)) return false;
      }
      return ReadValue(reply, depth, error);
    }
    default:
      break;
  }
  *error = "protocol error, got '" + line.substr(0, 32) + "' as reply type byte";
  return false;
}

}  // namespace cacheforge
