// server/tests/collection_commands_test.cc
// -----------------------------------------------------------------------------
// List, hash and set commands through the real dispatcher: what applications
// rely on beyond single replies — WRONGTYPE between types, a collection that
// becomes empty deletes its key, TYPE and OBJECT ENCODING, RENAME and COPY of
// collections, and memory accounting that returns to where it started.
// Reply-by-reply agreement with redis-server is differential_test.sh's job.
#include "command_test_util.h"

namespace cacheforge {
namespace {

using CollectionCommands = CommandTest;

const std::string kWrongType =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

TEST_F(CollectionCommands, EveryTypeRefusesTheOthersCommands) {
  Run({"SET", "str", "v"});
  Run({"RPUSH", "list", "a"});
  Run({"HSET", "hash", "f", "v"});
  Run({"SADD", "set", "m"});
  Run({"ZADD", "zset", "1", "m"});
  for (std::string key : {"str", "list", "hash"}) {
    EXPECT_EQ(Run({"ZADD", key, "1", "x"}), kWrongType) << key;
    EXPECT_EQ(Run({"ZRANGE", key, "0", "-1"}), kWrongType) << key;
    EXPECT_EQ(Run({"ZUNIONSTORE", "dst", "1", key}), kWrongType) << key;
  }
  // The set algebra of sorted sets reads plain sets, members scoring 1.
  EXPECT_EQ(Run({"ZUNION", "2", "set", "zset", "WITHSCORES"}), "*2\r\n" + Bulk("m") + Bulk("2"));
  for (std::string key : {"str", "hash", "set"}) {
    EXPECT_EQ(Run({"LPUSH", key, "x"}), kWrongType) << key;
    EXPECT_EQ(Run({"LRANGE", key, "0", "-1"}), kWrongType) << key;
  }
  for (std::string key : {"str", "list", "set"}) {
    EXPECT_EQ(Run({"HSET", key, "f", "v"}), kWrongType) << key;
    EXPECT_EQ(Run({"HGETALL", key}), kWrongType) << key;
  }
  for (std::string key : {"str", "list", "hash"}) {
    EXPECT_EQ(Run({"SADD", key, "x"}), kWrongType) << key;
    EXPECT_EQ(Run({"SINTER", key, "set"}), kWrongType) << key;
  }
  for (std::string key : {"list", "hash", "set"}) {
    EXPECT_EQ(Run({"GET", key}), kWrongType) << key;
    EXPECT_EQ(Run({"APPEND", key, "x"}), kWrongType) << key;
    EXPECT_EQ(Run({"INCR", key}), kWrongType) << key;
  }
  // MGET reads other types as missing; SET replaces any type.
  EXPECT_EQ(Run({"MGET", "str", "list"}), "*2\r\n" + Bulk("v") + kNil);
  EXPECT_EQ(Run({"SET", "list", "now a string"}), kOk);
  EXPECT_EQ(Run({"TYPE", "list"}), "+string\r\n");
}

TEST_F(CollectionCommands, TypeAndEncodingNames) {
  Run({"RPUSH", "l", "a"});
  Run({"HSET", "h", "f", "v"});
  Run({"SADD", "ints", "1", "2"});
  Run({"SADD", "words", "a"});
  EXPECT_EQ(Run({"TYPE", "l"}), "+list\r\n");
  EXPECT_EQ(Run({"TYPE", "h"}), "+hash\r\n");
  EXPECT_EQ(Run({"TYPE", "ints"}), "+set\r\n");
  EXPECT_EQ(Run({"TYPE", "none"}), "+none\r\n");
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "l"}), Bulk("quicklist"));
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "h"}), Bulk("listpack"));
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "ints"}), Bulk("intset"));
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "words"}), Bulk("hashtable"));
  Run({"ZADD", "z", "1", "a"});
  EXPECT_EQ(Run({"TYPE", "z"}), "+zset\r\n");
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "z"}), Bulk("listpack"));
  Run({"ZADD", "z", "2", std::string(65, 'x')});  // longer than zset-max-listpack-value
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "z"}), Bulk("skiplist"));
  EXPECT_EQ(Run({"CONFIG", "SET", "hash-max-ziplist-entries", "1"}), kOk);  // the old name
  Run({"HSET", "h", "g", "w"});
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "h"}), Bulk("hashtable"));
}

