// server/store/shard.cc
// -----------------------------------------------------------------------------
// One keyspace shard: lookups with lazy expiry, the TTL index and active expiry.
#include "store/shard.h"

namespace cacheforge {

Shard::Shard(int index)
    : index_(index),
      mu_("store.shard", lockgraph::LockOptions{.rank = index}),
      rng_(0x9e3779b97f4a7c15ULL ^ static_cast<uint64_t>(index)) {}

size_t Shard::EntryBytes(const Entry& entry) {
  // The heap blocks of strings longer than the inline buffer count too.
  size_t bytes = sizeof(Entry);
  if (entry.key.capacity() > 15) bytes += entry.key.capacity() + 1;
  if (entry.value.capacity() > 15) bytes += entry.value.capacity() + 1;
  return bytes;
}

Entry* Shard::FindLocked(std::string_view key, uint64_t hash, int64_t now_ms, uint64_t* expired) {
  Entry* e = dict_.Find(key, hash);
  if (e == nullptr) return nullptr;
  if (e->expire_at_ms != kNoExpiry && e->expire_at_ms <= now_ms) {
    EraseLocked(e);
    ++*expired;
    return nullptr;
  }
  return e;
}

Entry* Shard::InsertLocked(std::string key, uint64_t hash) {
  Entry* e = dict_.Insert(std::move(key), hash);
  memory_ += EntryBytes(*e);
  ++mutations_;
  return e;
}

void Shard::EraseLocked(Entry* entry) {
  UnindexLocked(entry);
  memory_ -= EntryBytes(*entry);
  ++mutations_;
  Entry* unlinked = dict_.Unlink(entry->key, entry->hash);
  delete unlinked;
}

void Shard::UnindexLocked(Entry* entry) {
  if (entry->volatile_slot == kNotVolatile) return;
  uint32_t slot = entry->volatile_slot;
  Entry* last = volatile_.back();
  volatile_[slot] = last;
  last->volatile_slot = slot;
  volatile_.pop_back();
  entry->volatile_slot = kNotVolatile;
}

void Shard::SetExpireLocked(Entry* entry, int64_t expire_at_ms) {
  entry->expire_at_ms = expire_at_ms;
  ++mutations_;
  if (expire_at_ms == kNoExpiry) {
    UnindexLocked(entry);
  } else if (entry->volatile_slot == kNotVolatile) {
    entry->volatile_slot = static_cast<uint32_t>(volatile_.size());
    volatile_.push_back(entry);
  }
}

void Shard::ClearLocked() {
  volatile_.clear();
  volatile_.shrink_to_fit();
  dict_.Clear();
  memory_ = 0;
  ++mutations_;
}

std::pair<size_t, size_t> Shard::ActiveExpireLocked(int64_t now_ms, size_t samples) {
  size_t sampled = 0;
  size_t expired = 0;
  while (sampled < samples && !volatile_.empty()) {
    Entry* e = volatile_[rng_() % volatile_.size()];
    ++sampled;
    if (e->expire_at_ms <= now_ms) {
      EraseLocked(e);
      ++expired;
    }
  }
  return {sampled, expired};
}

Entry* Shard::RandomEntryLocked(int64_t now_ms, uint64_t* expired) {
  // Bounded tries: a shard full of expired keys must not spin forever.
  for (int tries = 0; tries < 100 && dict_.size() > 0; ++tries) {
    Entry* e = dict_.RandomEntry([this] { return rng_(); });
    if (e->expire_at_ms != kNoExpiry && e->expire_at_ms <= now_ms) {
      EraseLocked(e);
      ++*expired;
      continue;
    }
    return e;
  }
  return nullptr;
}

}  // namespace cacheforge
