// server/store/databases.cc
// -----------------------------------------------------------------------------
// The numbered databases and the locks across them.
#include "store/databases.h"

#include <algorithm>
#include <atomic>

namespace cacheforge {

Databases::Databases(int count, int shards) {
  static std::atomic<uint64_t> next_instance_id{1};
  instance_id_ = next_instance_id.fetch_add(1, std::memory_order_relaxed);
  shards = Keyspace::ShardCountFor(shards);
  std::vector<lockgraph::Mutex*> locks;
  for (int i = 0; i < shards; ++i) {
    locks_.push_back(Keyspace::NewShardLock(i));
    locks.push_back(locks_.back().get());
  }
  count = std::clamp(count, 1, kMaxDatabases);
  dbs_.reserve(static_cast<size_t>(count));
  for (int d = 0; d < count; ++d) dbs_.push_back(std::make_unique<Keyspace>(d, this, locks));
}

void Databases::SetEvents(ShardEvents* events) {
  for (const auto& db : dbs_) {
    for (int i = 0; i < db->shard_count(); ++i) db->shard(i).set_events(events);
  }
}

uint64_t Databases::DatasetBytes() const {
  uint64_t total = 0;
  for (const auto& db : dbs_) total += db->DatasetBytes();
  return total;
}

uint64_t DbShardsLock::Union(const std::vector<uint64_t>& masks) {
  uint64_t all = 0;
  for (uint64_t mask : masks) all |= mask;
  return all;
}

// Any database's keyspace names the shared locks; database 0 always exists.
DbShardsLock::DbShardsLock(Databases& dbs, const std::vector<uint64_t>& masks)
    : lock_(dbs.db(0), Union(masks)) {}

TransactionShards::TransactionShards(Databases& dbs, const std::vector<uint64_t>& masks)
    : lock_(dbs, masks) {
  internal::held_shards = {&dbs, DbShardsLock::Union(masks)};
}

TransactionShards::~TransactionShards() { internal::held_shards = {}; }

}  // namespace cacheforge
