// server/persist/value_records.h
// -----------------------------------------------------------------------------
// The commands that recreate one key in a rewritten append-only file, as
// Redis's rewrite writes them: SET (with PXAT for a TTL) for a string; RPUSH,
// HSET, SADD or ZADD for a collection, at most 64 elements per command (Redis's
// AOF_REWRITE_ITEMS_PER_CMD, so no record grows without bound), followed by
// PEXPIREAT for a TTL.
#ifndef CACHEFORGE_PERSIST_VALUE_RECORDS_H_
#define CACHEFORGE_PERSIST_VALUE_RECORDS_H_

#include <cstdint>
#include <string>

#include "store/dict.h"

namespace cacheforge {

// Appends the records for `entry` to `out`; `expire_at_ms` is its absolute
// expiry time or kNoExpiry.
void AppendValueRecords(const Entry& entry, int64_t expire_at_ms, std::string* out);

}  // namespace cacheforge

#endif  // CACHEFORGE_PERSIST_VALUE_RECORDS_H_
