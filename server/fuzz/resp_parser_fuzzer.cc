// server/fuzz/resp_parser_fuzzer.cc
// -----------------------------------------------------------------------------
// libFuzzer target for the request parser. Each input is fed twice: whole, and
// in chunks whose sizes come from the input itself, and both feeds must yield
// the same requests — the incremental state machine must not depend on where
// reads split the stream. Small limits make the limit paths reachable.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "net/resp_parser.h"

namespace {

using cacheforge::RespLimits;
using cacheforge::RespParser;

struct Outcome {
  std::vector<std::vector<std::string>> requests;
  bool error = false;
};

// `chunk_seed` 0 feeds everything at once; others feed chunks of 1..13 bytes.
Outcome Feed(std::string_view data, size_t chunk_seed) {
  RespLimits limits;
  limits.max_bulk_len = 1024;
  limits.max_multibulk_len = 64;
  limits.max_inline_len = 256;
  RespParser parser(limits);
  Outcome outcome;
  std::string buffer;
  std::vector<std::string_view> args;
  size_t fed = 0;
  size_t step = chunk_seed == 0 ? data.size() : 1 + chunk_seed % 7;
  while (fed < data.size() || !buffer.empty()) {
    if (fed < data.size()) {
      size_t n = std::min(step, data.size() - fed);
      buffer.append(data.substr(fed, n));
      fed += n;
      if (chunk_seed != 0) step = 1 + (step * 31 + chunk_seed) % 13;
    }
    for (;;) {
      size_t consumed = 0;
      RespParser::Status status = parser.Parse(buffer, &consumed, &args);
      if (status == RespParser::Status::kError) {
        outcome.error = true;
        return outcome;
      }
      if (status == RespParser::Status::kNeedMore) break;
      if (consumed == 0 || consumed > buffer.size()) std::abort();  // must make progress
      outcome.requests.emplace_back(args.begin(), args.end());
      buffer.erase(0, consumed);
    }
    if (fed >= data.size()) break;
  }
  return outcome;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  Outcome whole = Feed(input, 0);
  Outcome split = Feed(input, size + 1);
  // A split feed may stop at the same error or have requests pending; what it
  // did produce must be a prefix of the whole feed's requests.
  if (!whole.error && !split.error && whole.requests != split.requests) std::abort();
  size_t common = std::min(whole.requests.size(), split.requests.size());
  for (size_t i = 0; i < common; ++i) {
    if (whole.requests[i] != split.requests[i]) std::abort();
  }
  return 0;
}
