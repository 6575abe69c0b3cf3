// server/http/request_parser.cc
// -----------------------------------------------------------------------------
// A line-at-a-time parser over the buffered bytes. It re-parses from the start
// on every call: heads are at most a few kilobytes and arrive in one or two
// reads, so keeping state between calls would buy nothing.
#include "http/request_parser.h"

#include <cctype>

namespace cacheforge {
namespace {

using Status = HttpParseResult::Status;

// RFC 9110 tchar.
bool IsTokenChar(unsigned char c) {
  if (std::isalnum(c)) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

bool IsTargetChar(unsigned char c) { return c > 0x20 && c < 0x7f; }

// Field values: visible ASCII, space, tab, and obs-text (bytes >= 0x80).
bool IsFieldValueChar(unsigned char c) { return c == '\t' || (c >= 0x20 && c != 0x7f); }

HttpParseResult Error(int code, std::string why) {
  HttpParseResult r;
  r.status = Status::kError;
  r.error_code = code;
  r.error = std::move(why);
  return r;
}

HttpParseResult NeedMore() { return HttpParseResult{}; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Checks a request line that may still be arriving (`complete` false: no
// CRLF yet). Fills `request` when complete.
HttpParseResult ParseRequestLine(std::string_view line, bool complete, HttpRequest* request) {
  size_t i = 0;
  while (i < line.size() && line[i] != ' ') {
    if (!IsTokenChar(static_cast<unsigned char>(line[i]))) {
      return Error(400, "invalid character in the method");
    }
    if (++i > 32) return Error(400, "method too long");
  }
  if (i == line.size()) return complete ? Error(400, "no request target") : NeedMore();
  if (i == 0) return Error(400, "empty method");
  const size_t target_start = ++i;
  while (i < line.size() && line[i] != ' ') {
    if (!IsTargetChar(static_cast<unsigned char>(line[i]))) {
      return Error(400, "invalid character in the request target");
    }
    ++i;
  }
  if (target_start < line.size() && line[target_start] != '/') {
    return Error(400, "the request target must be a path starting with '/'");
  }
  if (i == line.size()) return complete ? Error(400, "no HTTP version") : NeedMore();
  if (i == target_start) return Error(400, "empty request target");
  std::string_view version = line.substr(i + 1);
  static constexpr std::string_view kPrefix = "HTTP/";
  std::string_view prefix_part = version.substr(0, kPrefix.size());
  if (prefix_part != kPrefix.substr(0, prefix_part.size())) {
    return Error(400, "malformed HTTP version");
  }
  if (!complete) {
    // Only the version's shape can still go wrong: "HTTP/" digit "." digit.
    if (version.size() > 8) return Error(400, "malformed HTTP version");
    return NeedMore();
  }
  if (version.size() != 8 || !std::isdigit(static_cast<unsigned char>(version[5])) ||
      version[6] != '.' || !std::isdigit(static_cast<unsigned char>(version[7]))) {
    return Error(400, "malformed HTTP version");
  }
  if (version[5] != '1') return Error(505, "only HTTP/1.0 and HTTP/1.1 are supported");
  request->method = std::string(line.substr(0, target_start - 1));
  request->target = std::string(line.substr(target_start, i - target_start));
  request->path = request->target.substr(0, request->target.find('?'));
  request->minor_version = version[7] - '0';
  HttpParseResult ok;
  ok.status = Status::kComplete;
  return ok;
}

HttpParseResult ParseHeader(std::string_view line, HttpRequest* request) {
  if (line.front() == ' ' || line.front() == '\t') {
    return Error(400, "obsolete line folding is not accepted");
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return Error(400, "header field without ':'");
  if (colon == 0) return Error(400, "empty header field name");
  std::string name;
  for (char c : line.substr(0, colon)) {
    if (!IsTokenChar(static_cast<unsigned char>(c))) {
      return Error(400, "invalid character in a header field name");
    }
    name.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  std::string_view value = Trim(line.substr(colon + 1));
  for (char c : value) {
    if (!IsFieldValueChar(static_cast<unsigned char>(c))) {
      return Error(400, "invalid character in a header field value");
    }
  }
  if (request->headers.size() >= kMaxHeaders) return Error(431, "too many header fields");
  if (name == "transfer-encoding") return Error(400, "request bodies are not accepted");
  if (name == "content-length" && value != "0") {
    bool digits = !value.empty();
    for (char c : value) digits = digits && std::isdigit(static_cast<unsigned char>(c));
    return Error(400, digits ? "request bodies are not accepted" : "invalid Content-Length");
  }
  request->headers.emplace_back(std::move(name), std::string(value));
  HttpParseResult ok;
  ok.status = Status::kComplete;
  return ok;
}

// Parses as if `input` were everything there is; no size limit. `in_request_line`
// tells a caller that asks for more whether the request line is still open.
HttpParseResult ParseHead(std::string_view input, HttpRequest* request, bool* in_request_line) {
  size_t pos = 0;
  // Empty lines before the request line are ignored (RFC 9112 2.2).
  while (pos + 1 < input.size() && input[pos] == '\r' && input[pos + 1] == '\n') pos += 2;
  *in_request_line = true;
  for (;;) {
    size_t cr = pos;
    while (cr < input.size() && input[cr] != '\r' && input[cr] != '\n') ++cr;
    if (cr < input.size() && input[cr] == '\n') return Error(400, "bare LF line ending");
    if (cr + 1 < input.size() && input[cr + 1] != '\n') return Error(400, "bare CR in the request");
    // Complete only with its CRLF; a line ending in a lone "\r" is still open.
    const bool complete = cr + 1 < input.size();
    std::string_view line = input.substr(pos, cr - pos);
    if (*in_request_line) {
      HttpParseResult r = ParseRequestLine(line, complete, request);
      if (r.status != Status::kComplete) return r;
      *in_request_line = false;
    } else if (!complete) {
      // A partial header line: only its characters can be judged yet.
      for (char c : line) {
        if (!IsFieldValueChar(static_cast<unsigned char>(c))) {
          return Error(400, "invalid character in a header field");
        }
      }
      return NeedMore();
    } else if (line.empty()) {
      HttpParseResult done;
      done.status = Status::kComplete;
      done.consumed = cr + 2;
      return done;
    } else {
      HttpParseResult r = ParseHeader(line, request);
      if (r.status == Status::kError) return r;
    }
    pos = cr + 2;
  }
}

}  // namespace

HttpParseResult ParseHttpRequest(std::string_view input, size_t max_head, HttpRequest* request) {
  *request = HttpRequest{};
  // Only the first `max_head` bytes are looked at, so the answer for a prefix
  // never contradicts the answer once more bytes arrive: an error in the
  // allowed bytes wins, and "too big" is said only when they hold no complete
  // head and no error.
  bool in_request_line = true;
  HttpParseResult r = ParseHead(input.substr(0, max_head), request, &in_request_line);
  if (r.status == Status::kNeedMore && input.size() > max_head) {
    *request = HttpRequest{};
    return in_request_line ? Error(414, "request line over the size limit")
                           : Error(431, "request head over the size limit");
  }
  if (r.status != Status::kComplete) *request = HttpRequest{};
  return r;
}

}  // namespace cacheforge
