// server/util/crc64.h
// -----------------------------------------------------------------------------
// The CRC-64 Redis puts at the end of a DUMP payload and an RDB file: the
// "Jones" polynomial (0xad93d23594c935a9), reflected, initial value 0, no final
// xor. Crc64(0, "123456789") == 0xe9c6d914c4b8d9ca.
#ifndef CACHEFORGE_UTIL_CRC64_H_
#define CACHEFORGE_UTIL_CRC64_H_

#include <cstdint>
#include <string_view>

namespace cacheforge {

// Continues `crc` over `data` (start with 0).
uint64_t Crc64(uint64_t crc, std::string_view data);

}  // namespace cacheforge

#endif  // CACHEFORGE_UTIL_CRC64_H_
