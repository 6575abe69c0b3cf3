// server/tests/string_family_test.cc
// -----------------------------------------------------------------------------
// String commands against the store: replies, options and Redis's error texts.
#include "command_test_util.h"

namespace cacheforge {
namespace {

using StringFamily = CommandTest;

TEST_F(StringFamily, SetAndGet) {
  EXPECT_EQ(Run({"SET", "k", "v"}), kOk);
  EXPECT_EQ(Run({"GET", "k"}), Bulk("v"));
  EXPECT_EQ(Run({"get", "missing"}), kNil);
  EXPECT_EQ(Run({"SET", "k", ""}), kOk);
  EXPECT_EQ(Run({"GET", "k"}), Bulk(""));
}

TEST_F(StringFamily, SetConditionsAndGet) {
  EXPECT_EQ(Run({"SET", "k", "1", "XX"}), kNil);
  EXPECT_EQ(Run({"SET", "k", "1", "NX"}), kOk);
  EXPECT_EQ(Run({"SET", "k", "2", "NX"}), kNil);
  EXPECT_EQ(Run({"SET", "k", "3", "XX", "GET"}), Bulk("1"));
  EXPECT_EQ(Run({"SET", "k", "4", "NX", "GET"}), Bulk("3"));  // not set, old value
  EXPECT_EQ(Run({"GET", "k"}), Bulk("3"));
  EXPECT_EQ(Run({"SET", "new", "x", "GET"}), kNil);
  EXPECT_EQ(Run({"GET", "new"}), Bulk("x"));
}

TEST_F(StringFamily, SetSyntaxErrors) {
  const std::string syntax = Err("ERR syntax error");
  EXPECT_EQ(Run({"SET", "k", "v", "NX", "XX"}), syntax);
  EXPECT_EQ(Run({"SET", "k", "v", "EX"}), syntax);
  EXPECT_EQ(Run({"SET", "k", "v", "EX", "10", "PX", "100"}), syntax);
  EXPECT_EQ(Run({"SET", "k", "v", "KEEPTTL", "EX", "10"}), syntax);
  EXPECT_EQ(Run({"SET", "k", "v", "BOGUS"}), syntax);
  EXPECT_EQ(Run({"SET", "k", "v", "EX", "ten"}),
            Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(Run({"SET", "k", "v", "EX", "0"}), Err("ERR invalid expire time in 'set' command"));
  EXPECT_EQ(Run({"SET", "k", "v", "PX", "-5"}), Err("ERR invalid expire time in 'set' command"));
  EXPECT_EQ(Run({"SET", "k", "v", "EX", "9223372036854775807"}),
            Err("ERR invalid expire time in 'set' command"));
  EXPECT_EQ(Run({"SET", "k"}), Err("ERR wrong number of arguments for 'set' command"));
}

TEST_F(StringFamily, ExpiryInMilliseconds) {
  EXPECT_EQ(Run({"SET", "k", "v", "PX", "100"}), kOk);
  EXPECT_EQ(Run({"PTTL", "k"}), Int(100));
  now_ms_ += 99;
  EXPECT_EQ(Run({"GET", "k"}), Bulk("v"));
  now_ms_ += 1;
  EXPECT_EQ(Run({"GET", "k"}), kNil);
  EXPECT_EQ(Run({"EXISTS", "k"}), Int(0));
  EXPECT_EQ(server_.thread_stats(0).expired_keys.Get(), 1u);
}

TEST_F(StringFamily, ExpireVariantsAndKeepTtl) {
  EXPECT_EQ(Run({"SET", "a", "v", "EX", "10"}), kOk);
  EXPECT_EQ(Run({"TTL", "a"}), Int(10));
  EXPECT_EQ(Run({"SET", "a", "w", "KEEPTTL"}), kOk);
  EXPECT_EQ(Run({"TTL", "a"}), Int(10));
  EXPECT_EQ(Run({"SET", "a", "x"}), kOk);
  EXPECT_EQ(Run({"TTL", "a"}), Int(-1));
  EXPECT_EQ(Run({"SET", "b", "v", "PXAT", std::to_string(now_ms_ + 5000)}), kOk);
  EXPECT_EQ(Run({"PTTL", "b"}), Int(5000));
  EXPECT_EQ(Run({"SET", "c", "v", "EXAT", std::to_string(now_ms_ / 1000 + 50)}), kOk);
  EXPECT_EQ(Run({"TTL", "c"}), Int(50));
  // An absolute time in the past stores nothing.
  EXPECT_EQ(Run({"SET", "d", "v", "PXAT", "1"}), kOk);
  EXPECT_EQ(Run({"EXISTS", "d"}), Int(0));
}

TEST_F(StringFamily, GetSetGetDelGetEx) {
  EXPECT_EQ(Run({"GETSET", "k", "1"}), kNil);
  EXPECT_EQ(Run({"GETSET", "k", "2"}), Bulk("1"));
  EXPECT_EQ(Run({"GETDEL", "k"}), Bulk("2"));
  EXPECT_EQ(Run({"GETDEL", "k"}), kNil);
  EXPECT_EQ(Run({"SET", "k", "v"}), kOk);
  EXPECT_EQ(Run({"GETEX", "k", "PX", "500"}), Bulk("v"));
  EXPECT_EQ(Run({"PTTL", "k"}), Int(500));
  EXPECT_EQ(Run({"GETEX", "k", "PERSIST"}), Bulk("v"));
  EXPECT_EQ(Run({"PTTL", "k"}), Int(-1));
  EXPECT_EQ(Run({"GETEX", "k", "PERSIST", "EX", "1"}), Err("ERR syntax error"));
  EXPECT_EQ(Run({"GETEX", "missing", "EX", "1"}), kNil);
}

TEST_F(StringFamily, SetNxSetExPSetEx) {
  EXPECT_EQ(Run({"SETNX", "k", "1"}), Int(1));
  EXPECT_EQ(Run({"SETNX", "k", "2"}), Int(0));
  EXPECT_EQ(Run({"SETEX", "k", "10", "v"}), kOk);
  EXPECT_EQ(Run({"TTL", "k"}), Int(10));
  EXPECT_EQ(Run({"SETEX", "k", "0", "v"}), Err("ERR invalid expire time in 'setex' command"));
  EXPECT_EQ(Run({"PSETEX", "k", "-1", "v"}), Err("ERR invalid expire time in 'psetex' command"));
  EXPECT_EQ(Run({"PSETEX", "k", "1500", "v"}), kOk);
  EXPECT_EQ(Run({"PTTL", "k"}), Int(1500));
  EXPECT_EQ(Run({"SETEX", "k", "x", "v"}), Err("ERR value is not an integer or out of range"));
}

TEST_F(StringFamily, MultiKey) {
  EXPECT_EQ(Run({"MSET", "a", "1", "b", "2", "c", "3"}), kOk);
  EXPECT_EQ(Run({"MGET", "a", "missing", "c"}), "*3\r\n" + Bulk("1") + kNil + Bulk("3"));
  EXPECT_EQ(Run({"MSET", "a", "1", "b"}), Err("ERR wrong number of arguments for 'mset' command"));
  EXPECT_EQ(Run({"MSETNX", "x", "1", "a", "9"}), Int(0));
  EXPECT_EQ(Run({"EXISTS", "x"}), Int(0));
  EXPECT_EQ(Run({"MSETNX", "x", "1", "y", "2"}), Int(1));
  EXPECT_EQ(Run({"MGET", "x", "y"}), "*2\r\n" + Bulk("1") + Bulk("2"));
}

TEST_F(StringFamily, AppendStrlenRanges) {
  EXPECT_EQ(Run({"APPEND", "k", "Hello"}), Int(5));
  EXPECT_EQ(Run({"APPEND", "k", " World"}), Int(11));
  EXPECT_EQ(Run({"STRLEN", "k"}), Int(11));
  EXPECT_EQ(Run({"STRLEN", "missing"}), Int(0));
  EXPECT_EQ(Run({"GETRANGE", "k", "0", "4"}), Bulk("Hello"));
  EXPECT_EQ(Run({"GETRANGE", "k", "-5", "-1"}), Bulk("World"));
  EXPECT_EQ(Run({"GETRANGE", "k", "0", "-1"}), Bulk("Hello World"));
  EXPECT_EQ(Run({"GETRANGE", "k", "5", "3"}), Bulk(""));
  EXPECT_EQ(Run({"GETRANGE", "k", "-1", "-5"}), Bulk(""));
  EXPECT_EQ(Run({"GETRANGE", "k", "0", "100"}), Bulk("Hello World"));
  EXPECT_EQ(Run({"GETRANGE", "missing", "0", "1"}), Bulk(""));
  EXPECT_EQ(Run({"SETRANGE", "k", "6", "Redis"}), Int(11));
  EXPECT_EQ(Run({"GET", "k"}), Bulk("Hello Redis"));
  EXPECT_EQ(Run({"SETRANGE", "pad", "3", "x"}), Int(4));
  EXPECT_EQ(Run({"GET", "pad"}), Bulk(std::string("\0\0\0x", 4)));
  EXPECT_EQ(Run({"SETRANGE", "k", "-1", "x"}), Err("ERR offset is out of range"));
  EXPECT_EQ(Run({"SETRANGE", "k", "536870912", "x"}),
            Err("ERR string exceeds maximum allowed size (proto-max-bulk-len)"));
  EXPECT_EQ(Run({"SETRANGE", "none", "5", ""}), Int(0));
  EXPECT_EQ(Run({"EXISTS", "none"}), Int(0));
}

TEST_F(StringFamily, Counters) {
  EXPECT_EQ(Run({"INCR", "n"}), Int(1));
  EXPECT_EQ(Run({"INCRBY", "n", "41"}), Int(42));
  EXPECT_EQ(Run({"DECR", "n"}), Int(41));
  EXPECT_EQ(Run({"DECRBY", "n", "50"}), Int(-9));
  EXPECT_EQ(Run({"SET", "s", "abc"}), kOk);
  EXPECT_EQ(Run({"INCR", "s"}), Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(Run({"INCRBY", "n", "1.5"}), Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(Run({"SET", "big", "9223372036854775807"}), kOk);
  EXPECT_EQ(Run({"INCR", "big"}), Err("ERR increment or decrement would overflow"));
  EXPECT_EQ(Run({"DECRBY", "n", "-9223372036854775808"}), Err("ERR decrement would overflow"));
  EXPECT_EQ(Run({"SET", "t", "5", "EX", "100"}), kOk);
  EXPECT_EQ(Run({"INCR", "t"}), Int(6));
  EXPECT_EQ(Run({"TTL", "t"}), Int(100)) << "INCR keeps the TTL";
}

TEST_F(StringFamily, IncrByFloat) {
  EXPECT_EQ(Run({"SET", "f", "10.50"}), kOk);
  EXPECT_EQ(Run({"INCRBYFLOAT", "f", "0.1"}), Bulk("10.6"));
  EXPECT_EQ(Run({"INCRBYFLOAT", "f", "-5"}), Bulk("5.6"));
  EXPECT_EQ(Run({"SET", "g", "5.0e3"}), kOk);
  EXPECT_EQ(Run({"INCRBYFLOAT", "g", "2.0e2"}), Bulk("5200"));
  EXPECT_EQ(Run({"INCRBYFLOAT", "g", "x"}), Err("ERR value is not a valid float"));
  EXPECT_EQ(Run({"INCRBYFLOAT", "g", "inf"}), Err("ERR increment would produce NaN or Infinity"));
  EXPECT_EQ(Run({"INCRBYFLOAT", "new", "3"}), Bulk("3"));
}

TEST_F(StringFamily, EncodingFollowsHowTheValueWasWritten) {
  Run({"SET", "n", "12"});
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "n"}), Bulk("int"));
  Run({"APPEND", "n", "3"});  // edited in place: raw, even though it reads as an integer
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "n"}), Bulk("raw"));
  Run({"APPEND", "fresh", "12"});  // a new key is stored like SET's value
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "fresh"}), Bulk("int"));
  Run({"SET", "f", "1"});
  Run({"INCRBYFLOAT", "f", "5.0"});
  EXPECT_EQ(Run({"GET", "f"}), Bulk("6"));
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "f"}), Bulk("embstr"));
  Run({"SETRANGE", "s", "0", "abc"});
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "s"}), Bulk("raw"));
  Run({"SET", "s", "abc"});
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "s"}), Bulk("embstr"));
}

TEST_F(StringFamily, SetReadsEveryOptionBeforeTheTime) {
  EXPECT_EQ(Run({"SET", "k", "v", "EX", "100", "EX", "200"}), kOk);  // the last one wins
  EXPECT_EQ(Run({"TTL", "k"}), Int(200));
  EXPECT_EQ(Run({"SET", "k", "v", "PX", "abc", "KEEPTTL"}), Err("ERR syntax error"));
  EXPECT_EQ(Run({"SET", "k", "v", "EX", "-5", "foo"}), Err("ERR syntax error"));
  EXPECT_EQ(Run({"SET", "k", "v", "EX", "-5"}), Err("ERR invalid expire time in 'set' command"));
}

}  // namespace
}  // namespace cacheforge
