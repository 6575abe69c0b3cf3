// server/store/access.h
// -----------------------------------------------------------------------------
// The per-key access record eviction reads: an LRU clock (Entry::lru) and
// Redis's LFU counter (Entry::lfu). Pure functions of the stored fields and the
// time, so they are unit-tested without a server.
//
// LRU: the last access in ticks of kLruTickMs. Idle times are differences
// taken as signed 32-bit numbers, which covers idle times up to about 248 days
// and reads a stamp slightly in the future (another thread's clock) as idle 0.
//
// LFU, exactly Redis's scheme: the low 8 bits are a logarithmic access
// counter — an access increments it with probability
// 1 / ((counter - kLfuInitVal) * lfu-log-factor + 1), so it saturates near
// 255 only after about a million hits with the default factor 10 — and the
// next 16 bits are the minute (mod 2^16) it was last decayed; every
// lfu-decay-time minutes without access take one off the counter. New keys
// start at kLfuInitVal so they are not evicted before they had a chance to be
// read.
#ifndef CACHEFORGE_STORE_ACCESS_H_
#define CACHEFORGE_STORE_ACCESS_H_

#include <cstdint>

namespace cacheforge {

inline constexpr int64_t kLruTickMs = 10;
inline constexpr uint32_t kLfuInitVal = 5;

inline uint32_t LruClock(int64_t now_ms) { return static_cast<uint32_t>(now_ms / kLruTickMs); }

// Milliseconds since the access stamped `lru` (0 for a stamp in the future).
inline int64_t LruIdleMs(uint32_t lru, int64_t now_ms) {
  int32_t ticks = static_cast<int32_t>(LruClock(now_ms) - lru);
  return ticks < 0 ? 0 : static_cast<int64_t>(ticks) * kLruTickMs;
}

inline uint32_t LfuMinutes(int64_t now_ms) {
  return static_cast<uint32_t>((now_ms / 60000) & 0xFFFF);
}

inline uint32_t LfuPack(uint32_t minutes, uint32_t counter) {
  return ((minutes & 0xFFFF) << 8) | (counter & 0xFF);
}

// Whole minutes since `lfu`'s decay stamp. The stamp wraps every 2^16 minutes
// (45 days), as in Redis; a stamp up to 4 minutes ahead is clock skew between
// threads, not 45 days.
inline uint32_t LfuElapsedMinutes(uint32_t lfu, int64_t now_ms) {
  uint32_t elapsed = (LfuMinutes(now_ms) - (lfu >> 8)) & 0xFFFF;
  return elapsed > 0xFFFF - 4 ? 0 : elapsed;
}

// The counter after decay (Redis's LFUDecrAndReturn). `decay_minutes` is
// lfu-decay-time; 0 means counters never decay.
inline uint32_t LfuDecayed(uint32_t lfu, int64_t now_ms, int64_t decay_minutes) {
  uint32_t counter = lfu & 0xFF;
  if (decay_minutes <= 0) return counter;
  int64_t periods = LfuElapsedMinutes(lfu, now_ms) / decay_minutes;
  return periods >= counter ? 0 : counter - static_cast<uint32_t>(periods);
}

// One logarithmic increment (Redis's LFULogIncr). `random01` is uniform in
// [0, 1).
inline uint32_t LfuLogIncr(uint32_t counter, int64_t log_factor, double random01) {
  if (counter >= 255) return 255;
  double base = counter > kLfuInitVal ? static_cast<double>(counter - kLfuInitVal) : 0.0;
  double p = 1.0 / (base * static_cast<double>(log_factor) + 1.0);
  return random01 < p ? counter + 1 : counter;
}

// How the keyspace records an access: LRU always; the LFU counter only under
// an LFU policy, as in Redis, since each update costs a random number.
struct AccessTracking {
  bool lfu = false;
  int64_t lfu_log_factor = 10;
  int64_t lfu_decay_time = 1;  // minutes
};

}  // namespace cacheforge

#endif  // CACHEFORGE_STORE_ACCESS_H_
