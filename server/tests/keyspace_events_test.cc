// server/tests/keyspace_events_test.cc
// -----------------------------------------------------------------------------
// Keyspace notifications through the real dispatcher: the setting's letters
// and Redis's canonical form and error, the event each command publishes (in
// Redis's order, a "del" after a collection is emptied), the class filter,
// the database in the channel, and the events no command sends: expired,
// evicted, new and keymiss.
#include "base/notify_classes.h"
#include "command_test_util.h"
#include "commands/pubsub_family.h"

namespace cacheforge {
namespace {

TEST(NotifyClasses, ParseAndFormatAsRedis) {
  uint32_t flags = 0;
  ASSERT_TRUE(ParseNotifyClasses("KEA", &flags));
  EXPECT_EQ(FormatNotifyClasses(flags), "AKE");
  ASSERT_TRUE(ParseNotifyClasses("Elg$", &flags));
  EXPECT_EQ(FormatNotifyClasses(flags), "g$lE");
  ASSERT_TRUE(ParseNotifyClasses("", &flags));
  EXPECT_EQ(flags, 0u);
  ASSERT_TRUE(ParseNotifyClasses("Kxemn", &flags));
  EXPECT_EQ(FormatNotifyClasses(flags), "xenKm");
  EXPECT_FALSE(ParseNotifyClasses("KEQ", &flags));
}

class KeyspaceEventsTest : public CommandTest {
 protected:
  KeyspaceEventsTest() {
    subscriber_.info = std::make_shared<ClientInfo>();
    subscriber_.wake = [] {};
    std::vector<std::string> args = {"PSUBSCRIBE", "__key*__:*"};
    std::vector<std::string_view> views(args.begin(), args.end());
    CommandContext ctx{server_, subscriber_, server_.thread_stats(0), views, now_ms_};
    Dispatch(ctx);
  }
  ~KeyspaceEventsTest() override { LeaveAllSubscriptions(server_, subscriber_); }

  // The events published since the last call, as "channel payload" lines.
  std::vector<std::string> Events() {
    std::string mail;
    subscriber_.subscriber->TakeMail(&mail);
    std::vector<std::string> out;
    // Each is *4 $8 pmessage $n pattern $n channel $n payload.
    size_t at = 0;
    auto bulk = [&]() {
      size_t dollar = mail.find('$', at);
      size_t eol = mail.find("\r\n", dollar);
      size_t len = std::stoul(mail.substr(dollar + 1, eol - dollar - 1));
      std::string value = mail.substr(eol + 2, len);
      at = eol + 2 + len + 2;
      return value;
    };
    while (at < mail.size()) {
      at = mail.find("\r\n", at) + 2;  // *4
      if (bulk() != "pmessage") break;
      bulk();  // the pattern
      std::string channel = bulk();
      out.push_back(channel + " " + bulk());
    }
    return out;
  }
  // Only the __keyspace@ events, as "key event" (db 0), for compact expectations.
  std::vector<std::string> KeyspaceEvents() {
    std::vector<std::string> out;
    for (const std::string& e : Events()) {
      const std::string prefix = "__keyspace@0__:";
      if (e.rfind(prefix, 0) == 0) out.push_back(e.substr(prefix.size()));
    }
    return out;
  }
  using V = std::vector<std::string>;