TEST_F(CollectionCommands, EmptiedCollectionsDeleteTheirKey) {
  Run({"RPUSH", "l", "a", "b"});
  Run({"LPOP", "l", "2"});
  EXPECT_EQ(Run({"EXISTS", "l"}), Int(0));
  Run({"HSET", "h", "f", "v"});
  EXPECT_EQ(Run({"HDEL", "h", "f", "g"}), Int(1));
  EXPECT_EQ(Run({"EXISTS", "h"}), Int(0));
  Run({"SADD", "s", "m"});
  Run({"SMOVE", "s", "t", "m"});
  EXPECT_EQ(Run({"EXISTS", "s"}), Int(0));
  EXPECT_EQ(Run({"SMEMBERS", "t"}), "*1\r\n" + Bulk("m"));
  Run({"RPUSH", "l", "a", "b", "c"});
  EXPECT_EQ(Run({"LTRIM", "l", "5", "10"}), kOk);
  EXPECT_EQ(Run({"EXISTS", "l"}), Int(0));
  Run({"SADD", "a", "1"});
  EXPECT_EQ(Run({"SINTERSTORE", "dst", "a", "missing"}), Int(0));
  EXPECT_EQ(Run({"EXISTS", "dst"}), Int(0));
}

TEST_F(CollectionCommands, RenameAndCopyMoveWholeCollections) {
  Run({"RPUSH", "l", "a", "b"});
  Run({"PEXPIRE", "l", "100000"});
  EXPECT_EQ(Run({"COPY", "l", "l2"}), Int(1));
  EXPECT_EQ(Run({"RPUSH", "l2", "c"}), Int(3));
  EXPECT_EQ(Run({"LLEN", "l"}), Int(2)) << "a copy is deep";
  EXPECT_EQ(Run({"PTTL", "l2"}), Int(100000)) << "COPY keeps the TTL";
  EXPECT_EQ(Run({"COPY", "l", "l2"}), Int(0));
  EXPECT_EQ(Run({"COPY", "l", "l2", "REPLACE"}), Int(1));
  EXPECT_EQ(Run({"LLEN", "l2"}), Int(2));
  EXPECT_EQ(Run({"RENAME", "l2", "moved"}), kOk);
  EXPECT_EQ(Run({"LRANGE", "moved", "0", "-1"}), "*2\r\n" + Bulk("a") + Bulk("b"));
  EXPECT_EQ(Run({"COPY", "l", "x", "DB", "16"}), Err("ERR DB index is out of range"));
  EXPECT_EQ(Run({"COPY", "l", "l", "DB", "1"}), Int(1)) << "the same name in another database";
  EXPECT_EQ(Run({"EXISTS", "l"}), Int(1));
}

TEST_F(CollectionCommands, RepeatedRandomPicksAreBounded) {
  Run({"HSET", "h", "f", "v"});
  Run({"SADD", "s", "m"});
  Run({"ZADD", "z", "1", "m"});
  const std::string refused = Err("ERR count is out of range: at most 10000000 repeated picks");
  EXPECT_EQ(Run({"HRANDFIELD", "h", "-9223372036854775807"}), refused);
  EXPECT_EQ(Run({"SRANDMEMBER", "s", "-9223372036854775807"}), refused);
  EXPECT_EQ(Run({"ZRANDMEMBER", "z", "-9223372036854775807"}), refused);
  EXPECT_EQ(Run({"SRANDMEMBER", "s", "-2"}), "*2\r\n" + Bulk("m") + Bulk("m"));
}

