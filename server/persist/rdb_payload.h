// server/persist/rdb_payload.h
// -----------------------------------------------------------------------------
// DUMP and RESTORE payloads in Redis's format: one value in RDB encoding, the
// RDB version (2 bytes, little-endian) and a CRC-64 of everything before it
// (util/crc64.h, 8 bytes, little-endian).
//
// Encoding writes the plain RDB types every Redis since 2.x reads (string,
// list, set, hash, and sorted set with binary scores), so a payload from
// cacheforge RESTOREs into redis-server. Decoding reads those and the compact
// types Redis 7.0 and 6.x DUMP themselves (quicklists of listpacks or
// ziplists, listpack and ziplist hashes and sorted sets, intsets, LZF- and
// integer-encoded strings), so keys migrate from redis-server. Every length
// and offset is checked against the payload: hostile input is an error, never
// an out-of-bounds read or an allocation larger than the payload justifies.
#ifndef CACHEFORGE_PERSIST_RDB_PAYLOAD_H_
#define CACHEFORGE_PERSIST_RDB_PAYLOAD_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/dict.h"

namespace cacheforge {

// The RDB version written, and the newest read: Redis 7.0's.
inline constexpr int kRdbVersion = 10;

// One value as a payload carries it, independent of how it is stored.
struct RdbValue {
  ValueType type = ValueType::kString;
  std::string string_value;           // kString
  std::vector<std::string> elements;  // kList in order; kSet; kHash as field, value, ...
  std::vector<std::pair<std::string, double>> scored;  // kZset: member, score
};

// DUMP's payload for `entry`'s value.
std::string EncodeDumpPayload(const Entry& entry);

enum class PayloadError {
  kNone,
  kVersionOrChecksum,  // "ERR DUMP payload version or checksum are wrong"
  kBadFormat,          // "ERR Bad data format"
};

// Checks the footer (version <= kRdbVersion, CRC-64) and decodes the value.
// Empty collections and duplicate hash fields, set members or sorted-set
// members are kBadFormat, as is a NaN score.
PayloadError DecodeDumpPayload(std::string_view payload, RdbValue* out);

}  // namespace cacheforge

#endif  // CACHEFORGE_PERSIST_RDB_PAYLOAD_H_
