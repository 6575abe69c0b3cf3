// server/net/resp_parser.h
// -----------------------------------------------------------------------------
// Incremental parser for client requests: RESP2 multibulk arrays
// (`*2\r\n$3\r\nGET\r\n$1\r\nk\r\n`) and inline, telnet-style lines
// (`SET k "hello world"\r\n`), the two forms Redis accepts.
//
// The parser is a state machine that keeps its progress between calls, so a
// request that arrives one byte at a time costs the same as one that arrives
// whole. The caller owns the bytes: it passes every unconsumed byte each time,
// starting at the first byte of the request being parsed, and drops a prefix
// only after Parse() reports it consumed.
//
// Limits (RespLimits) bound everything a client can make the server hold: the
// element count of a multibulk, the length of one bulk string, the length of an
// inline line or a `*`/`$` header line. Crossing one is a protocol error with
// Redis's message; the connection answers it and then closes.
#ifndef CACHEFORGE_NET_RESP_PARSER_H_
#define CACHEFORGE_NET_RESP_PARSER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cacheforge {

struct RespLimits {
  int64_t max_bulk_len = 512LL * 1024 * 1024;  // proto-max-bulk-len
  int64_t max_multibulk_len = 1024 * 1024;     // elements in one request
  size_t max_inline_len = 64 * 1024;           // an inline line, or a header line
};

class RespParser {
 public:
  enum class Status {
    kNeedMore,  // no complete request yet; call again with more bytes
    kRequest,   // `args` holds one request (possibly empty: skip it)
    kError,     // protocol error; error() says why, the connection must close
  };

  explicit RespParser(const RespLimits& limits = RespLimits{}) : limits_(limits) {}

  void set_limits(const RespLimits& limits) { limits_ = limits; }

  // Parses the request at the start of `input`. On kRequest, `*consumed` is the
  // request's size in bytes and `*args` views either `input` or storage inside
  // the parser; both stay valid until the next call. On kNeedMore, `*consumed`
  // is 0 and the next call must pass the same bytes again plus any new ones.
  Status Parse(std::string_view input, size_t* consumed, std::vector<std::string_view>* args);

  // Redis's text for the last kError, without the leading "ERR ".
  const std::string& error() const { return error_; }

  // True while part of a request has been seen (for idle-close decisions).
  bool InProgress() const { return state_ != State::kStart; }

 private:
  enum class State { kStart, kMultibulkCount, kBulkHeader, kBulkBody, kInline };

  Status ParseInline(std::string_view input, size_t* consumed, std::vector<std::string_view>* args);
  Status Fail(std::string message);
  void Reset();

  RespLimits limits_;
  State state_ = State::kStart;
  size_t pos_ = 0;                                // bytes of the current request already examined
  int64_t elements_left_ = 0;                     // bulk strings still expected
  int64_t bulk_len_ = 0;                          // length of the bulk being read
  std::vector<std::pair<size_t, size_t>> spans_;  // (offset, length) of each argument
  std::vector<std::string> inline_args_;          // unescaped inline arguments
  std::string error_;
};

// Splits an inline command line the way redis-cli and Redis do (sdssplitargs):
// whitespace separates arguments; "double quotes" allow \n \r \t \b \a \\ \"
// and \xHH escapes; 'single quotes' allow \'. A closing quote must be followed by
// whitespace or the end. Returns false on unbalanced quotes.
bool SplitInlineArgs(std::string_view line, std::vector<std::string>* out);

}  // namespace cacheforge

#endif  // CACHEFORGE_NET_RESP_PARSER_H_
