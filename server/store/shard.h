// server/store/shard.h
// -----------------------------------------------------------------------------
// One shard of the keyspace: a Dict of string values, the index of keys that
// carry a TTL, and the lock that guards both.
//
// Every shard's lock is a lockgraph::Mutex of the class "store.shard" with the
// shard's index as its declared rank. Commands that touch several shards lock
// them in ascending index order (ShardSetLock in keyspace.h); lockgraph checks
// that order on every acquisition and reports any inversion at once — the
// bucket/table ABBA that hung the original cacheforge cannot come back silently.
//
// Methods named *Locked require mu() held by the caller.
#ifndef CACHEFORGE_STORE_SHARD_H_
#define CACHEFORGE_STORE_SHARD_H_

#include <lockgraph/mutex.h>

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "store/dict.h"

namespace cacheforge {

class Shard {
 public:
  explicit Shard(int index);
  Shard(const Shard&) = delete;
  Shard& operator=(const Shard&) = delete;

  int index() const { return index_; }
  lockgraph::Mutex& mu() { return mu_; }

  // The live entry for `key`, or null. An entry whose TTL has passed is deleted
  // here (lazy expiry) and counted in `*expired`.
  Entry* FindLocked(std::string_view key, uint64_t hash, int64_t now_ms, uint64_t* expired);
  // Adds `key`, which must not be present (FindLocked returned null).
  Entry* InsertLocked(std::string key, uint64_t hash);
  // Deletes `entry`, which belongs to this shard.
  void EraseLocked(Entry* entry);
  // Sets or (with kNoExpiry) clears the absolute expiry time of `entry`.
  void SetExpireLocked(Entry* entry, int64_t expire_at_ms);
  void ClearLocked();

  // Bumped by every change to this shard's data (insert, erase, value, TTL,
  // clear). A command compares it before and after to know whether it changed
  // anything, and so whether the append-only file must record it.
  uint64_t MutationsLocked() const { return mutations_; }

  size_t SizeLocked() const { return dict_.size(); }
  size_t VolatileCountLocked() const { return volatile_.size(); }
  const Dict& DictLocked() const { return dict_; }

  // One step of active expiry, Redis style: sample up to `samples` keys with a
  // TTL, delete the expired ones; returns (sampled, expired).
  std::pair<size_t, size_t> ActiveExpireLocked(int64_t now_ms, size_t samples);

  // A random live key (may delete expired ones it meets), or null.
  Entry* RandomEntryLocked(int64_t now_ms, uint64_t* expired);

  // Approximate bytes of data held (keys, values, entries, table).
  size_t MemoryLocked() const { return memory_ + dict_.TableBytes(); }
  static size_t EntryBytes(const Entry& entry);

  // Runs `change(value)` on `entry`'s value and keeps the memory count right.
  template <typename F>
  void MutateValueLocked(Entry* entry, F&& change) {
    size_t before = EntryBytes(*entry);
    change(entry->value);
    memory_ = memory_ - before + EntryBytes(*entry);
    ++mutations_;
  }

 private:
  void UnindexLocked(Entry* entry);

  const int index_;
  lockgraph::Mutex mu_;
  Dict dict_ LOCKGRAPH_GUARDED_BY(mu_);
  std::vector<Entry*> volatile_ LOCKGRAPH_GUARDED_BY(mu_);  // keys with a TTL
  std::mt19937_64 rng_ LOCKGRAPH_GUARDED_BY(mu_);
  size_t memory_ LOCKGRAPH_GUARDED_BY(mu_) = 0;
  uint64_t mutations_ LOCKGRAPH_GUARDED_BY(mu_) = 0;
};

}  // namespace cacheforge

#endif  // CACHEFORGE_STORE_SHARD_H_
