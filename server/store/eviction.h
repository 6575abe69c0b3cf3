// server/store/eviction.h
// -----------------------------------------------------------------------------
// Choosing and removing keys when memory is over maxmemory: Redis's eight
// maxmemory policies with its sampling and eviction pool.
//
// LRU, LFU and TTL policies sample `maxmemory-samples` keys (any key, or with
// volatile-* only keys with a TTL) from one shard per round, rotating through
// the shards, and offer them to a pool of the 16 best candidates seen so far,
// ordered by a score (idle time; 255 minus the LFU counter; or how soon the
// TTL ends). Each round evicts the pool's best key that still exists. The pool
// carries good candidates from round to round, which is what makes a handful
// of samples approximate true LRU/LFU well. The random policies evict a random
// key (with a TTL, for volatile-random) of the next shard.
//
// Thread safety: an Evictor is used by one thread at a time (each I/O thread
// has its own). It takes one shard lock at a time and never two, so the caller
// must hold no shard lock.
#ifndef CACHEFORGE_STORE_EVICTION_H_
#define CACHEFORGE_STORE_EVICTION_H_

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/databases.h"

namespace cacheforge {

enum class EvictionPolicy : uint8_t {
  kNoEviction,
  kAllKeysLru,
  kVolatileLru,
  kAllKeysLfu,
  kVolatileLfu,
  kAllKeysRandom,
  kVolatileRandom,
  kVolatileTtl,
};

// The maxmemory-policy names ("allkeys-lru", ...), lowercase.
bool ParseEvictionPolicy(std::string_view name, EvictionPolicy* policy);
const char* EvictionPolicyName(EvictionPolicy policy);

inline bool IsLfuPolicy(EvictionPolicy p) {
  return p == EvictionPolicy::kAllKeysLfu || p == EvictionPolicy::kVolatileLfu;
}
inline bool IsVolatilePolicy(EvictionPolicy p) {
  return p == EvictionPolicy::kVolatileLru || p == EvictionPolicy::kVolatileLfu ||
         p == EvictionPolicy::kVolatileRandom || p == EvictionPolicy::kVolatileTtl;
}

// Told about each key eviction erases, with its shard lock still held (the
// append-only file records a DEL there, in order with the shard's writes).
class EvictionListener {
 public:
  virtual ~EvictionListener() = default;
  virtual void OnEvicted(int db, std::string_view key) = 0;
  // Asked before each eviction, with no lock held: false stops the round.
  // Several threads evict at once; each asking here stops them all as soon as
  // memory is under the limit (or the limit was lifted), not after each one
  // has freed the excess it saw when it started.
  virtual bool StillOverLimit() { return true; }
};

struct EvictionParams {
  EvictionListener* listener = nullptr;  // may be null
  EvictionPolicy policy = EvictionPolicy::kNoEviction;
  int samples = 5;             // maxmemory-samples
  int64_t lfu_decay_time = 1;  // lfu-decay-time, minutes
  int64_t now_ms = 0;
};

// How evictable `entry` is under `params` (higher: evict sooner). `expire_at_ms`
// is the entry's expiry time (volatile-ttl).
uint64_t EvictionScore(const Entry& entry, int64_t expire_at_ms, const EvictionParams& params);

// The best candidates seen so far, kept sorted by score, at most kSize.
class EvictionPool {
 public:
  static constexpr size_t kSize = 16;

  struct Candidate {
    uint64_t score = 0;
    int shard = 0;
    uint64_t hash = 0;
    std::string key;
  };

  // Keeps the candidate when the pool has room or it beats the worst one.
  void Offer(uint64_t score, int shard, uint64_t hash, std::string_view key);
  // Moves the highest-scoring candidate to `*out`; false when empty.
  bool PopBest(Candidate* out);
  void Clear() { size_ = 0; }
  size_t size() const { return size_; }

 private:
  std::array<Candidate, kSize> slots_;  // [0, size_) in ascending score
  size_t size_ = 0;
};

struct EvictionResult {
  uint64_t keys = 0;       // keys evicted
  uint64_t bytes = 0;      // heap bytes they freed
  bool exhausted = false;  // stopped because no key was left to evict
};

class Evictor {
 public:
  // Evicts keys under `params.policy` until `bytes_to_free` heap bytes are
  // freed, nothing is left to evict, or `budget` has passed (zero: no limit).
  // Never evicts under noeviction, and under volatile-* only keys with a TTL.
  // Candidates come from every database's shards.
  EvictionResult Evict(Databases& dbs, const EvictionParams& params, uint64_t bytes_to_free,
                       std::chrono::microseconds budget);

 private:
  // Fills the pool from the next shards that have candidates; false when no
  // shard has any.
  bool Refill(Databases& dbs, const EvictionParams& params);
  // Evicts one random key of the next shard that has one; its bytes, or
  // false when no shard has any.
  bool EvictRandom(Databases& dbs, const EvictionParams& params, uint64_t* freed);
  // Evicts the pool's best candidate that still qualifies.
  bool EvictFromPool(Databases& dbs, const EvictionParams& params, uint64_t* freed);

  EvictionPool pool_;
  // The pool is only meaningful for the databases and policy that filled it.
  // Shards are numbered across databases: db * shards_per_db + index.
  uint64_t pool_keyspace_ = 0;  // Databases::instance_id()
  EvictionPolicy pool_policy_ = EvictionPolicy::kNoEviction;
  int next_shard_ = 0;
  std::vector<Entry*> sample_;
};

// THE one place where a key is erased because of eviction: every policy ends
// here. Persistence logs a DEL for the key here, so that a replayed log drops
// it as well; nothing else may erase a key on eviction's behalf. Returns the
// heap bytes freed. Requires the shard's lock.
uint64_t EraseEvictedLocked(Shard& shard, Entry* entry, EvictionListener* listener)
    LOCKGRAPH_REQUIRES(shard.mu());

}  // namespace cacheforge

#endif  // CACHEFORGE_STORE_EVICTION_H_
