// server/http/request_parser.h
// -----------------------------------------------------------------------------
// The head of one HTTP/1.0 or HTTP/1.1 request (request line and header
// fields), parsed strictly enough that garbage is refused as soon as it is
// seen rather than after a timeout: a TLS handshake or a Redis command sent to
// the metrics port fails on its first bytes.
//
// Accepted: `METHOD SP /origin-form-target SP HTTP/1.x CRLF`, then header
// fields `name: value CRLF`, then CRLF; leading empty lines are skipped.
// Refused with a status code and reason: bare LF or CR, control characters,
// a target not starting with '/', line folding, a request body
// (Content-Length other than 0, or Transfer-Encoding), a head over the limit
// (431, or 414 while still in the request line), more than kMaxHeaders
// fields (431), and HTTP versions other than 1.x (505).
//
// Thread safety: a pure function; call it from any thread.
#ifndef CACHEFORGE_HTTP_REQUEST_PARSER_H_
#define CACHEFORGE_HTTP_REQUEST_PARSER_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cacheforge {

struct HttpRequest {
  std::string method;  // case-sensitive, as HTTP says
  std::string target;  // as sent: path and query
  std::string path;    // the target without "?query"
  int minor_version = 1;
  std::vector<std::pair<std::string, std::string>> headers;  // names lowercased
};

struct HttpParseResult {
  enum class Status { kNeedMore, kComplete, kError };
  Status status = Status::kNeedMore;
  size_t consumed = 0;  // kComplete: bytes of the head, final CRLF included
  int error_code = 0;   // kError: the HTTP status to answer with
  std::string error;    // kError: why, for the response body and the log
};

inline constexpr size_t kMaxHeaders = 64;

// Parses the request head at the start of `input`, which may be incomplete.
// `max_head` bounds the head's size in bytes.
HttpParseResult ParseHttpRequest(std::string_view input, size_t max_head, HttpRequest* request);

}  // namespace cacheforge

#endif  // CACHEFORGE_HTTP_REQUEST_PARSER_H_
