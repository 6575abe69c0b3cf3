// server/tests/maxmemory_test.cc
// -----------------------------------------------------------------------------
// maxmemory through the real dispatcher: the OOM error under noeviction (and
// under volatile-* with nothing to evict), eviction before writes, CONFIG SET
// lowering the limit, evicted_keys in INFO and CONFIG RESETSTAT, OBJECT, and
// the new settings' validation.
#include <gtest/gtest.h>

#include <string>

#include "command_test_util.h"

namespace cacheforge {
namespace {

class MaxmemoryTest : public CommandTest {
 protected:
  // Sets maxmemory to what is used now plus `headroom` bytes.
  void LimitTo(uint64_t headroom) {
    ASSERT_EQ(Run({"CONFIG", "SET", "maxmemory", std::to_string(server_.UsedMemory() + headroom)}),
              kOk);
  }
  // One INFO field as text.
  std::string InfoField(const std::string& section, const std::string& field) {
    std::string info = Run({"INFO", section});
    size_t at = info.find("\r\n" + field + ":");
    if (at == std::string::npos) return "";
    at += field.size() + 3;
    return info.substr(at, info.find("\r\n", at) - at);
  }
  void Fill(const std::string& prefix, int count, bool with_ttl) {
    for (int i = 0; i < count; ++i) {
      std::vector<std::string> cmd = {"SET", prefix + std::to_string(i), std::string(1000, 'v')};
      if (with_ttl) cmd.insert(cmd.end(), {"EX", "3600"});
      Run(cmd);
    }
  }

