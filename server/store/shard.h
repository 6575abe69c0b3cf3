// server/store/shard.h
// -----------------------------------------------------------------------------
// One shard of the keyspace: a Dict of string values, the index of keys that
// carry a TTL (with their expiry times), and the lock that guards both.
//
// Every shard's lock is a lockgraph::Mutex of the class "store.shard" with the
// shard's index as its declared rank; shard i of every database shares one
// lock (databases.h), so a thread never holds more than one lock per index
// whatever the number of databases. Commands that touch several shards lock
// them in ascending index order (ShardSetLock in keyspace.h); lockgraph checks
// that order on every acquisition and reports any inversion at once — the
// bucket/table ABBA that hung the original cacheforge cannot come back silently.
//
// Methods named *Locked require mu() held by the caller.
//
// Memory: the shard counts the heap bytes it holds (entries, their key and
// value blocks, the bucket array, the expiry index) exactly, with
// malloc_usable_size, and publishes the total in an atomic that bytes() reads
// without the lock, so checking maxmemory costs no lock.
#ifndef CACHEFORGE_STORE_SHARD_H_
#define CACHEFORGE_STORE_SHARD_H_

#include <lockgraph/mutex.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "store/access.h"
#include "store/blocked_keys.h"
#include "store/dict.h"
#include "store/watched_keys.h"

namespace cacheforge {

// Told, under the shard's lock, of keys a shard creates and of keys it
// removes because their TTL passed (keyspace notifications: new, expired).
class ShardEvents {
 public:
  virtual ~ShardEvents() = default;
  virtual void OnNew(int db, std::string_view key) = 0;
  virtual void OnExpired(int db, std::string_view key) = 0;
};

class Shard {
 public:
  // Shard `index` of database `db`, guarded by `mu` (which outlives it; shard
  // `index` of every database shares it).
  Shard(int index, int db, lockgraph::Mutex& mu);
  Shard(const Shard&) = delete;
  Shard& operator=(const Shard&) = delete;

  int index() const { return index_; }
  int db() const { return db_; }
  // Installs the listener for new and expired keys; before any thread uses
  // the shard (it is read without synchronization).
  void set_events(ShardEvents* events) { events_ = events; }
  lockgraph::Mutex& mu() LOCKGRAPH_RETURN_CAPABILITY(mu_) { return mu_; }
  // Claims this thread holds mu_: checked at run time by lockgraph (a report,
  // or an abort with mode=abort, when false), and tells clang's analysis so,
  // since KeyLock and ShardSetLock hold shard locks through members and
  // runtime masks, which the analysis cannot follow.
  void AssertHeld() const LOCKGRAPH_ASSERT_CAPABILITY(mu_) { mu_.AssertHeld(); }

  // The live entry for `key`, or null. An entry whose TTL has passed is deleted
  // here (lazy expiry) and counted in `*expired`. Does not record an access
  // (TouchLocked does).
  Entry* FindLocked(std::string_view key, uint64_t hash, int64_t now_ms, uint64_t* expired)
      LOCKGRAPH_REQUIRES(mu_);
  // Adds `key`, which must not be present (FindLocked returned null), stamped
  // as accessed at `now_ms` (LRU clock, fresh LFU counter).
  Entry* InsertLocked(std::string key, uint64_t hash, int64_t now_ms) LOCKGRAPH_REQUIRES(mu_);
  // The same, stamped with the wall clock.
  Entry* InsertLocked(std::string key, uint64_t hash) LOCKGRAPH_REQUIRES(mu_);
  // Deletes `entry`, which belongs to this shard.
  void EraseLocked(Entry* entry) LOCKGRAPH_REQUIRES(mu_);
  // Sets or (with kNoExpiry) clears the absolute expiry time of `entry`.
  void SetExpireLocked(Entry* entry, int64_t expire_at_ms) LOCKGRAPH_REQUIRES(mu_);
  // The absolute expiry time of `entry` in Unix ms, or kNoExpiry.
  int64_t ExpireAtLocked(const Entry* entry) const LOCKGRAPH_REQUIRES(mu_) {
    return entry->has_expire() ? volatile_[entry->volatile_slot].expire_at_ms : kNoExpiry;
  }
  bool IsExpiredLocked(const Entry* entry, int64_t now_ms) const LOCKGRAPH_REQUIRES(mu_) {
    return entry->has_expire() && volatile_[entry->volatile_slot].expire_at_ms <= now_ms;
  }
  void ClearLocked() LOCKGRAPH_REQUIRES(mu_);
  // SWAPDB: exchanges this shard's data (keys, TTLs, memory count) with
  // `other`'s, both locked. The watchers and waiters stay: they watch a key
  // of a database, whatever it now holds. Watched keys present on either
  // side are touched, and waited-on keys that now exist become ready.
  void SwapDataLocked(Shard& other) LOCKGRAPH_REQUIRES(mu_, other.mu_);