  ClientSession subscriber_;
};

TEST_F(KeyspaceEventsTest, TheSettingAndItsErrors) {
  EXPECT_EQ(Run({"CONFIG", "SET", "notify-keyspace-events", "KEA"}), kOk);
  EXPECT_EQ(Run({"CONFIG", "GET", "notify-keyspace-events"}),
            "*2\r\n" + Bulk("notify-keyspace-events") + Bulk("AKE"));
  std::string error = Run({"CONFIG", "SET", "notify-keyspace-events", "KEQ"});
  EXPECT_NE(error.find("Invalid event class character. Use 'Ag$lshzxeKEtmdn'."), std::string::npos)
      << error;
  EXPECT_EQ(Run({"CONFIG", "SET", "notify-keyspace-events", ""}), kOk);
  Run({"SET", "k", "v"});
  EXPECT_EQ(Events(), V{}) << "off by default and when emptied";
}

TEST_F(KeyspaceEventsTest, BothChannelsInRedisOrder) {
  Run({"CONFIG", "SET", "notify-keyspace-events", "KEA"});
  Run({"SET", "foo", "bar", "EX", "100"});
  EXPECT_EQ(Events(), (V{"__keyspace@0__:foo set", "__keyevent@0__:set foo",
                         "__keyspace@0__:foo expire", "__keyevent@0__:expire foo"}));
  Run({"SELECT", "3"});
  Run({"INCRBY", "n", "2"});
  EXPECT_EQ(Events(), (V{"__keyspace@3__:n incrby", "__keyevent@3__:incrby n"}));
  Run({"MOVE", "n", "0"});
  EXPECT_EQ(Events(), (V{"__keyspace@3__:n move_from", "__keyevent@3__:move_from n",
                         "__keyspace@0__:n move_to", "__keyevent@0__:move_to n"}));
}

TEST_F(KeyspaceEventsTest, EveryTypesEvents) {
  Run({"CONFIG", "SET", "notify-keyspace-events", "KA"});
  Run({"RPUSH", "l", "a", "b"});
  Run({"LPUSH", "l", "z"});
  Run({"LSET", "l", "0", "y"});
  Run({"LINSERT", "l", "BEFORE", "a", "x"});
  Run({"LREM", "l", "0", "nothing"});  // no change, no event
  Run({"LMOVE", "l", "l2", "LEFT", "RIGHT"});
  Run({"LPOP", "l", "10"});
  EXPECT_EQ(KeyspaceEvents(), (V{"l rpush", "l lpush", "l lset", "l linsert", "l2 rpush", "l lpop",
                                 "l lpop", "l del"}));
  Run({"HSET", "h", "f", "1"});
  Run({"HINCRBY", "h", "f", "2"});
  Run({"HINCRBYFLOAT", "h", "f", "0.5"});
  Run({"HDEL", "h", "nope"});
  Run({"HDEL", "h", "f"});
  EXPECT_EQ(KeyspaceEvents(), (V{"h hset", "h hincrby", "h hincrbyfloat", "h hdel", "h del"}));
  Run({"SADD", "s", "a", "b"});
  Run({"SADD", "s", "a"});  // nothing added
  Run({"SMOVE", "s", "t", "a"});
  Run({"SREM", "s", "b"});
  Run({"SUNIONSTORE", "u", "t", "missing"});
  Run({"SINTERSTORE", "u", "missing"});
  EXPECT_EQ(KeyspaceEvents(),
            (V{"s sadd", "s srem", "t sadd", "s srem", "s del", "u sunionstore", "u del"}));
  Run({"ZADD", "z", "1", "a", "2", "b"});
  Run({"ZADD", "z", "1", "a"});  // same score: no change
  Run({"ZINCRBY", "z", "1", "a"});
  Run({"ZREMRANGEBYSCORE", "z", "5", "6"});  // nothing in range
  Run({"ZPOPMIN", "z"});
  Run({"ZREM", "z", "b"});
  Run({"ZADD", "z", "XX", "1", "a"});  // not there: nothing created
  EXPECT_EQ(KeyspaceEvents(), (V{"z zadd", "z zincr", "z zpopmin", "z zrem", "z del"}));
  Run({"SETBIT", "b", "7", "1"});
  Run({"SETBIT", "b", "7", "1"});  // the same bit: no change
  Run({"BITOP", "NOT", "c", "b"});
  Run({"APPEND", "c", "x"});
  Run({"SETRANGE", "c", "0", "y"});
  Run({"RENAME", "c", "d"});
  Run({"EXPIRE", "d", "100"});
  Run({"PERSIST", "d"});
  Run({"COPY", "d", "e"});
  Run({"DEL", "d", "e", "missing"});
  EXPECT_EQ(KeyspaceEvents(),
            (V{"b setbit", "c set", "c append", "c setrange", "c rename_from", "d rename_to",
               "d expire", "d persist", "e copy_to", "d del", "e del"}));
}

TEST_F(KeyspaceEventsTest, ClassesFilter) {
  Run({"CONFIG", "SET", "notify-keyspace-events", "El"});
  Run({"SET", "s", "1"});
  Run({"RPUSH", "l", "a"});
  Run({"DEL", "l"});
  EXPECT_EQ(Events(), V{"__keyevent@0__:rpush l"}) << "only list events, only keyevent";
}

TEST_F(KeyspaceEventsTest, ExpiredEvictedNewAndKeyMiss) {
  Run({"CONFIG", "SET", "notify-keyspace-events", "Kxenm"});
  Run({"SET", "gone", "v", "PX", "1"});
  now_ms_ += 10;
  Run({"GET", "gone"});
  EXPECT_EQ(KeyspaceEvents(), (V{"gone new", "gone expired", "gone keymiss"}));
  Run({"CONFIG", "SET", "maxmemory-policy", "allkeys-random"});
  for (int i = 0; i < 200; ++i) Run({"SET", "k" + std::to_string(i), std::string(1000, 'x')});
  Events();
  Run({"CONFIG", "SET", "maxmemory", std::to_string(server_.UsedMemory() - 50'000)});
  Run({"SET", "trigger", "x"});
  int evicted = 0;
  for (const std::string& e : KeyspaceEvents()) evicted += e.ends_with(" evicted");
  EXPECT_GT(evicted, 10) << "the keys maxmemory removed";
  Run({"CONFIG", "SET", "maxmemory", "0"});
}

}  // namespace
}  // namespace cacheforge
