// server/store/databases.h
// -----------------------------------------------------------------------------
// The server's numbered databases (SELECT 0..databases-1), each a Keyspace of
// the same shard count, and the locks that span several of them.
//
// Locks: shard i of every database is guarded by one lock, "store.shard" of
// rank i. A key hashes to the same index in every database, so MOVE takes one
// lock, and locking "every shard of every database" (FLUSHALL, the AOF
// rewrite, EXEC) is as many locks as one database has shards, whatever
// `databases` is: no thread ever holds more than `shards` shard locks
// (ThreadSanitizer's deadlock detector, for one, stops at 64 held locks).
// DbShardsLock takes the shards of any databases at once, in ascending index
// order, each lock once; everything else locks within one database
// (keyspace.h).
//
// Thread safety: the Databases object is immutable after construction; each
// shard is guarded by its lock.
#ifndef CACHEFORGE_STORE_DATABASES_H_
#define CACHEFORGE_STORE_DATABASES_H_

#include <lockgraph/mutex.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "store/keyspace.h"

namespace cacheforge {

class Databases {
 public:
  static constexpr int kMaxDatabases = 1024;

  // `count` databases (clamped to [1, kMaxDatabases]) of `shards` shards each.
  Databases(int count, int shards);
  Databases(const Databases&) = delete;
  Databases& operator=(const Databases&) = delete;

  int count() const { return static_cast<int>(dbs_.size()); }
  Keyspace& db(int index) { return *dbs_[static_cast<size_t>(index)]; }
  const Keyspace& db(int index) const { return *dbs_[static_cast<size_t>(index)]; }
  int shards_per_db() const { return dbs_.front()->shard_count(); }
  // Unique per Databases object in the process (an address can be reused).
  uint64_t instance_id() const { return instance_id_; }

  // Installs `events` in every shard (store/shard.h); before any thread uses
  // the databases.
  void SetEvents(ShardEvents* events);

  // Heap bytes of every database (lock-free, as Keyspace::DatasetBytes).
  uint64_t DatasetBytes() const;

  // One empty mask per database: the argument DbShardsLock takes.
  std::vector<uint64_t> NoShards() const { return std::vector<uint64_t>(dbs_.size(), 0); }

 private:
  std::vector<std::unique_ptr<lockgraph::Mutex>> locks_;  // shard i of every database
  std::vector<std::unique_ptr<Keyspace>> dbs_;
  uint64_t instance_id_;
};

// Locks masks[d]'s shards of each database d and unlocks them on
// destruction. The databases share their shards' locks, so this is one
// ShardSetLock over the union of the masks: ascending index, each lock once,
// skipping what the thread holds for a transaction.
class DbShardsLock {
 public:
  DbShardsLock(Databases& dbs, const std::vector<uint64_t>& masks);
  DbShardsLock(const DbShardsLock&) = delete;
  DbShardsLock& operator=(const DbShardsLock&) = delete;

  // The union of the masks: the shard indexes locked.
  static uint64_t Union(const std::vector<uint64_t>& masks);

 private:
  ShardSetLock lock_;
};

// EXEC: locks masks[d]'s shards of each database d (as DbShardsLock) for the
// whole transaction and marks them held by this thread, so the commands it
// runs — through KeyLock, KeysLock, ShardLock, ShardSetLock and DbShardsLock —
// lock nothing more. The masks must cover every shard they touch: a shard
// outside them would be locked while higher ones are held, which lockgraph
// reports as a rank inversion. Not nestable.
class TransactionShards {
 public:
  TransactionShards(Databases& dbs, const std::vector<uint64_t>& masks);
  ~TransactionShards();
  TransactionShards(const TransactionShards&) = delete;
  TransactionShards& operator=(const TransactionShards&) = delete;

 private:
  DbShardsLock lock_;
};

}  // namespace cacheforge

#endif  // CACHEFORGE_STORE_DATABASES_H_