  // Bumped by every change to this shard's data (insert, erase, value, TTL,
  // clear). A command compares it before and after to know whether it changed
  // anything, and so whether the append-only file must record it.
  uint64_t MutationsLocked() const LOCKGRAPH_REQUIRES(mu_) { return mutations_; }
  // Records an access to `entry` at `now_ms`: the LRU clock, and under an LFU
  // policy the decayed-then-incremented LFU counter.
  void TouchLocked(Entry* entry, int64_t now_ms, const AccessTracking& tracking)
      LOCKGRAPH_REQUIRES(mu_);
  // Stamps `entry` as new: accessed now, LFU counter at its initial value.
  static void StampNew(Entry* entry, int64_t now_ms);

  size_t SizeLocked() const LOCKGRAPH_REQUIRES(mu_) { return dict_.size(); }
  size_t VolatileCountLocked() const LOCKGRAPH_REQUIRES(mu_) { return volatile_.size(); }
  const Dict& DictLocked() const LOCKGRAPH_REQUIRES(mu_) { return dict_; }

  // Up to `n` candidates for eviction, appended to `out`: any keys, or with
  // `volatile_only` keys with a TTL. All of them when there are at most `n`.
  void SampleLocked(size_t n, bool volatile_only, std::vector<Entry*>* out) LOCKGRAPH_REQUIRES(mu_);

  // One step of active expiry, Redis style: sample up to `samples` keys with a
  // TTL, delete the expired ones; returns (sampled, expired).
  std::pair<size_t, size_t> ActiveExpireLocked(int64_t now_ms, size_t samples)
      LOCKGRAPH_REQUIRES(mu_);

  // A random live key (may delete expired ones it meets), or null.
  Entry* RandomEntryLocked(int64_t now_ms, uint64_t* expired) LOCKGRAPH_REQUIRES(mu_);

  // Heap bytes this shard holds (entries, keys, values, bucket array, expiry
  // index). Lock-free; exact as of the last change made under the lock.
  size_t bytes() const { return bytes_.load(std::memory_order_relaxed); }
  size_t MemoryLocked() const LOCKGRAPH_REQUIRES(mu_) { return bytes(); }
  // Heap bytes of one entry with its key and value blocks.
  static size_t EntryBytes(const Entry& entry);

