// server/tests/eviction_test.cc
// -----------------------------------------------------------------------------
// Which key each maxmemory policy evicts: the LRU/LFU arithmetic, the eviction
// pool, the Evictor on a real keyspace with a test clock, and exact memory
// counting in the shards.
#include "store/eviction.h"

#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <vector>

#include "store/access.h"
#include "store/keyspace.h"
#include "util/heap_bytes.h"

namespace cacheforge {
namespace {

constexpr int64_t kT0 = 1'700'000'000'000;  // test clock, Unix ms

// A keyspace the test fills with a controlled clock.
class KeyspaceFixture {
 public:
  explicit KeyspaceFixture(int shards) : dbs_(1, shards), keyspace_(dbs_.db(0)) {}

  Entry* Put(const std::string& key, int64_t now_ms, size_t value_bytes = 100) {
    uint64_t hash = Keyspace::Hash(key);
    Shard& shard = keyspace_.ShardFor(hash);
    lockgraph::MutexLock lock(shard.mu());
    Entry* e = shard.InsertLocked(key, hash, now_ms);
    shard.MutateValueLocked(e, [&](std::string& v) { v.assign(value_bytes, 'x'); });
    return e;
  }
  void Expire(const std::string& key, int64_t at_ms) {
    uint64_t hash = Keyspace::Hash(key);
    Shard& shard = keyspace_.ShardFor(hash);
    lockgraph::MutexLock lock(shard.mu());
    shard.SetExpireLocked(shard.DictLocked().Find(key, hash), at_ms);
  }
  void Touch(const std::string& key, int64_t now_ms, const AccessTracking& tracking) {
    uint64_t hash = Keyspace::Hash(key);
    Shard& shard = keyspace_.ShardFor(hash);
    lockgraph::MutexLock lock(shard.mu());
    shard.TouchLocked(shard.DictLocked().Find(key, hash), now_ms, tracking);
  }
  bool Has(const std::string& key) {
    uint64_t hash = Keyspace::Hash(key);
    Shard& shard = keyspace_.ShardFor(hash);
    lockgraph::MutexLock lock(shard.mu());
    return shard.DictLocked().Find(key, hash) != nullptr;
  }
  size_t Size() {
    size_t total = 0;
    for (int i = 0; i < keyspace_.shard_count(); ++i) {
      lockgraph::MutexLock lock(keyspace_.shard(i).mu());
      total += keyspace_.shard(i).SizeLocked();
    }
    return total;
  }
  // Evicts exactly one key (asks for one byte).
  EvictionResult EvictOne(EvictionPolicy policy, int64_t now_ms, int samples = 64) {
    return Evict(policy, now_ms, 1, samples);
  }
  EvictionResult Evict(EvictionPolicy policy, int64_t now_ms, uint64_t bytes, int samples = 64) {
    EvictionParams params;
    params.policy = policy;
    params.samples = samples;
    params.now_ms = now_ms;
    return evictor_.Evict(dbs_, params, bytes, std::chrono::microseconds(0));
  }

