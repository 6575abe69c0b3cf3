// server/fuzz/http_request_fuzzer.cc
// -----------------------------------------------------------------------------
// libFuzzer target for the metrics port's request parser. Besides not
// crashing, the parser must be consistent across the ways a head can arrive:
// every prefix of a head that parses completely must ask for more (early
// rejection may never refuse a valid request that is still arriving), and a
// prefix that is refused stays refused, with the same status, however many
// bytes follow.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/request_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using cacheforge::HttpParseResult;
  using cacheforge::HttpRequest;
  using cacheforge::ParseHttpRequest;
  constexpr size_t kMaxHead = 512;  // small, so the limit paths are reachable
  std::string_view input(reinterpret_cast<const char*>(data), size);
  HttpRequest request;
  HttpParseResult whole = ParseHttpRequest(input, kMaxHead, &request);
  if (whole.status == HttpParseResult::Status::kComplete &&
      (whole.consumed == 0 || whole.consumed > size || whole.consumed > kMaxHead)) {
    std::abort();
  }
  for (size_t cut = 0; cut < size; ++cut) {
    HttpRequest partial;
    HttpParseResult prefix = ParseHttpRequest(input.substr(0, cut), kMaxHead, &partial);
    if (whole.status == HttpParseResult::Status::kComplete && cut < whole.consumed &&
        prefix.status != HttpParseResult::Status::kNeedMore) {
      std::abort();  // a valid request refused (or finished) early
    }
    if (prefix.status == HttpParseResult::Status::kError &&
        (whole.status != HttpParseResult::Status::kError ||
         whole.error_code != prefix.error_code)) {
      std::abort();  // a refusal that more bytes took back
    }
  }
  return 0;
}
