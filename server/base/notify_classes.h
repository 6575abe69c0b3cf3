// server/base/notify_classes.h
// -----------------------------------------------------------------------------
// The event classes of `notify-keyspace-events` (Redis's letters), and the
// setting's text form both ways.
#ifndef CACHEFORGE_BASE_NOTIFY_CLASSES_H_
#define CACHEFORGE_BASE_NOTIFY_CLASSES_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace cacheforge {

enum NotifyClass : uint32_t {
  kNotifyKeyspace = 1 << 0,  // K: __keyspace@<db>__:<key> channels
  kNotifyKeyevent = 1 << 1,  // E: __keyevent@<db>__:<event> channels
  kNotifyGeneric = 1 << 2,   // g: DEL, EXPIRE, RENAME, ...
  kNotifyString = 1 << 3,    // $
  kNotifyList = 1 << 4,      // l
  kNotifySet = 1 << 5,       // s
  kNotifyHash = 1 << 6,      // h
  kNotifyZset = 1 << 7,      // z
  kNotifyExpired = 1 << 8,   // x: a key removed because its TTL passed
  kNotifyEvicted = 1 << 9,   // e: a key removed by maxmemory
  kNotifyStream = 1 << 10,   // t (accepted; there are no streams)
  kNotifyKeyMiss = 1 << 11,  // m: a read of a missing key
  kNotifyModule = 1 << 12,   // d (accepted; there are no modules)
  kNotifyNew = 1 << 13,      // n: a key created
  // A: every class but m and n, as in Redis.
  kNotifyAll = kNotifyGeneric | kNotifyString | kNotifyList | kNotifySet | kNotifyHash |
               kNotifyZset | kNotifyExpired | kNotifyEvicted | kNotifyStream | kNotifyModule,
};

// "KEA", "Elg", "" → flags; false for a character that names no class.
bool ParseNotifyClasses(std::string_view text, uint32_t* flags);
// The canonical text CONFIG GET shows ("AKE" for "KEA"), Redis's order.
std::string FormatNotifyClasses(uint32_t flags);

}  // namespace cacheforge

#endif  // CACHEFORGE_BASE_NOTIFY_CLASSES_H_
