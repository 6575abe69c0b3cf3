// server/persist/rdb_format.h
// -----------------------------------------------------------------------------
// The RDB format's numbers shared by the payload writer and reader (Redis's
// rdb.h names them RDB_TYPE_*, RDB_*BITLEN, RDB_ENC_* and QUICKLIST_NODE_*).
#ifndef CACHEFORGE_PERSIST_RDB_FORMAT_H_
#define CACHEFORGE_PERSIST_RDB_FORMAT_H_

#include <cstdint>

namespace cacheforge::rdb {

// RDB object types.
enum RdbType : uint8_t {
  kTypeString = 0,
  kTypeList = 1,
  kTypeSet = 2,
  kTypeZset = 3,  // scores as strings
  kTypeHash = 4,
  kTypeZset2 = 5,  // scores as binary doubles
  kTypeListZiplist = 10,
  kTypeSetIntset = 11,
  kTypeZsetZiplist = 12,
  kTypeHashZiplist = 13,
  kTypeListQuicklist = 14,
  kTypeHashListpack = 16,
  kTypeZsetListpack = 17,
  kTypeListQuicklist2 = 18,
};

// Length prefixes.
inline constexpr uint8_t k32BitLen = 0x80;
inline constexpr uint8_t k64BitLen = 0x81;
// Special string encodings: the first byte is kEncoded | one of these.
inline constexpr uint8_t kEncoded = 0xC0;
inline constexpr uint64_t kEncInt8 = 0;
inline constexpr uint64_t kEncInt16 = 1;
inline constexpr uint64_t kEncInt32 = 2;
inline constexpr uint64_t kEncLzf = 3;
// Quicklist 2 node containers.
inline constexpr uint64_t kContainerPlain = 1;
inline constexpr uint64_t kContainerPacked = 2;

}  // namespace cacheforge::rdb

#endif  // CACHEFORGE_PERSIST_RDB_FORMAT_H_
