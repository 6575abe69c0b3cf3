// server/store/keyspace.cc
// -----------------------------------------------------------------------------
// Shard selection and ordered multi-shard locking.
#include "store/keyspace.h"

#include <absl/hash/hash.h>

#include <algorithm>
#include <bit>

namespace cacheforge {

int Keyspace::ShardCountFor(int requested) {
  // A power of two, so the shard is a shift of the hash.
  return static_cast<int>(
      std::bit_ceil(static_cast<unsigned>(std::clamp(requested, 1, kMaxShards))));
}

std::unique_ptr<lockgraph::Mutex> Keyspace::NewShardLock(int index) {
  return std::make_unique<lockgraph::Mutex>("store.shard", lockgraph::LockOptions{.rank = index});
}

Keyspace::Keyspace(int shards) : id_(0), group_(nullptr) {
  shards = ShardCountFor(shards);
  for (int i = 0; i < shards; ++i) owned_locks_.push_back(NewShardLock(i));
  for (int i = 0; i < shards; ++i)
    shards_.push_back(std::make_unique<Shard>(i, 0, *owned_locks_[static_cast<size_t>(i)]));
  shift_ = 64 - std::countr_zero(static_cast<unsigned>(shards));
}

Keyspace::Keyspace(int id, const void* group, std::span<lockgraph::Mutex* const> locks)
    : id_(id), group_(group) {
  const int shards = static_cast<int>(locks.size());
  for (int i = 0; i < shards; ++i) {
    shards_.push_back(std::make_unique<Shard>(i, id, *locks[static_cast<size_t>(i)]));
  }
  shift_ = 64 - std::countr_zero(static_cast<unsigned>(shards));
}

uint64_t Keyspace::Hash(std::string_view key) { return absl::Hash<std::string_view>{}(key); }

uint64_t Keyspace::ShardMask(std::span<const std::string_view> keys) const {
  uint64_t mask = 0;
  for (std::string_view key : keys) mask |= uint64_t{1} << ShardIndex(Hash(key));
  return mask;
}

namespace internal {
constinit thread_local HeldShards held_shards;
}  // namespace internal

ShardSetLock::ShardSetLock(Keyspace& keyspace, uint64_t mask)
    : keyspace_(keyspace), mask_(mask & ~TransactionHeldShards(keyspace)) {
  for (uint64_t m = mask_; m != 0; m &= m - 1) keyspace_.shard(std::countr_zero(m)).mu().lock();
}

ShardSetLock::~ShardSetLock() {
  for (uint64_t m = mask_; m != 0;) {
    int highest = 63 - std::countl_zero(m);
    keyspace_.shard(highest).mu().unlock();
    m &= ~(uint64_t{1} << highest);
  }
}

}  // namespace cacheforge
