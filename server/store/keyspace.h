// server/store/keyspace.h
// -----------------------------------------------------------------------------
// The sharded keyspace (database 0): N shards chosen by the key's hash, and the
// one way to lock several of them — ShardSetLock, which always takes them in
// ascending shard index, the order each shard's lockgraph rank declares.
//
// Thread safety: the Keyspace object itself is immutable after construction;
// each shard is guarded by its own lock.
#ifndef CACHEFORGE_STORE_KEYSPACE_H_
#define CACHEFORGE_STORE_KEYSPACE_H_

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

  // `shards` is clamped to [1, kMaxShards] and rounded up to a power of two.
  explicit Keyspace(int shards);

  int shard_count() const { return static_cast<int>(shards_.size()); }
  // Unique per Keyspace object in the process (an address can be reused).
  uint64_t instance_id() const { return instance_id_; }
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

  // Keys removed by lazy or active expiry since start (or CONFIG RESETSTAT).
  std::atomic<uint64_t> expired_keys{0};

 private:
  std::vector<std::unique_ptr<Shard>> shards_;
  int shift_;
  uint64_t instance_id_;
};

namespace internal {
// The shards the calling thread holds for a transaction (TransactionShards).
struct HeldShards {
  const Keyspace* keyspace = nullptr;
  uint64_t mask = 0;
};
extern constinit thread_local HeldShards held_shards;
}  // namespace internal

// Bit i set for each shard of `keyspace` the calling thread holds for a
// transaction; 0 outside one.
inline uint64_t TransactionHeldShards(const Keyspace& keyspace) {
  const internal::HeldShards& held = internal::held_shards;
  return held.keyspace == &keyspace ? held.mask : 0;
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

// EXEC: locks every shard in `mask` (ascending, as ShardSetLock) for the whole
// transaction and marks them held by this thread, so the commands it runs —
// through KeyLock, KeysLock, ShardLock and ShardSetLock — lock nothing more of
// the keyspace. `mask` must cover every shard they touch: a shard outside it
// would be locked while higher ones are held, which lockgraph reports as a
// rank inversion. Not nestable.
class TransactionShards {
 public:
  TransactionShards(Keyspace& keyspace, uint64_t mask);
  ~TransactionShards();
  TransactionShards(const TransactionShards&) = delete;
  TransactionShards& operator=(const TransactionShards&) = delete;

 private:
  ShardSetLock lock_;
};

}  // namespace cacheforge

#endif  // CACHEFORGE_STORE_KEYSPACE_H_