  const std::string kOom = Err("OOM command not allowed when used memory > 'maxmemory'.");
};

TEST_F(MaxmemoryTest, NoEvictionRefusesWritesButServesReadsAndDeletes) {
  ASSERT_EQ(Run({"SET", "kept", "v"}), kOk);
  LimitTo(20'000);
  Fill("k", 40, false);  // ~40 KB: the later ones are refused
  EXPECT_EQ(Run({"SET", "one-more", "v"}), kOom);
  EXPECT_EQ(Run({"APPEND", "kept", "x"}), kOom) << "every denyoom command";
  EXPECT_EQ(Run({"GET", "kept"}), Bulk("v"));
  EXPECT_EQ(Run({"EXISTS", "k0"}), Int(1));
  EXPECT_EQ(Run({"DEL", "k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9"}), Int(10));
  EXPECT_EQ(Run({"SET", "one-more", "v"}), kOk) << "room again after DEL";
  EXPECT_EQ(InfoField("stats", "evicted_keys"), "0");
  std::string set_stats = InfoField("commandstats", "cmdstat_set");
  EXPECT_EQ(set_stats.find("rejected_calls=0,"), std::string::npos)
      << "refused SETs count as rejected: " << set_stats;
}

TEST_F(MaxmemoryTest, AllKeysLruEvictsBeforeTheWrite) {
  ASSERT_EQ(Run({"CONFIG", "SET", "maxmemory-policy", "allkeys-lru"}), kOk);
  LimitTo(50'000);
  for (int i = 0; i < 200; ++i) {
    now_ms_ += 10;
    ASSERT_EQ(Run({"SET", "k" + std::to_string(i), std::string(1000, 'v')}), kOk) << i;
  }
  EXPECT_LE(server_.UsedMemory(), server_.config().maxmemory() + 2000)
      << "at most one value over the limit";
  uint64_t evicted = std::stoull(InfoField("stats", "evicted_keys"));
  EXPECT_GT(evicted, 100u);
  EXPECT_EQ(Run({"EXISTS", "k199"}), Int(1)) << "the newest key stays";
  EXPECT_EQ(Run({"EXISTS", "k0"}), Int(0)) << "the oldest key went";
  ASSERT_EQ(Run({"CONFIG", "RESETSTAT"}), kOk);
  EXPECT_EQ(InfoField("stats", "evicted_keys"), "0");
}

TEST_F(MaxmemoryTest, VolatilePoliciesRefuseWhenOnlyKeysWithoutTtlAreLeft) {
  for (const char* policy : {"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"}) {
    SCOPED_TRACE(policy);
    ASSERT_EQ(Run({"FLUSHALL"}), kOk);
    ASSERT_EQ(Run({"CONFIG", "SET", "maxmemory", "0"}), kOk);
    ASSERT_EQ(Run({"CONFIG", "SET", "maxmemory-policy", policy}), kOk);
    Fill("plain", 10, false);
    LimitTo(20'000);
    Fill("ttl", 100, true);  // evicts keys with a TTL to make room
    EXPECT_EQ(Run({"EXISTS", "plain0", "plain1", "plain2", "plain3", "plain4", "plain5", "plain6",
                   "plain7", "plain8", "plain9"}),
              Int(10));
    // Lower the limit below what the plain keys take: nothing may be evicted.
    ASSERT_EQ(Run({"CONFIG", "SET", "maxmemory", "1"}), kOk);
    EXPECT_EQ(Run({"SET", "x", "y"}), kOom);
    EXPECT_EQ(Run({"DBSIZE"}), Int(10)) << "only the keys without TTL are left";
  }
}

TEST_F(MaxmemoryTest, ConfigSetLoweringTheLimitEvictsAtOnce) {
  Fill("k", 100, false);
  ASSERT_EQ(Run({"CONFIG", "SET", "maxmemory-policy", "allkeys-random"}), kOk);
  const uint64_t used = server_.UsedMemory();
  ASSERT_EQ(Run({"CONFIG", "SET", "maxmemory", std::to_string(used - 50'000)}), kOk);
  EXPECT_LE(server_.UsedMemory(), used - 50'000);
  uint64_t evicted = std::stoull(InfoField("stats", "evicted_keys"));
  EXPECT_GE(evicted, 40u);
  EXPECT_EQ(Run({"DBSIZE"}), Int(100 - static_cast<int64_t>(evicted)));
}

TEST_F(MaxmemoryTest, InfoMemoryFields) {
  ASSERT_EQ(Run({"CONFIG", "SET", "maxmemory", "100mb", "maxmemory-policy", "allkeys-lfu"}), kOk);
  Fill("k", 10, false);
  EXPECT_EQ(InfoField("memory", "maxmemory"), "104857600");
  EXPECT_EQ(InfoField("memory", "maxmemory_human"), "100.00M");
  EXPECT_EQ(InfoField("memory", "maxmemory_policy"), "allkeys-lfu");
  const uint64_t used = std::stoull(InfoField("memory", "used_memory"));
  const uint64_t dataset = std::stoull(InfoField("memory", "used_memory_dataset"));
  EXPECT_GT(dataset, 10u * 1000);
  EXPECT_GE(used, dataset + std::stoull(InfoField("memory", "used_memory_startup")));
  EXPECT_GE(std::stoull(InfoField("memory", "used_memory_peak")), used);
  EXPECT_FALSE(InfoField("memory", "used_memory_rss").empty());
  EXPECT_FALSE(InfoField("memory", "used_memory_human").empty());
  EXPECT_FALSE(InfoField("memory", "mem_fragmentation_ratio").empty());
  ASSERT_EQ(Run({"FLUSHALL"}), kOk);
  EXPECT_EQ(InfoField("memory", "used_memory_dataset"), "0");
}

// RESTORE's IDLETIME and FREQ carry a key's access history across servers
// (what MIGRATE and redis-cli --cluster send), so eviction ranks it as before.
TEST_F(MaxmemoryTest, RestoreSetsIdleTimeAndFreq) {
  ASSERT_EQ(Run({"SET", "k", "v"}), kOk);
  const std::string dump = Run({"DUMP", "k"});
  const std::string payload =
      dump.substr(dump.find("\r\n") + 2, dump.size() - dump.find("\r\n") - 4);
  ASSERT_EQ(Run({"RESTORE", "idle", "0", payload, "IDLETIME", "3600"}), kOk);
  EXPECT_EQ(Run({"OBJECT", "IDLETIME", "idle"}), Int(3600));
  now_ms_ += 10'000;
  EXPECT_EQ(Run({"OBJECT", "IDLETIME", "idle"}), Int(3610));
  EXPECT_EQ(Run({"GET", "idle"}), Bulk("v"));
  EXPECT_EQ(Run({"OBJECT", "IDLETIME", "idle"}), Int(0)) << "an access after the restore counts";
  ASSERT_EQ(Run({"RESTORE", "ancient", "0", payload, "IDLETIME", "999999999999"}), kOk);
  EXPECT_GT(std::stoll(Run({"OBJECT", "IDLETIME", "ancient"}).substr(1)), 21'000'000)
      << "clamped to the oldest idle time the clock represents, not wrapped to a new key";
  ASSERT_EQ(Run({"CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"}), kOk);
  ASSERT_EQ(Run({"RESTORE", "hot", "0", payload, "FREQ", "200"}), kOk);
  EXPECT_EQ(Run({"OBJECT", "FREQ", "hot"}), Int(200));
  ASSERT_EQ(Run({"RESTORE", "cold", "0", payload, "FREQ", "0"}), kOk);
  EXPECT_EQ(Run({"OBJECT", "FREQ", "cold"}), Int(0));
  ASSERT_EQ(Run({"RESTORE", "plain", "0", payload}), kOk);
  EXPECT_EQ(Run({"OBJECT", "FREQ", "plain"}), Int(5)) << "without FREQ: a new key's counter";
}

// Commands that only look at a key (EXISTS, TYPE, TTL and its siblings) do
// not make it look used to eviction; TOUCH does, and counts the keys found.
TEST_F(MaxmemoryTest, LookingIsNotAnAccessButTouchIs) {
  ASSERT_EQ(Run({"SET", "k", "v"}), kOk);
  ASSERT_EQ(Run({"SET", "other", "v"}), kOk);
  now_ms_ += 7'000;
  EXPECT_EQ(Run({"EXISTS", "k"}), Int(1));
  EXPECT_EQ(Run({"TYPE", "k"}), "+string\r\n");
  EXPECT_EQ(Run({"TTL", "k"}), Int(-1));
  EXPECT_EQ(Run({"PTTL", "k"}), Int(-1));
  EXPECT_EQ(Run({"EXPIRETIME", "k"}), Int(-1));
  EXPECT_EQ(Run({"OBJECT", "IDLETIME", "k"}), Int(7));
  EXPECT_EQ(Run({"TOUCH", "k", "missing", "k"}), Int(2));
  EXPECT_EQ(Run({"OBJECT", "IDLETIME", "k"}), Int(0));
  EXPECT_EQ(Run({"OBJECT", "IDLETIME", "other"}), Int(7)) << "only the keys named";
  EXPECT_EQ(Run({"TOUCH"}), Err("ERR wrong number of arguments for 'touch' command"));
}

TEST_F(MaxmemoryTest, ObjectIdleTimeAndFreq) {
  ASSERT_EQ(Run({"SET", "k", "v"}), kOk);
  now_ms_ += 5'000;
  EXPECT_EQ(Run({"OBJECT", "IDLETIME", "k"}), Int(5));
  EXPECT_EQ(Run({"OBJECT", "IDLETIME", "k"}), Int(5)) << "OBJECT is not an access";
  EXPECT_EQ(Run({"GET", "k"}), Bulk("v"));
  EXPECT_EQ(Run({"OBJECT", "IDLETIME", "k"}), Int(0));
  EXPECT_EQ(Run({"OBJECT", "IDLETIME", "missing"}), kNil);
  now_ms_ += 3'000;
  ASSERT_EQ(Run({"RENAME", "k", "k2"}), kOk);
  EXPECT_EQ(Run({"OBJECT", "IDLETIME", "k2"}), Int(0)) << "RENAME reads the key";
  EXPECT_EQ(Run({"OBJECT", "FREQ", "k2"}),
            Err("ERR An LFU maxmemory policy is not selected, access frequency not tracked. "
                "Please note that when switching between policies at runtime LRU and LFU data "
                "will take some time to adjust."));
  ASSERT_EQ(Run({"CONFIG", "SET", "maxmemory-policy", "allkeys-lfu", "lfu-log-factor", "0"}), kOk);
  ASSERT_EQ(Run({"SET", "fresh", "v"}), kOk);
  EXPECT_EQ(Run({"OBJECT", "FREQ", "fresh"}), Int(5)) << "new keys start at LFU_INIT_VAL";
  for (int i = 0; i < 3; ++i) Run({"GET", "fresh"});
  EXPECT_EQ(Run({"OBJECT", "FREQ", "fresh"}), Int(8));
  now_ms_ += 2 * 60'000;
  EXPECT_EQ(Run({"OBJECT", "FREQ", "fresh"}), Int(6)) << "decays one per lfu-decay-time minute";
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "fresh"}), Bulk("embstr"));
  ASSERT_EQ(Run({"SET", "n", "12345"}), kOk);
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "n"}), Bulk("int"));
  ASSERT_EQ(Run({"SET", "long", std::string(100, 'x')}), kOk);
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "long"}), Bulk("raw"));
  EXPECT_EQ(Run({"OBJECT", "REFCOUNT", "long"}), Int(1));
  EXPECT_EQ(Run({"OBJECT", "NOPE", "long"}),
            Err("ERR unknown subcommand 'NOPE'. Try OBJECT HELP."));
}

TEST_F(MaxmemoryTest, SettingsAreValidated) {
  EXPECT_EQ(Run({"CONFIG", "SET", "maxmemory-policy", "lru"}),
            Err("ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - "
                "argument(s) must be one of the following: noeviction, allkeys-lru, "
                "volatile-lru, allkeys-lfu, volatile-lfu, allkeys-random, volatile-random, "
                "volatile-ttl"));
  EXPECT_EQ(Run({"CONFIG", "SET", "maxmemory-samples", "0"}),
            Err("ERR CONFIG SET failed (possibly related to argument 'maxmemory-samples') - "
                "argument must be between 1 and 64 inclusive"));
  EXPECT_EQ(Run({"CONFIG", "SET", "lfu-log-factor", "-1"}),
            Err("ERR CONFIG SET failed (possibly related to argument 'lfu-log-factor') - "
                "argument must be between 0 and 2147483647 inclusive"));
  EXPECT_EQ(Run({"CONFIG", "SET", "maxmemory", "-5"}),
            Err("ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument "
                "must be a memory value between 0 and 9223372036854775807 bytes"));
}

}  // namespace
}  // namespace cacheforge
