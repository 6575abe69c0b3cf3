// server/store/keyspace.h
// -----------------------------------------------------------------------------
// One database: N shards chosen by the key's hash, and the one way to lock
// several of them — ShardSetLock, which always takes them in ascending shard
// index, the order each shard's lockgraph rank declares. The server's
// databases (SELECT) are Keyspaces of one Databases (databases.h).
//
// Thread safety: the Keyspace object itself is immutable after construction;
// each shard is guarded by its own lock.
#ifndef CACHEFORGE_STORE_KEYSPACE_H_
#define CACHEFORGE_STORE_KEYSPACE_H_

#include <lockgraph/mutex.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "store/shard.h"

namespace cacheforge {

class Keyspace {
 public:
  static constexpr int kMaxShards = 64;  // ShardSetLock uses a 64-bit mask

  // `shards` is clamped to [1, kMaxShards] and rounded up to a power of two
  // (ShardCountFor). A lone keyspace owns its shards' locks; one of a
  // Databases (`group`, database number `id`) is given them: `locks[i]`
  // guards shard i of every database.
  explicit Keyspace(int shards);
  Keyspace(int id, const void* group, std::span<lockgraph::Mutex* const> locks);
  static int ShardCountFor(int requested);
  // The lock of shard i ("store.shard", rank i).
  static std::unique_ptr<lockgraph::Mutex> NewShardLock(int index);

  int shard_count() const { return static_cast<int>(shards_.size()); }
  int id() const { return id_; }
  const void* group() const { return group_; }
  Shard& shard(int index) { return *shards_[static_cast<size_t>(index)]; }

  static uint64_t Hash(std::string_view key);
  int ShardIndex(uint64_t hash) const {
    // The high bits pick the shard, the low bits the bucket inside it.
    return shift_ == 64 ? 0 : static_cast<int>(hash >> shift_);
  }
  Shard& ShardFor(uint64_t hash) { return shard(ShardIndex(hash)); }

  // Bit i set for each shard that holds one of `keys`.
  uint64_t ShardMask(std::span<const std::string_view> keys) const;

  // Heap bytes held by all shards. Lock-free (relaxed reads of each shard's
  // count), so it is cheap enough to check before every write.
  uint64_t DatasetBytes() const {
    uint64_t total = 0;
    for (const auto& shard : shards_) total += shard->bytes();
    return total;
  }

 private:
  std::vector<std::unique_ptr<lockgraph::Mutex>> owned_locks_;  // a lone keyspace's
  std::vector<std::unique_ptr<Shard>> shards_;
  int shift_;
  int id_;
  const void* group_;
};

namespace internal {
// The shards the calling thread holds for a transaction (TransactionShards):
// bit i is shard i's lock, shared by every database of `group` (a lone
// keyspace: its own address).
struct HeldShards {
  const void* group = nullptr;
  uint64_t mask = 0;
};
extern constinit thread_local HeldShards held_shards;

inline const void* GroupOf(const Keyspace& keyspace) {
  return keyspace.group() != nullptr ? keyspace.group() : &keyspace;
}
}  // namespace internal

// Bit i set for each shard of `keyspace` the calling thread holds for a
// transaction; 0 outside one.
inline uint64_t TransactionHeldShards(const Keyspace& keyspace) {
  const internal::HeldShards& held = internal::held_shards;
  return held.group == internal::GroupOf(keyspace) ? held.mask : 0;
}

// Locks every shard in `mask`, lowest index first, and unlocks them on
// destruction. The only way code takes more than one shard lock. Shards the
// thread holds for a transaction are skipped: they stay locked by it.
class ShardSetLock {
 public:
  ShardSetLock(Keyspace& keyspace, uint64_t mask);
  ~ShardSetLock();
  ShardSetLock(const ShardSetLock&) = delete;
  ShardSetLock& operator=(const ShardSetLock&) = delete;

  static uint64_t AllShards(const Keyspace& keyspace) {
    return keyspace.shard_count() == 64 ? ~uint64_t{0}
                                        : (uint64_t{1} << keyspace.shard_count()) - 1;
  }

 private:
  Keyspace& keyspace_;
  uint64_t mask_;
};

// Locks one shard, unless the thread holds it for a transaction. Code that
// holds no other shard and may run inside EXEC locks a shard this way.
class ShardLock {
 public:
  ShardLock(Keyspace& keyspace, Shard& shard)
      : shard_((TransactionHeldShards(keyspace) >> shard.index()) & 1 ? nullptr : &shard) {
    if (shard_ != nullptr) shard_->mu().lock();
  }
  ~ShardLock() {
    if (shard_ != nullptr) shard_->mu().unlock();
  }
  ShardLock(const ShardLock&) = delete;
  ShardLock& operator=(const ShardLock&) = delete;

 private:
  Shard* shard_;
};

}  // namespace cacheforge

#endif  // CACHEFORGE_STORE_KEYSPACE_H_