TEST_F(CollectionCommands, MemoryReturnsToItsStartAfterDeletes) {
  // The keys' table is allocated once and kept; measure from after that.
  Run({"MSET", "l", "x", "h", "x", "s", "x"});
  Run({"DEL", "l", "h", "s"});
  const uint64_t start = server_.databases().DatasetBytes();
  std::vector<std::string> push = {"RPUSH", "l"}, hset = {"HSET", "h"}, sadd = {"SADD", "s"};
  for (int i = 0; i < 500; ++i) {
    push.push_back("element-" + std::to_string(i));
    hset.push_back("field-" + std::to_string(i));
    hset.push_back(std::string(static_cast<size_t>(i % 100), 'v'));
    sadd.push_back(i % 2 ? std::to_string(i) : "member-" + std::to_string(i));
  }
  Run(push);
  Run(hset);
  Run(sadd);
  const uint64_t full = server_.databases().DatasetBytes();
  EXPECT_GT(full, start + 500 * 3 * 10);
  Run({"LPOP", "l", "250"});
  EXPECT_LT(server_.databases().DatasetBytes(), full);
  EXPECT_EQ(Run({"DEL", "l", "h", "s"}), Int(3));
  EXPECT_EQ(server_.databases().DatasetBytes(), start);
}

// After HELLO 3 each family answers in Redis 7.0's RESP3 shapes: scores are
// doubles, WITHSCORES/WITHVALUES give pairs, whole hashes are maps and whole
// sets are sets; scans keep RESP2's flat strings.
TEST_F(CollectionCommands, Resp3Shapes) {
  Run({"ZADD", "z", "1", "a", "2.5", "b"});
  Run({"HSET", "h", "f", "v"});
  Run({"SADD", "s", "m"});
  ASSERT_EQ(Run({"HELLO", "3"}).substr(0, 4), "%7\r\n");
  EXPECT_EQ(Run({"ZSCORE", "z", "b"}), ",2.5\r\n");
  EXPECT_EQ(Run({"ZRANGE", "z", "0", "-1", "WITHSCORES"}),
            "*2\r\n*2\r\n" + Bulk("a") + ",1\r\n*2\r\n" + Bulk("b") + ",2.5\r\n");
  EXPECT_EQ(Run({"ZRANGE", "z", "0", "0"}), "*1\r\n" + Bulk("a"));
  EXPECT_EQ(Run({"ZSCAN", "z", "0"}),
            "*2\r\n" + Bulk("0") + "*4\r\n" + Bulk("a") + Bulk("1") + Bulk("b") + Bulk("2.5"));
  EXPECT_EQ(Run({"ZINCRBY", "z", "1", "a"}), ",2\r\n");
  EXPECT_EQ(Run({"ZPOPMIN", "z"}), "*2\r\n" + Bulk("a") + ",2\r\n");
  EXPECT_EQ(Run({"ZPOPMAX", "z", "1"}), "*1\r\n*2\r\n" + Bulk("b") + ",2.5\r\n");
  EXPECT_EQ(Run({"HGETALL", "h"}), "%1\r\n" + Bulk("f") + Bulk("v"));
  EXPECT_EQ(Run({"HRANDFIELD", "h", "1", "WITHVALUES"}), "*1\r\n*2\r\n" + Bulk("f") + Bulk("v"));
  EXPECT_EQ(Run({"SMEMBERS", "s"}), "~1\r\n" + Bulk("m"));
  EXPECT_EQ(Run({"SINTER", "s", "nothing"}), "~0\r\n");
  EXPECT_EQ(Run({"SPOP", "nothing", "3"}), "~0\r\n");
  EXPECT_EQ(Run({"GET", "nothing"}), "_\r\n");
  EXPECT_EQ(Run({"LPOP", "nothing", "2"}), "_\r\n");
  EXPECT_EQ(Run({"HELLO", "2"}).substr(0, 5), "*14\r\n");
  EXPECT_EQ(Run({"HGETALL", "h"}), "*2\r\n" + Bulk("f") + Bulk("v"));
}

}  // namespace
}  // namespace cacheforge
