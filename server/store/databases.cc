// server/store/databases.cc
// -----------------------------------------------------------------------------
// The numbered databases and the locks across them.
#include "store/databases.h"

#include <algorithm>
#include <atomic>
#include <utility>

namespace cacheforge {

Databases::Databases(int count, int shards) {
  static std::atomic<uint64_t> next_instance_id{1};
  instance_id_ = next_instance_id.fetch_add(1, std::memory_order_relaxed);
  count = std::clamp(count, 1, kMaxDatabases);
  dbs_.reserve(static_cast<size_t>(count));
  for (int d = 0; d < count; ++d) dbs_.push_back(std::make_unique<Keyspace>(shards, d, this));
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

DbShardsLock::DbShardsLock(Databases& dbs, const std::vector<uint64_t>& masks) {
  const int count = std::min(dbs.count(), static_cast<int>(masks.size()));
  for (int d = 0; d < count; ++d) {
    if (masks[static_cast<size_t>(d)] == 0) continue;
    locks_.push_back(std::make_unique<ShardSetLock>(dbs.db(d), masks[static_cast<size_t>(d)]));
  }
}

DbShardsLock::~DbShardsLock() {
  while (!locks_.empty()) locks_.pop_back();  // the reverse of the order taken
}

TransactionShards::TransactionShards(Databases& dbs, std::vector<uint64_t> masks)
    : masks_(std::move(masks)), lock_(dbs, masks_) {
  internal::held_shards = {&dbs, masks_.data(), static_cast<int>(masks_.size())};
}

TransactionShards::~TransactionShards() { internal::held_shards = {}; }

}  // namespace cacheforge
