// server/store/eviction.cc
// -----------------------------------------------------------------------------
// The maxmemory policies, Redis's eviction pool, and the one place an evicted
// key is erased; see eviction.h.
#include "store/eviction.h"

#include <algorithm>
#include <mutex>

#include "store/access.h"

namespace cacheforge {
namespace {

constexpr std::pair<EvictionPolicy, const char*> kPolicyNames[] = {
    {EvictionPolicy::kNoEviction, "noeviction"},
    {EvictionPolicy::kAllKeysLru, "allkeys-lru"},
    {EvictionPolicy::kVolatileLru, "volatile-lru"},
    {EvictionPolicy::kAllKeysLfu, "allkeys-lfu"},
    {EvictionPolicy::kVolatileLfu, "volatile-lfu"},
    {EvictionPolicy::kAllKeysRandom, "allkeys-random"},
    {EvictionPolicy::kVolatileRandom, "volatile-random"},
    {EvictionPolicy::kVolatileTtl, "volatile-ttl"},
};

bool IsRandomPolicy(EvictionPolicy p) {
  return p == EvictionPolicy::kAllKeysRandom || p == EvictionPolicy::kVolatileRandom;
}

// A pool refill can come back with keys that other clients deleted before we
// got to them; this many refills in a row without an eviction means there is
// nothing to evict.
constexpr int kMaxRefillsPerEviction = 64;

}  // namespace

bool ParseEvictionPolicy(std::string_view name, EvictionPolicy* policy) {
  for (const auto& [value, text] : kPolicyNames) {
    if (name == text) {
      *policy = value;
      return true;
    }
  }
  return false;
}

const char* EvictionPolicyName(EvictionPolicy policy) {
  for (const auto& [value, text] : kPolicyNames) {
    if (value == policy) return text;
  }
  return "noeviction";
}

uint64_t EvictionScore(const Entry& entry, int64_t expire_at_ms, const EvictionParams& params) {
  switch (params.policy) {
    case EvictionPolicy::kAllKeysLru:
    case EvictionPolicy::kVolatileLru:
      return static_cast<uint64_t>(LruIdleMs(entry.lru, params.now_ms));
    case EvictionPolicy::kAllKeysLfu:
    case EvictionPolicy::kVolatileLfu:
      return 255 - LfuDecayed(entry.lfu, params.now_ms, params.lfu_decay_time);
    case EvictionPolicy::kVolatileTtl:
      // The sooner the key expires, the higher the score.
      return expire_at_ms < 0 ? 0 : UINT64_MAX - static_cast<uint64_t>(expire_at_ms);
    default:
      return 0;
  }
}

void EvictionPool::Offer(uint64_t score, int shard, uint64_t hash, std::string_view key) {
  size_t pos = 0;
  while (pos < size_ && slots_[pos].score < score) ++pos;
  if (size_ == kSize) {
    if (pos == 0) return;  // no better than the worst candidate kept
    // Drop the worst (slot 0) and make room at pos - 1; rotating moves the
    // strings, so their buffers are reused rather than reallocated.
    std::rotate(slots_.begin(), slots_.begin() + 1, slots_.begin() + static_cast<ptrdiff_t>(pos));
    --pos;
  } else {
    std::rotate(slots_.begin() + static_cast<ptrdiff_t>(pos),
                slots_.begin() + static_cast<ptrdiff_t>(size_),
                slots_.begin() + static_cast<ptrdiff_t>(size_) + 1);
    ++size_;
  }
  Candidate& c = slots_[pos];
  c.score = score;
  c.shard = shard;
  c.hash = hash;
  c.key.assign(key);
}

bool EvictionPool::PopBest(Candidate* out) {
  if (size_ == 0) return false;
  Candidate& best = slots_[--size_];
  out->score = best.score;
  out->shard = best.shard;
  out->hash = best.hash;
  out->key.swap(best.key);
  return true;
}

uint64_t EraseEvictedLocked(Shard& shard, Entry* entry, EvictionListener* listener) {
  if (listener != nullptr) listener->OnEvicted(shard.db(), entry->key);
  size_t before = shard.bytes();
  shard.EraseLocked(entry);
  size_t after = shard.bytes();
  return before > after ? before - after : 0;
}

namespace {

int FlatShardCount(const Databases& dbs) { return dbs.count() * dbs.shards_per_db(); }
Shard& FlatShard(Databases& dbs, int flat) {
  return dbs.db(flat / dbs.shards_per_db()).shard(flat % dbs.shards_per_db());
}

}  // namespace

EvictionResult Evictor::Evict(Databases& dbs, const EvictionParams& params, uint64_t bytes_to_free,
                              std::chrono::microseconds budget) {
  EvictionResult result;
  if (params.policy == EvictionPolicy::kNoEviction) {
    result.exhausted = true;
    return result;
  }
  if (pool_keyspace_ != dbs.instance_id() || pool_policy_ != params.policy) {
    pool_.Clear();
    pool_keyspace_ = dbs.instance_id();
    pool_policy_ = params.policy;
    next_shard_ = 0;
  }
  const auto start = std::chrono::steady_clock::now();
  while (result.bytes < bytes_to_free) {
    if (params.listener != nullptr && !params.listener->StillOverLimit()) break;
    uint64_t freed = 0;
    bool evicted = IsRandomPolicy(params.policy) ? EvictRandom(dbs, params, &freed)
                                                 : EvictFromPool(dbs, params, &freed);
    if (!evicted) {
      result.exhausted = true;
      break;
    }
    ++result.keys;
    result.bytes += freed;
    // Reading the clock every 16 keys keeps its cost out of the loop.
    if (budget.count() > 0 && result.keys % 16 == 0 &&
        std::chrono::steady_clock::now() - start > budget) {
      break;
    }
  }
  return result;
}

bool Evictor::Refill(Databases& dbs, const EvictionParams& params) {
  const bool volatile_only = IsVolatilePolicy(params.policy);
  const size_t samples = static_cast<size_t>(std::max(params.samples, 1));
  const int count = FlatShardCount(dbs);
  for (int n = 0; n < count; ++n) {
    int index = (next_shard_ + n) % count;
    Shard& shard = FlatShard(dbs, index);
    if (shard.bytes() == 0) continue;  // empty (most databases are): no lock needed
    lockgraph::MutexLock lock(shard.mu());
    sample_.clear();
    shard.SampleLocked(samples, volatile_only, &sample_);
    if (sample_.empty()) continue;
    for (Entry* e : sample_) {
      pool_.Offer(EvictionScore(*e, shard.ExpireAtLocked(e), params), index, e->hash, e->key);
    }
    next_shard_ = (index + 1) % count;
    return true;
  }
  return false;
}

bool Evictor::EvictFromPool(Databases& dbs, const EvictionParams& params, uint64_t* freed) {
  const bool volatile_only = IsVolatilePolicy(params.policy);
  EvictionPool::Candidate candidate;
  // As in Redis, every eviction first adds fresh samples, so the pool's best
  // is compared against new keys rather than just the leftovers of past rounds.
  for (int refills = 0; refills < kMaxRefillsPerEviction; ++refills) {
    if (!Refill(dbs, params) && pool_.size() == 0) return false;
    while (pool_.PopBest(&candidate)) {
      Shard& shard = FlatShard(dbs, candidate.shard);
      lockgraph::MutexLock lock(shard.mu());
      // A plain lookup: the candidate may have been deleted, or lost its TTL,
      // since it was sampled.
      Entry* e = shard.DictLocked().Find(candidate.key, candidate.hash);
      if (e == nullptr || (volatile_only && !e->has_expire())) continue;
      *freed = EraseEvictedLocked(shard, e, params.listener);
      return true;
    }
  }
  return false;
}

bool Evictor::EvictRandom(Databases& dbs, const EvictionParams& params, uint64_t* freed) {
  const bool volatile_only = IsVolatilePolicy(params.policy);
  const int count = FlatShardCount(dbs);
  for (int n = 0; n < count; ++n) {
    int index = (next_shard_ + n) % count;
    Shard& shard = FlatShard(dbs, index);
    if (shard.bytes() == 0) continue;
    lockgraph::MutexLock lock(shard.mu());
    sample_.clear();
    shard.SampleLocked(1, volatile_only, &sample_);
    if (sample_.empty()) continue;
    next_shard_ = (index + 1) % count;
    *freed = EraseEvictedLocked(shard, sample_.front(), params.listener);
    return true;
  }
  return false;
}

}  // namespace cacheforge