  // Runs `change(value)` on `entry`'s string value and keeps the memory
  // count right. A value of another type is first replaced by an empty
  // string (SET, MSET and the like overwrite any type).
  template <typename F>
  void MutateValueLocked(Entry* entry, F&& change) LOCKGRAPH_REQUIRES(mu_) {
    ChangeEntryLocked(entry, [&] {
      entry->SetString();
      change(entry->value);
    });
  }
  // Runs `change(value)` on `entry`'s value of type T (the caller checked
  // entry->type(); see ValueOf for how it is reached), and keeps the memory
  // count right.
  template <typename T, typename F>
  auto MutateObjectLocked(Entry* entry, F&& change) LOCKGRAPH_REQUIRES(mu_) {
    struct Recount {
      Shard* shard;
      Entry* entry;
      size_t before;
      ~Recount() {
        shard->AssertHeld();
        shard->NoteChangeLocked(entry->key);
        shard->entry_bytes_ = shard->entry_bytes_ - before + EntryBytes(*entry);
        shard->PublishBytesLocked();
      }
    } recount{this, entry, EntryBytes(*entry)};
    decltype(auto) value = ValueOf<T>(entry);
    return change(value);
  }
  // MutateObjectLocked for a change that may turn out to be none (SADD of a
  // member already there): `change` returns how many things it changed, and
  // only a nonzero count counts as a change (the AOF, WATCH). Returns it.
  template <typename T, typename F>
  auto UpdateObjectLocked(Entry* entry, F&& change) LOCKGRAPH_REQUIRES(mu_) {
    const size_t before = EntryBytes(*entry);
    decltype(auto) value = ValueOf<T>(entry);
    auto changed = change(value);
    if (changed) NoteChangeLocked(entry->key);
    entry_bytes_ = entry_bytes_ - before + EntryBytes(*entry);
    PublishBytesLocked();
    return changed;
  }
  // The same for a string value: `change(value)` returns whether it changed it.
  template <typename F>
  bool UpdateValueLocked(Entry* entry, F&& change) LOCKGRAPH_REQUIRES(mu_) {
    const size_t before = EntryBytes(*entry);
    entry->SetString();
    const bool changed = change(entry->value);
    if (changed) NoteChangeLocked(entry->key);
    entry_bytes_ = entry_bytes_ - before + EntryBytes(*entry);
    PublishBytesLocked();
    return changed;
  }
  // Redis's signalModifiedKey without a change: a command that counts as
  // touching `key` even when it changed nothing (LTRIM) fails its watchers.
  void SignalModifiedLocked(std::string_view key) LOCKGRAPH_REQUIRES(mu_) {
    if (!watched_.empty()) watched_.Touch(key);
  }
  // While set, changes do not touch watchers: for BITFIELD, which Redis
  // counts as a change only if a write it was asked for was done; the caller
  // then touches them with SignalModifiedLocked.
  void SetQuietWatchLocked(bool quiet) LOCKGRAPH_REQUIRES(mu_) { quiet_watch_ = quiet; }
  // Replaces `entry`'s value with `object`.
  void SetObjectLocked(Entry* entry, std::unique_ptr<Object> object) LOCKGRAPH_REQUIRES(mu_);
  // Replaces `entry`'s value with an empty inline value of `type` (a new
  // small hash).
  void SetInlineLocked(Entry* entry, ValueType type) LOCKGRAPH_REQUIRES(mu_);
  // Moves the value of `src`, an entry of `from` (this shard or another, also
  // locked by the caller), into `dst`, leaving `src` an empty string to be
  // erased (RENAME, MOVE).
  void MoveValueLocked(Entry* dst, Shard& from, Entry* src) LOCKGRAPH_REQUIRES(mu_);
  // Makes `dst`'s value a deep copy of `src`'s, of any shard (COPY).
  void CopyValueLocked(Entry* dst, const Entry& src) LOCKGRAPH_REQUIRES(mu_);

  // WATCH: `flag` is marked dirty by any later change to `key` (see
  // watched_keys.h). Unwatch before the flag's client goes away.
  void WatchLocked(std::string_view key, std::shared_ptr<WatchFlag> flag) LOCKGRAPH_REQUIRES(mu_) {
    watched_.Add(key, std::move(flag));
  }
  void UnwatchLocked(std::string_view key, const WatchFlag* flag) LOCKGRAPH_REQUIRES(mu_) {
    watched_.Remove(key, flag);
  }
  size_t WatchedKeyCountLocked() const LOCKGRAPH_REQUIRES(mu_) { return watched_.key_count(); }