  Databases dbs_;
  Keyspace& keyspace_;
  Evictor evictor_;
};

TEST(Access, LruIdleTime) {
  uint32_t stamp = LruClock(kT0);
  EXPECT_EQ(LruIdleMs(stamp, kT0), 0);
  EXPECT_EQ(LruIdleMs(stamp, kT0 + 5000), 5000);
  EXPECT_EQ(LruIdleMs(stamp, kT0 + 86'400'000LL * 200), 86'400'000LL * 200) << "200 days";
  // Another thread's clock slightly ahead is not a huge idle time.
  EXPECT_EQ(LruIdleMs(LruClock(kT0 + 30), kT0), 0);
}

TEST(Access, LfuLogarithmicIncrement) {
  // From the initial value up, each step is 1 / ((c - 5) * factor + 1) likely.
  EXPECT_EQ(LfuLogIncr(kLfuInitVal, 10, 0.99), kLfuInitVal + 1) << "p = 1 at the initial value";
  EXPECT_EQ(LfuLogIncr(6, 10, 0.05), 7u) << "p = 1/11";
  EXPECT_EQ(LfuLogIncr(6, 10, 0.10), 6u);
  EXPECT_EQ(LfuLogIncr(100, 0, 0.99), 101u) << "factor 0 counts every access";
  EXPECT_EQ(LfuLogIncr(255, 0, 0.0), 255u) << "saturates";
}

TEST(Access, LfuDecay) {
  uint32_t lfu = LfuPack(LfuMinutes(kT0), 20);
  EXPECT_EQ(LfuDecayed(lfu, kT0, 1), 20u);
  EXPECT_EQ(LfuDecayed(lfu, kT0 + 3 * 60'000, 1), 17u) << "one per minute idle";
  EXPECT_EQ(LfuDecayed(lfu, kT0 + 6 * 60'000, 2), 17u) << "one per two minutes";
  EXPECT_EQ(LfuDecayed(lfu, kT0 + 60 * 60'000, 1), 0u) << "never below zero";
  EXPECT_EQ(LfuDecayed(lfu, kT0 + 60 * 60'000, 0), 20u) << "lfu-decay-time 0: no decay";
  // A stamp a minute ahead (another thread) is skew, not 45 days of decay.
  EXPECT_EQ(LfuDecayed(LfuPack(LfuMinutes(kT0 + 60'000), 20), kT0, 1), 20u);
}

TEST(EvictionPolicy, NamesRoundTrip) {
  for (const char* name : {"noeviction", "allkeys-lru", "volatile-lru", "allkeys-lfu",
                           "volatile-lfu", "allkeys-random", "volatile-random", "volatile-ttl"}) {
    EvictionPolicy policy;
    ASSERT_TRUE(ParseEvictionPolicy(name, &policy)) << name;
    EXPECT_STREQ(EvictionPolicyName(policy), name);
  }
  EvictionPolicy policy;
  EXPECT_FALSE(ParseEvictionPolicy("lru", &policy));
}

TEST(EvictionPool, KeepsTheBestSixteenAndPopsTheBestFirst) {
  EvictionPool pool;
  for (int i = 0; i < 40; ++i) {
    uint64_t score = static_cast<uint64_t>((i * 17) % 40);  // 0..39 in scrambled order
    pool.Offer(score, 0, 0, "k" + std::to_string(score));
  }
  EXPECT_EQ(pool.size(), EvictionPool::kSize);
  EvictionPool::Candidate c;
  for (uint64_t want = 39; want >= 24; --want) {
    ASSERT_TRUE(pool.PopBest(&c));
    EXPECT_EQ(c.score, want);
    EXPECT_EQ(c.key, "k" + std::to_string(want));
  }
  EXPECT_FALSE(pool.PopBest(&c));
}

TEST(Evictor, AllKeysLruEvictsTheLeastRecentlyUsed) {
  KeyspaceFixture ks(1);
  for (int i = 0; i < 10; ++i) ks.Put("k" + std::to_string(i), kT0 + i * 1000);
  // k0 and k1 are the oldest writes, but were read since.
  ks.Touch("k0", kT0 + 20'000, {});
  ks.Touch("k1", kT0 + 20'000, {});
  for (int i = 0; i < 8; ++i) {
    EvictionResult r = ks.EvictOne(EvictionPolicy::kAllKeysLru, kT0 + 30'000);
    ASSERT_EQ(r.keys, 1u);
    EXPECT_GT(r.bytes, 100u);
  }
  for (int i = 2; i < 10; ++i) EXPECT_FALSE(ks.Has("k" + std::to_string(i))) << i;
  EXPECT_TRUE(ks.Has("k0"));
  EXPECT_TRUE(ks.Has("k1"));
}

TEST(Evictor, VolatileLruNeverEvictsKeysWithoutTtl) {
  KeyspaceFixture ks(1);
  for (int i = 0; i < 5; ++i) ks.Put("plain" + std::to_string(i), kT0);  // oldest
  for (int i = 0; i < 5; ++i) {
    ks.Put("ttl" + std::to_string(i), kT0 + 1000 + i);
    ks.Expire("ttl" + std::to_string(i), kT0 + 3'600'000);
  }
  EvictionResult r = ks.Evict(EvictionPolicy::kVolatileLru, kT0 + 5000, 1'000'000);
  EXPECT_EQ(r.keys, 5u);
  EXPECT_TRUE(r.exhausted) << "nothing with a TTL is left";
  EXPECT_EQ(ks.Size(), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(ks.Has("plain" + std::to_string(i)));
}

TEST(Evictor, AllKeysLfuEvictsTheLeastFrequentlyUsed) {
  KeyspaceFixture ks(1);
  AccessTracking lfu{.lfu = true, .lfu_log_factor = 0, .lfu_decay_time = 1};
  for (int i = 0; i < 6; ++i) {
    std::string key = "k" + std::to_string(i);
    ks.Put(key, kT0);
    // With factor 0 every access counts: k0 gets 0 hits, k5 gets 10.
    for (int hit = 0; hit < i * 2; ++hit) ks.Touch(key, kT0, lfu);
  }
  for (int i = 0; i < 3; ++i) ASSERT_EQ(ks.EvictOne(EvictionPolicy::kAllKeysLfu, kT0).keys, 1u);
  EXPECT_FALSE(ks.Has("k0"));
  EXPECT_FALSE(ks.Has("k1"));
  EXPECT_FALSE(ks.Has("k2"));
  EXPECT_TRUE(ks.Has("k3"));
  EXPECT_TRUE(ks.Has("k5"));
}

TEST(Evictor, LfuCountersDecayWithIdleTime) {
  KeyspaceFixture ks(1);
  AccessTracking lfu{.lfu = true, .lfu_log_factor = 0, .lfu_decay_time = 1};
  ks.Put("once-hot", kT0);
  for (int hit = 0; hit < 20; ++hit) ks.Touch("once-hot", kT0, lfu);  // counter 25
  ks.Put("steady", kT0 + 30 * 60'000);
  for (int hit = 0; hit < 5; ++hit) ks.Touch("steady", kT0 + 30 * 60'000, lfu);  // counter 10
  // Thirty idle minutes took 30 off once-hot's 25: it goes first.
  ASSERT_EQ(ks.EvictOne(EvictionPolicy::kAllKeysLfu, kT0 + 30 * 60'000).keys, 1u);
  EXPECT_FALSE(ks.Has("once-hot"));
  EXPECT_TRUE(ks.Has("steady"));
}

TEST(Evictor, VolatileLfuNeverEvictsKeysWithoutTtl) {
  KeyspaceFixture ks(1);
  AccessTracking lfu{.lfu = true, .lfu_log_factor = 0, .lfu_decay_time = 1};
  ks.Put("plain", kT0);  // counter 5: the least used of all
  ks.Put("ttl-cold", kT0);
  ks.Expire("ttl-cold", kT0 + 3'600'000);
  ks.Put("ttl-hot", kT0);
  ks.Expire("ttl-hot", kT0 + 3'600'000);
  for (int hit = 0; hit < 10; ++hit) {
    ks.Touch("ttl-cold", kT0, lfu);
    ks.Touch("ttl-hot", kT0, lfu);
    ks.Touch("ttl-hot", kT0, lfu);
  }
  ASSERT_EQ(ks.EvictOne(EvictionPolicy::kVolatileLfu, kT0).keys, 1u);
  EXPECT_FALSE(ks.Has("ttl-cold"));
  ASSERT_EQ(ks.EvictOne(EvictionPolicy::kVolatileLfu, kT0).keys, 1u);
  EXPECT_FALSE(ks.Has("ttl-hot"));
  EvictionResult r = ks.EvictOne(EvictionPolicy::kVolatileLfu, kT0);
  EXPECT_EQ(r.keys, 0u);
  EXPECT_TRUE(r.exhausted);
  EXPECT_TRUE(ks.Has("plain"));
}

TEST(Evictor, VolatileTtlEvictsTheSoonestExpiring) {
  KeyspaceFixture ks(1);
  ks.Put("plain", kT0);
  const int64_t ttls[] = {50, 10, 40, 20, 30};  // minutes
  for (int64_t ttl : ttls) {
    std::string key = "ttl" + std::to_string(ttl);
    ks.Put(key, kT0);
    ks.Expire(key, kT0 + ttl * 60'000);
  }
  for (int64_t want : {10, 20, 30}) {
    ASSERT_EQ(ks.EvictOne(EvictionPolicy::kVolatileTtl, kT0).keys, 1u);
    EXPECT_FALSE(ks.Has("ttl" + std::to_string(want))) << want;
  }
  EXPECT_TRUE(ks.Has("ttl40"));
  EXPECT_TRUE(ks.Has("ttl50"));
  EXPECT_TRUE(ks.Has("plain"));
}

TEST(Evictor, RandomPoliciesEvictTheRightKind) {
  KeyspaceFixture all(4);
  for (int i = 0; i < 100; ++i) all.Put("k" + std::to_string(i), kT0);
  EvictionResult r = all.Evict(EvictionPolicy::kAllKeysRandom, kT0, 1'000'000);
  EXPECT_EQ(r.keys, 100u);
  EXPECT_EQ(all.Size(), 0u);

  KeyspaceFixture vol(4);
  for (int i = 0; i < 100; ++i) {
    vol.Put("k" + std::to_string(i), kT0);
    if (i % 2 == 0) vol.Expire("k" + std::to_string(i), kT0 + 60'000);
  }
  r = vol.Evict(EvictionPolicy::kVolatileRandom, kT0, 1'000'000);
  EXPECT_EQ(r.keys, 50u);
  EXPECT_TRUE(r.exhausted);
  for (int i = 1; i < 100; i += 2) EXPECT_TRUE(vol.Has("k" + std::to_string(i)));
}

TEST(Evictor, NoEvictionEvictsNothing) {
  KeyspaceFixture ks(1);
  ks.Put("k", kT0);
  EvictionResult r = ks.Evict(EvictionPolicy::kNoEviction, kT0, 1'000'000);
  EXPECT_EQ(r.keys, 0u);
  EXPECT_TRUE(r.exhausted);
  EXPECT_TRUE(ks.Has("k"));
}

TEST(Evictor, SampledLruAcrossShardsPrefersOldKeys) {
  // 16 shards and the default 5 samples: the pool makes the approximation good.
  KeyspaceFixture ks(16);
  for (int i = 0; i < 2000; ++i) ks.Put("old" + std::to_string(i), kT0);
  for (int i = 0; i < 2000; ++i) ks.Put("new" + std::to_string(i), kT0 + 60'000);
  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ(ks.EvictOne(EvictionPolicy::kAllKeysLru, kT0 + 120'000, /*samples=*/5).keys, 1u);
  }
  int new_evicted = 0;
  for (int i = 0; i < 2000; ++i) new_evicted += ks.Has("new" + std::to_string(i)) ? 0 : 1;
  EXPECT_LT(new_evicted, 50) << "of 1000 evictions, almost all should hit the old half";
}

TEST(Evictor, FreesWhatWasAskedFor) {
  KeyspaceFixture ks(4);
  for (int i = 0; i < 1000; ++i) ks.Put("k" + std::to_string(i), kT0, 1000);
  const uint64_t before = ks.keyspace_.DatasetBytes();
  EvictionResult r = ks.Evict(EvictionPolicy::kAllKeysLru, kT0, before / 2);
  EXPECT_GE(r.bytes, before / 2);
  EXPECT_EQ(ks.keyspace_.DatasetBytes(), before - r.bytes) << "freed bytes are exact";
  EXPECT_NEAR(static_cast<double>(ks.Size()), 500.0, 20.0);
}

// Several I/O threads evict at once; each must stop as soon as memory is under
// the limit, whoever got it there, not after freeing the excess it first saw.
TEST(Evictor, StopsWhenTheListenerSaysUnderLimit) {
  KeyspaceFixture ks(4);
  for (int i = 0; i < 1000; ++i) ks.Put("k" + std::to_string(i), kT0, 1000);
  struct StopAfter : EvictionListener {
    int left = 0;
    int seen = 0;
    void OnEvicted(int, std::string_view) override { ++seen; }
    bool StillOverLimit() override { return left-- > 0; }
  } listener;
  listener.left = 7;
  EvictionParams params;
  params.policy = EvictionPolicy::kAllKeysLru;
  params.now_ms = kT0;
  params.listener = &listener;
  EvictionResult r = ks.evictor_.Evict(ks.dbs_, params, ~uint64_t{0}, std::chrono::microseconds(0));
  EXPECT_EQ(r.keys, 7u);
  EXPECT_FALSE(r.exhausted) << "stopped by the listener, keys are left";
  EXPECT_EQ(listener.seen, 7);
  EXPECT_EQ(ks.Size(), 993u);
}

TEST(ShardMemory, CountsEveryHeapBlockExactly) {
  Keyspace keyspace(1);
  Shard& shard = keyspace.shard(0);
  lockgraph::MutexLock lock(shard.mu());
  EXPECT_EQ(shard.bytes(), 0u);
  size_t entries = 0;
  std::vector<Entry*> all;
  for (int i = 0; i < 100; ++i) {
    std::string key = "a-key-longer-than-fifteen-bytes:" + std::to_string(i);
    Entry* e = shard.InsertLocked(key, Keyspace::Hash(key), kT0);
    shard.MutateValueLocked(e, [&](std::string& v) { v.assign(static_cast<size_t>(i) * 10, 'v'); });
    entries += HeapBytes(e) + StringHeapBytes(e->key) + StringHeapBytes(e->value);
    all.push_back(e);
  }
  EXPECT_GT(entries, 100u * (96 + 48)) << "entry chunks and key blocks";
  EXPECT_EQ(shard.bytes(), entries + shard.DictLocked().TableBytes());
  // A value that shrinks back into the inline buffer gives its block back.
  const size_t value_block = StringHeapBytes(all[99]->value);
  EXPECT_GE(value_block, 991u);
  shard.MutateValueLocked(all[99], [](std::string& v) { std::string().swap(v); });
  entries -= value_block;
  EXPECT_EQ(shard.bytes(), entries + shard.DictLocked().TableBytes());
  // TTLs add the expiry index: 16 bytes a key, in one block.
  for (int i = 0; i < 100; i += 2) shard.SetExpireLocked(all[static_cast<size_t>(i)], kT0 + 1000);
  const size_t index = shard.bytes() - entries - shard.DictLocked().TableBytes();
  EXPECT_GE(index, 50u * 16);
  EXPECT_LE(index, 128u * 16 + 16);
  for (Entry* e : all) shard.EraseLocked(e);
  EXPECT_EQ(shard.SizeLocked(), 0u);
  EXPECT_LE(shard.bytes(), shard.DictLocked().TableBytes() + index)
      << "only the emptied table and index blocks are left";
  shard.ClearLocked();
  EXPECT_EQ(shard.bytes(), 0u);
}

}  // namespace
}  // namespace cacheforge
