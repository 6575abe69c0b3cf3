// server/store/shard.cc
// -----------------------------------------------------------------------------
// One keyspace shard: lookups with lazy expiry, the TTL index, active expiry,
// access records and exact memory counting.
#include "store/shard.h"

#include <time.h>

#include <utility>

#include "store/keyspace.h"
#include "util/heap_bytes.h"

namespace cacheforge {
namespace {

int64_t WallClockMs() {
  // The coarse clock is read without a system call; its few ms of
  // granularity are finer than the LRU clock's tick.
  timespec ts;
  clock_gettime(CLOCK_REALTIME_COARSE, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

}  // namespace

Shard::Shard(int index, int db, lockgraph::Mutex& mu)
    : index_(index),
      db_(db),
      mu_(mu),
      rng_{0x9e3779b97f4a7c15ULL ^ (static_cast<uint64_t>(db) << 32) ^
           static_cast<uint64_t>(index)} {}

size_t Shard::EntryBytes(const Entry& entry) {
  return HeapBytes(&entry) + StringHeapBytes(entry.key) +
         (entry.holds_bytes() ? StringHeapBytes(entry.value) : entry.object->Bytes());
}

void Shard::SetObjectLocked(Entry* entry, std::unique_ptr<Object> object) {
  ChangeEntryLocked(entry, [&] { entry->SetObject(std::move(object)); });
}

void Shard::SetInlineLocked(Entry* entry, ValueType type) {
  ChangeEntryLocked(entry, [&] { entry->SetInline(type); });
}

void Shard::MoveValueLocked(Entry* dst, Shard& from, Entry* src) {
  from.AssertHeld();
  const size_t dst_before = EntryBytes(*dst);
  const size_t src_before = EntryBytes(*src);
  dst->MoveValueFrom(*src);
  from.NoteChangeLocked(src->key);
  from.entry_bytes_ = from.entry_bytes_ - src_before + EntryBytes(*src);
  from.PublishBytesLocked();
  NoteChangeLocked(dst->key);
  entry_bytes_ = entry_bytes_ - dst_before + EntryBytes(*dst);
  PublishBytesLocked();
}

void Shard::CopyValueLocked(Entry* dst, const Entry& src) {
  ChangeEntryLocked(dst, [&] { dst->CopyValueFrom(src); });
}

void Shard::PublishBytesLocked() {
  bytes_.store(entry_bytes_ + dict_.TableBytes() + HeapBytes(volatile_.data()),
               std::memory_order_relaxed);
}

Entry* Shard::FindLocked(std::string_view key, uint64_t hash, int64_t now_ms, uint64_t* expired) {
  Entry* e = dict_.Find(key, hash);
  if (e == nullptr) return nullptr;
  if (IsExpiredLocked(e, now_ms)) {
    ExpireEntryLocked(e);
    ++*expired;
    return nullptr;
  }
  return e;
}

Entry* Shard::InsertLocked(std::string key, uint64_t hash, int64_t now_ms) {
  Entry* e = dict_.Insert(std::move(key), hash);
  if (events_ != nullptr) events_->OnNew(db_, e->key);
  NoteChangeLocked(e->key);
  StampNew(e, now_ms);
  entry_bytes_ += EntryBytes(*e);
  PublishBytesLocked();
  return e;
}

Entry* Shard::InsertLocked(std::string key, uint64_t hash) {
  return InsertLocked(std::move(key), hash, WallClockMs());
}

void Shard::ExpireEntryLocked(Entry* entry) {
  // Told before the erase, while the key is still valid: no client can tell
  // the difference, the shard being locked throughout.
  if (events_ != nullptr) events_->OnExpired(db_, entry->key);
  EraseLocked(entry);
}

void Shard::EraseLocked(Entry* entry) {
  UnindexLocked(entry);
  NoteChangeLocked(entry->key);
  entry_bytes_ -= EntryBytes(*entry);
  Entry* unlinked = dict_.Unlink(entry->key, entry->hash);
  delete unlinked;
  PublishBytesLocked();
}

void Shard::UnindexLocked(Entry* entry) {
  if (!entry->has_expire()) return;
  uint32_t slot = entry->volatile_slot;
  volatile_[slot] = volatile_.back();
  volatile_[slot].entry->volatile_slot = slot;
  volatile_.pop_back();
  entry->volatile_slot = kNotVolatile;
}

void Shard::SetExpireLocked(Entry* entry, int64_t expire_at_ms) {
  NoteChangeLocked(entry->key);
  if (expire_at_ms == kNoExpiry) {
    UnindexLocked(entry);
  } else if (entry->has_expire()) {
    volatile_[entry->volatile_slot].expire_at_ms = expire_at_ms;
  } else {
    entry->volatile_slot = static_cast<uint32_t>(volatile_.size());
    volatile_.push_back({entry, expire_at_ms});
  }
  PublishBytesLocked();
}

void Shard::ClearLocked() {
  if (!watched_.empty()) {
    watched_.TouchIf([this](std::string_view key) {
      AssertHeld();  // the analysis cannot see through TouchIf's call
      return dict_.Find(key, Keyspace::Hash(key)) != nullptr;
    });
  }
  volatile_.clear();
  volatile_.shrink_to_fit();
  dict_.Clear();
  ++mutations_;
  entry_bytes_ = 0;
  PublishBytesLocked();
}

void Shard::SwapDataLocked(Shard& other) {
  dict_.Swap(other.dict_);
  volatile_.swap(other.volatile_);
  std::swap(entry_bytes_, other.entry_bytes_);
  ++mutations_;
  ++other.mutations_;
  PublishBytesLocked();
  other.PublishBytesLocked();
  // Redis's touchAllWatchedKeysInDb: a watched key that exists on either
  // side sees its value change (or appear, or vanish).
  auto exists_in_either = [this, &other](std::string_view key) {
    AssertHeld();
    other.AssertHeld();
    const uint64_t hash = Keyspace::Hash(key);
    return dict_.Find(key, hash) != nullptr || other.dict_.Find(key, hash) != nullptr;
  };
  if (!watched_.empty()) watched_.TouchIf(exists_in_either);
  if (!other.watched_.empty()) other.watched_.TouchIf(exists_in_either);
  MarkExistingReadyLocked();
  other.MarkExistingReadyLocked();
}

void Shard::MarkExistingReadyLocked() {
  blocked_.ForEachKey([this](std::string_view key) {
    AssertHeld();
    if (dict_.Find(key, Keyspace::Hash(key)) != nullptr) MarkReady(this, key);
  });
}

void Shard::StampNew(Entry* entry, int64_t now_ms) {
  entry->lru = LruClock(now_ms);
  entry->lfu = LfuPack(LfuMinutes(now_ms), kLfuInitVal);
}

void Shard::TouchLocked(Entry* entry, int64_t now_ms, const AccessTracking& tracking) {
  entry->lru = LruClock(now_ms);
  if (tracking.lfu) {
    uint32_t counter = LfuDecayed(entry->lfu, now_ms, tracking.lfu_decay_time);
    // 53 random bits make a uniform double in [0, 1).
    double r = static_cast<double>(rng_() >> 11) * 0x1.0p-53;
    counter = LfuLogIncr(counter, tracking.lfu_log_factor, r);
    entry->lfu = LfuPack(LfuMinutes(now_ms), counter);
  }
}

void Shard::SampleLocked(size_t n, bool volatile_only, std::vector<Entry*>* out) {
  if (!volatile_only) {
    dict_.Sample(n, rng_(), out);
    return;
  }
  if (volatile_.size() <= n) {
    for (const VolatileKey& v : volatile_) out->push_back(v.entry);
    return;
  }
  // Independent draws: neighbours in the index were often given TTLs together,
  // so a run of them would be a poor sample.
  for (size_t i = 0; i < n; ++i) out->push_back(volatile_[rng_() % volatile_.size()].entry);
}

std::pair<size_t, size_t> Shard::ActiveExpireLocked(int64_t now_ms, size_t samples) {
  size_t sampled = 0;
  size_t expired = 0;
  while (sampled < samples && !volatile_.empty()) {
    const VolatileKey& v = volatile_[rng_() % volatile_.size()];
    ++sampled;
    if (v.expire_at_ms <= now_ms) {
      ExpireEntryLocked(v.entry);
      ++expired;
    }
  }
  return {sampled, expired};
}

Entry* Shard::RandomEntryLocked(int64_t now_ms, uint64_t* expired) {
  // Bounded tries: a shard full of expired keys must not spin forever.
  for (int tries = 0; tries < 100 && dict_.size() > 0; ++tries) {
    Entry* e = dict_.RandomEntry([this]() LOCKGRAPH_REQUIRES(mu_) { return rng_(); });
    if (IsExpiredLocked(e, now_ms)) {
      ExpireEntryLocked(e);
      ++*expired;
      continue;
    }
    return e;
  }
  return nullptr;
}

}  // namespace cacheforge
