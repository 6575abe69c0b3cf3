// server/fuzz/rdb_payload_fuzzer.cc
// -----------------------------------------------------------------------------
// libFuzzer target for RESTORE's payload decoder. The input is taken as the
// value part of a payload and given a valid footer (version and CRC-64), so
// the fuzzer explores the decoder itself rather than the checksum. Besides
// not crashing or reading out of bounds, a decoded value must be one the
// server can hold: a non-empty collection, hash fields in pairs, no NaN score.
// The input also goes through DUMP's LZF compressor, whose block must
// decompress to it.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "persist/rdb_payload.h"
#include "util/crc64.h"
#include "util/lzf.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using cacheforge::PayloadError;
  using cacheforge::ValueType;
  std::string payload(reinterpret_cast<const char*>(data), size);
  std::string compressed, back;
  if (!cacheforge::LzfCompress(payload, size + size / 32 + 1, &compressed) ||
      !cacheforge::LzfDecompress(compressed, size, &back) || back != payload) {
    std::abort();
  }
  payload.push_back(static_cast<char>(cacheforge::kRdbVersion));
  payload.push_back('\0');
  const uint64_t crc = cacheforge::Crc64(0, payload);
  for (int i = 0; i < 8; ++i) payload.push_back(static_cast<char>(crc >> (8 * i)));
  cacheforge::RdbValue value;
  if (cacheforge::DecodeDumpPayload(payload, &value) != PayloadError::kNone) return 0;
  switch (value.type) {
    case ValueType::kString:
      break;
    case ValueType::kList:
    case ValueType::kSet:
      if (value.elements.empty()) std::abort();
      break;
    case ValueType::kHash:
      if (value.elements.empty() || value.elements.size() % 2 != 0) std::abort();
      break;
    case ValueType::kZset:
      if (value.scored.empty()) std::abort();
      for (const auto& [member, score] : value.scored) {
        if (std::isnan(score)) std::abort();
      }
      break;
  }
  return 0;
}
