// server/tests/keys_family_test.cc
// -----------------------------------------------------------------------------
// Generic key commands: deletion, renames, TTLs, iteration, flushing.
#include <mutex>
#include <set>

#include "command_test_util.h"

namespace cacheforge {
namespace {

using KeysFamily = CommandTest;

TEST_F(KeysFamily, DelExistsType) {
  Run({"MSET", "a", "1", "b", "2", "c", "3"});
  EXPECT_EQ(Run({"EXISTS", "a", "a", "zz", "b"}), Int(3));
  EXPECT_EQ(Run({"TYPE", "a"}), "+string\r\n");
  EXPECT_EQ(Run({"TYPE", "zz"}), "+none\r\n");
  EXPECT_EQ(Run({"DEL", "a", "b", "zz", "a"}), Int(2));
  EXPECT_EQ(Run({"UNLINK", "c"}), Int(1));
  EXPECT_EQ(Run({"DBSIZE"}), Int(0));
  EXPECT_EQ(Run({"DEL"}), Err("ERR wrong number of arguments for 'del' command"));
}

TEST_F(KeysFamily, RenameKeepsValueAndTtl) {
  Run({"SET", "src", "v", "PX", "5000"});
  EXPECT_EQ(Run({"RENAME", "src", "dst"}), kOk);
  EXPECT_EQ(Run({"GET", "dst"}), Bulk("v"));
  EXPECT_EQ(Run({"PTTL", "dst"}), Int(5000));
  EXPECT_EQ(Run({"EXISTS", "src"}), Int(0));
  EXPECT_EQ(Run({"RENAME", "src", "dst"}), Err("ERR no such key"));
  EXPECT_EQ(Run({"RENAME", "dst", "dst"}), kOk);
  Run({"SET", "other", "o"});
  EXPECT_EQ(Run({"RENAMENX", "dst", "other"}), Int(0));
  EXPECT_EQ(Run({"RENAMENX", "dst", "fresh"}), Int(1));
  EXPECT_EQ(Run({"GET", "fresh"}), Bulk("v"));
  EXPECT_EQ(Run({"RENAME", "fresh", "other"}), kOk);
  EXPECT_EQ(Run({"GET", "other"}), Bulk("v"));
  EXPECT_EQ(Run({"DBSIZE"}), Int(1));
}

TEST_F(KeysFamily, ExpireFamily) {
  Run({"SET", "k", "v"});
  EXPECT_EQ(Run({"TTL", "k"}), Int(-1));
  EXPECT_EQ(Run({"TTL", "missing"}), Int(-2));
  EXPECT_EQ(Run({"EXPIRETIME", "k"}), Int(-1));
  EXPECT_EQ(Run({"EXPIRE", "k", "100"}), Int(1));
  EXPECT_EQ(Run({"TTL", "k"}), Int(100));
  EXPECT_EQ(Run({"EXPIRETIME", "k"}), Int(now_ms_ / 1000 + 100));
  EXPECT_EQ(Run({"PEXPIRETIME", "k"}), Int(now_ms_ + 100000));
  EXPECT_EQ(Run({"PEXPIRE", "k", "1500"}), Int(1));
  EXPECT_EQ(Run({"PTTL", "k"}), Int(1500));
  EXPECT_EQ(Run({"TTL", "k"}), Int(2)) << "TTL rounds like Redis";
  EXPECT_EQ(Run({"PEXPIREAT", "k", std::to_string(now_ms_ + 3000)}), Int(1));
  EXPECT_EQ(Run({"PTTL", "k"}), Int(3000));
  EXPECT_EQ(Run({"EXPIREAT", "k", std::to_string(now_ms_ / 1000 + 7)}), Int(1));
  EXPECT_EQ(Run({"PERSIST", "k"}), Int(1));
  EXPECT_EQ(Run({"PERSIST", "k"}), Int(0));
  EXPECT_EQ(Run({"EXPIRE", "missing", "10"}), Int(0));
  EXPECT_EQ(Run({"EXPIRE", "k", "abc"}), Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(Run({"EXPIRE", "k", "9223372036854775807"}),
            Err("ERR invalid expire time in 'expire' command"));
  // A time in the past deletes the key.
  EXPECT_EQ(Run({"EXPIRE", "k", "-1"}), Int(1));
  EXPECT_EQ(Run({"EXISTS", "k"}), Int(0));
}

TEST_F(KeysFamily, ExpireOptions) {
  Run({"SET", "k", "v"});
  EXPECT_EQ(Run({"EXPIRE", "k", "100", "XX"}), Int(0));
  EXPECT_EQ(Run({"EXPIRE", "k", "100", "GT"}), Int(0));
  EXPECT_EQ(Run({"EXPIRE", "k", "100", "NX"}), Int(1));
  EXPECT_EQ(Run({"EXPIRE", "k", "200", "NX"}), Int(0));
  EXPECT_EQ(Run({"EXPIRE", "k", "50", "GT"}), Int(0));
  EXPECT_EQ(Run({"EXPIRE", "k", "200", "GT"}), Int(1));
  EXPECT_EQ(Run({"EXPIRE", "k", "300", "LT"}), Int(0));
  EXPECT_EQ(Run({"EXPIRE", "k", "150", "LT", "XX"}), Int(1));
  EXPECT_EQ(Run({"TTL", "k"}), Int(150));
  EXPECT_EQ(Run({"EXPIRE", "k", "1", "NX", "XX"}),
            Err("ERR NX and XX, GT or LT options at the same time are not compatible"));
  EXPECT_EQ(Run({"EXPIRE", "k", "1", "GT", "LT"}),
            Err("ERR GT and LT options at the same time are not compatible"));
  EXPECT_EQ(Run({"EXPIRE", "k", "1", "SOON"}), Err("ERR Unsupported option SOON"));
}

TEST_F(KeysFamily, ActiveExpiryRemovesKeysNobodyReads) {
  for (int i = 0; i < 200; ++i) Run({"SET", "v" + std::to_string(i), "x", "PX", "10"});
  for (int i = 0; i < 50; ++i) Run({"SET", "p" + std::to_string(i), "x"});
  EXPECT_EQ(Run({"DBSIZE"}), Int(250));
  Keyspace& keyspace = server_.db(0);
  size_t expired = 0;
  for (int s = 0; s < keyspace.shard_count(); ++s) {
    lockgraph::MutexLock lock(keyspace.shard(s).mu());
    for (int round = 0; round < 100; ++round) {
      expired += keyspace.shard(s).ActiveExpireLocked(now_ms_ + 11, 20).second;
    }
  }
  EXPECT_EQ(expired, 200u);
  EXPECT_EQ(Run({"DBSIZE"}), Int(50));
}

TEST_F(KeysFamily, KeysAndScan) {
  std::set<std::string> all;
  for (int i = 0; i < 300; ++i) {
    std::string key = (i % 3 == 0 ? "user:" : "item:") + std::to_string(i);
    Run({"SET", key, "v"});
    all.insert(key);
  }
  Run({"SET", "gone", "v", "PX", "1"});
  now_ms_ += 5;
  std::string keys = Run({"KEYS", "user:*"});
  EXPECT_EQ(keys.substr(0, 6), "*100\r\n");
  // SCAN with COUNT walks every key exactly through the cursor.
  std::set<std::string> seen;
  std::string cursor = "0";
  int calls = 0;
  do {
    std::vector<std::string_view> views;
    std::vector<std::string> args = {"SCAN", cursor, "COUNT", "7"};
    views.assign(args.begin(), args.end());
    CommandContext ctx{server_, session_, server_.thread_stats(0), views, now_ms_};
    Reply reply = Dispatch(ctx);
    ASSERT_EQ(reply.type(), Reply::Type::kArray);
    cursor = reply.elements()[0].text();
    for (const Reply& key : reply.elements()[1].elements()) seen.insert(key.text());
    ASSERT_LT(++calls, 1000);
  } while (cursor != "0");
  EXPECT_EQ(seen, all);
  std::string matched = Run({"SCAN", "0", "MATCH", "nothing*", "COUNT", "1000"});
  EXPECT_EQ(matched, "*2\r\n" + Bulk("0") + "*0\r\n");
  EXPECT_EQ(Run({"SCAN", "0", "TYPE", "hash", "COUNT", "1000"}), "*2\r\n" + Bulk("0") + "*0\r\n");
  EXPECT_EQ(Run({"SCAN", "abc"}), Err("ERR invalid cursor"));
  EXPECT_EQ(Run({"SCAN", "0", "COUNT", "0"}), Err("ERR syntax error"));
  EXPECT_EQ(Run({"SCAN", "0", "MATCH"}), Err("ERR syntax error"));
}

TEST_F(KeysFamily, RandomKeyDbSizeFlush) {
  EXPECT_EQ(Run({"RANDOMKEY"}), kNil);
  Run({"MSET", "a", "1", "b", "2"});
  std::string key = Run({"RANDOMKEY"});
  EXPECT_TRUE(key == Bulk("a") || key == Bulk("b")) << key;
  EXPECT_EQ(Run({"DBSIZE"}), Int(2));
  EXPECT_EQ(Run({"FLUSHDB", "BOGUS"}), Err("ERR syntax error"));
  EXPECT_EQ(Run({"FLUSHALL", "ASYNC"}), kOk);
  EXPECT_EQ(Run({"DBSIZE"}), Int(0));
  Run({"SET", "a", "1"});
  EXPECT_EQ(Run({"FLUSHDB"}), kOk);
  EXPECT_EQ(Run({"DBSIZE"}), Int(0));
}

}  // namespace
}  // namespace cacheforge