  // Blocking commands (see blocked_keys.h): `waiter` waits on `key` until a
  // change to it makes it ready.
  void BlockLocked(std::string_view key, std::shared_ptr<Waiter> waiter) LOCKGRAPH_REQUIRES(mu_) {
    blocked_.Add(key, std::move(waiter));
  }
  void UnblockLocked(std::string_view key, const Waiter* waiter) LOCKGRAPH_REQUIRES(mu_) {
    blocked_.Remove(key, waiter);
  }
  template <typename Visit>
  void ForEachWaiterLocked(std::string_view key, Visit&& visit) const LOCKGRAPH_REQUIRES(mu_) {
    blocked_.ForEach(key, std::forward<Visit>(visit));
  }
  size_t BlockedKeyCountLocked() const LOCKGRAPH_REQUIRES(mu_) { return blocked_.key_count(); }

 private:
  // Runs `change()`, which rewrites `entry`'s value, as a write: notes it
  // (WATCH, blocked clients) and keeps the memory count right.
  template <typename F>
  void ChangeEntryLocked(Entry* entry, F&& change) LOCKGRAPH_REQUIRES(mu_) {
    const size_t before = EntryBytes(*entry);
    change();
    NoteChangeLocked(entry->key);
    entry_bytes_ = entry_bytes_ - before + EntryBytes(*entry);
    PublishBytesLocked();
  }
  struct VolatileKey {
    Entry* entry;
    int64_t expire_at_ms;
  };

  void UnindexLocked(Entry* entry) LOCKGRAPH_REQUIRES(mu_);
  void PublishBytesLocked() LOCKGRAPH_REQUIRES(mu_);
  // Every change to a key goes through here: the change counter, and WATCH.
  void NoteChangeLocked(std::string_view key) LOCKGRAPH_REQUIRES(mu_) {
    ++mutations_;
    if (!watched_.empty() && !quiet_watch_) watched_.Touch(key);
    if (!blocked_.empty() && blocked_.Has(key)) MarkReady(this, key);
  }

  // 8 bytes of state where mt19937_64 has 2.5 KB: there is a shard per
  // database and index, and sampling wants speed, not statistical quality.
  struct SplitMix64 {
    uint64_t state;
    uint64_t operator()() {
      uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      return z ^ (z >> 31);
    }
  };

  // Deletes `entry`, whose TTL has passed, telling the listener first.
  void ExpireEntryLocked(Entry* entry) LOCKGRAPH_REQUIRES(mu_);
  // Every waited-on key that exists now is ready (after SwapDataLocked).
  void MarkExistingReadyLocked() LOCKGRAPH_REQUIRES(mu_);

  const int index_;
  const int db_;
  ShardEvents* events_ = nullptr;
  lockgraph::Mutex& mu_;
  // Written under mu_, read by anyone; next to the lock, whose cache line a
  // writer owns anyway.
  std::atomic<size_t> bytes_{0};
  Dict dict_ LOCKGRAPH_GUARDED_BY(mu_);
  std::vector<VolatileKey> volatile_ LOCKGRAPH_GUARDED_BY(mu_);  // keys with a TTL
  SplitMix64 rng_ LOCKGRAPH_GUARDED_BY(mu_);
  uint64_t mutations_ LOCKGRAPH_GUARDED_BY(mu_) = 0;
  size_t entry_bytes_ LOCKGRAPH_GUARDED_BY(mu_) = 0;  // EntryBytes of every entry
  WatchedKeys watched_ LOCKGRAPH_GUARDED_BY(mu_);
  bool quiet_watch_ LOCKGRAPH_GUARDED_BY(mu_) = false;
  BlockedKeys blocked_ LOCKGRAPH_GUARDED_BY(mu_);
};

}  // namespace cacheforge

#endif  // CACHEFORGE_STORE_SHARD_H_
