// server/tests/blocking_test.cc
// -----------------------------------------------------------------------------
// The blocking commands through the real dispatcher, with the I/O thread's
// part played by the test: a client that finds its keys empty waits; a write
// by another client serves it before that write answers, first come first
// served; a served BLMOVE wakes the next client in a chain; timeouts,
// cancellation, WRONGTYPE, MULTI, and what the AOF records.
#include "commands/blocking.h"

#include "command_test_util.h"
#include "persist/aof_format.h"

namespace cacheforge {
namespace {

class BlockingTest : public CommandTest {
 protected:
  // A client whose "I/O thread" counts the wake-ups it was sent.
  struct Client {
    ClientSession session;
    int wakes = 0;
  };

  std::unique_ptr<Client> NewClient() {
    auto client = std::make_unique<Client>();
    client->session.info = std::make_shared<ClientInfo>();
    client->session.info->id = server_.clients().NextId();
    Client* raw = client.get();
    client->session.wake = [raw] { ++raw->wakes; };
    return client;
  }

  std::string RunAs(Client& client, std::vector<std::string> args) {
    std::vector<std::string_view> views(args.begin(), args.end());
    CommandContext ctx{server_, client.session, server_.thread_stats(0), views, now_ms_};
    std::string out;
    AppendReply(Dispatch(ctx), &out);
    return out;
  }

  // What a served client's connection would send.
  static std::string Answer(Client& client) {
    if (client.session.blocked == nullptr) return "<not blocked>";
    if (client.session.blocked->state.load() != Waiter::kDone) return "<waiting>";
    std::string out;
    AppendReply(client.session.blocked->reply, &out);
    client.session.blocked.reset();
    return out;
  }

  std::string BlockedClients() {
    std::string info = Run({"INFO", "clients"});
    size_t at = info.find("blocked_clients:");
    return info.substr(at + 16, info.find('\r', at) - at - 16);
  }
};

TEST_F(BlockingTest, AWriteServesTheWaiterBeforeItAnswers) {
  auto waiter = NewClient();
  EXPECT_EQ(RunAs(*waiter, {"BLPOP", "q1", "q2", "0"}), "");  // no reply: waiting
  ASSERT_NE(waiter->session.blocked, nullptr);
  EXPECT_EQ(BlockedClients(), "1");
  EXPECT_EQ(Run({"RPUSH", "q2", "a", "b"}), Int(2));
  // By the time RPUSH answered, the waiter had its element.
  EXPECT_EQ(waiter->wakes, 1);
  EXPECT_EQ(Answer(*waiter), "*2\r\n" + Bulk("q2") + Bulk("a"));
  EXPECT_EQ(Run({"LRANGE", "q2", "0", "-1"}), "*1\r\n" + Bulk("b"));
  EXPECT_EQ(BlockedClients(), "0");
  // Elements already there: no wait at all.
  EXPECT_EQ(RunAs(*waiter, {"BRPOP", "q1", "q2", "0"}), "*2\r\n" + Bulk("q2") + Bulk("b"));
  EXPECT_EQ(Run({"EXISTS", "q2"}), Int(0));  // the emptied list is gone
}

TEST_F(BlockingTest, FirstComeFirstServed) {
  auto first = NewClient(), second = NewClient();
  RunAs(*first, {"BLPOP", "q", "0"});
  RunAs(*second, {"BLPOP", "q", "0"});
  Run({"RPUSH", "q", "x"});
  EXPECT_EQ(Answer(*first), "*2\r\n" + Bulk("q") + Bulk("x"));
  EXPECT_EQ(Answer(*second), "<waiting>");
  Run({"LPUSH", "q", "y"});
  EXPECT_EQ(Answer(*second), "*2\r\n" + Bulk("q") + Bulk("y"));
}

TEST_F(BlockingTest, ServedMovesWakeTheNextLinkOfAChain) {
  auto a = NewClient(), b = NewClient();
  EXPECT_EQ(RunAs(*a, {"BRPOPLPUSH", "l1", "l2", "0"}), "");
  EXPECT_EQ(RunAs(*b, {"BLMOVE", "l2", "l3", "LEFT", "RIGHT", "0"}), "");
  Run({"RPUSH", "l1", "v"});
  EXPECT_EQ(Answer(*a), Bulk("v"));
  EXPECT_EQ(Answer(*b), Bulk("v"));
  EXPECT_EQ(Run({"LRANGE", "l3", "0", "-1"}), "*1\r\n" + Bulk("v"));
  EXPECT_EQ(Run({"EXISTS", "l1", "l2"}), Int(0));
}

TEST_F(BlockingTest, SortedSetsAndCounts) {
  auto zmin = NewClient(), zmany = NewClient();
  RunAs(*zmin, {"BZPOPMIN", "z", "1"});
  RunAs(*zmany, {"BZMPOP", "0", "1", "z", "MAX", "COUNT", "5"});
  Run({"ZADD", "z", "1", "a", "2", "b", "3", "c"});
  EXPECT_EQ(Answer(*zmin), "*3\r\n" + Bulk("z") + Bulk("a") + Bulk("1"));
  EXPECT_EQ(Answer(*zmany), "*2\r\n" + Bulk("z") + "*2\r\n*2\r\n" + Bulk("c") + Bulk("3") +
                                "*2\r\n" + Bulk("b") + Bulk("2"));
  auto lists = NewClient();
  RunAs(*lists, {"BLMPOP", "0", "2", "m1", "m2", "RIGHT", "COUNT", "2"});
  Run({"RPUSH", "m2", "1", "2", "3"});
  EXPECT_EQ(Answer(*lists), "*2\r\n" + Bulk("m2") + "*2\r\n" + Bulk("3") + Bulk("2"));
}

TEST_F(BlockingTest, AKeyOfAnotherTypeFailsAtOnceButNotWhileWaiting) {
  Run({"SET", "s", "text"});
  auto client = NewClient();
  EXPECT_EQ(RunAs(*client, {"BLPOP", "s", "0"}),
            Err("WRONGTYPE Operation against a key holding the wrong kind of value"));
  EXPECT_EQ(RunAs(*client, {"BZPOPMIN", "k", "0"}), "");
  Run({"RPUSH", "k", "x"});  // a list where a sorted set is awaited
  EXPECT_EQ(Answer(*client), "<waiting>");
  Run({"DEL", "k"});
  Run({"ZADD", "k", "5", "m"});
  EXPECT_EQ(Answer(*client), "*3\r\n" + Bulk("k") + Bulk("m") + Bulk("5"));
}

TEST_F(BlockingTest, TimeoutAndCancellationEndTheWait) {
  auto timed = NewClient(), gone = NewClient();
  RunAs(*timed, {"BLPOP", "q", "0.5"});
  EXPECT_EQ(timed->session.blocked->deadline_ms, now_ms_ + 500);
  RunAs(*gone, {"BLPOP", "q", "0"});
  EXPECT_EQ(BlockedClients(), "2");
  EXPECT_TRUE(EndWait(server_, *timed->session.blocked, Waiter::kTimedOut));
  EXPECT_TRUE(EndWait(server_, *gone->session.blocked, Waiter::kCancelled));
  EXPECT_FALSE(EndWait(server_, *gone->session.blocked, Waiter::kTimedOut));  // once only
  EXPECT_EQ(BlockedClients(), "0");
  // Neither takes the element now.
  Run({"RPUSH", "q", "x"});
  EXPECT_EQ(Run({"LLEN", "q"}), Int(1));
  EXPECT_EQ(timed->wakes + gone->wakes, 0);
}

TEST_F(BlockingTest, ClientUnblockAnswersTheWaiter) {
  auto timeout = NewClient(), error = NewClient();
  server_.clients().Add(timeout->session.info);
  server_.clients().Add(error->session.info);
  const std::string timeout_id = std::to_string(timeout->session.info->id);
  const std::string error_id = std::to_string(error->session.info->id);
  EXPECT_EQ(Run({"CLIENT", "UNBLOCK", timeout_id}), Int(0));  // not waiting
  RunAs(*timeout, {"BLPOP", "q", "0"});
  RunAs(*error, {"BZPOPMIN", "z", "0"});
  EXPECT_NE(Run({"CLIENT", "LIST"}).find("id=" + timeout_id + " addr="), std::string::npos);
  EXPECT_EQ(Run({"CLIENT", "UNBLOCK", timeout_id, "TIMEOUT"}), Int(1));
  EXPECT_EQ(Run({"CLIENT", "UNBLOCK", error_id, "ERROR"}), Int(1));
  EXPECT_EQ(Run({"CLIENT", "UNBLOCK", error_id}), Int(0));  // no longer waiting
  EXPECT_EQ(Answer(*timeout), "*-1\r\n");
  EXPECT_EQ(Answer(*error), Err("UNBLOCKED client unblocked via CLIENT UNBLOCK"));
  EXPECT_EQ(BlockedClients(), "0");
  EXPECT_EQ(Run({"CLIENT", "UNBLOCK", "x"}), Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(Run({"CLIENT", "UNBLOCK", timeout_id, "MAYBE"}),
            Err("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR"));
  server_.clients().Remove(timeout->session.info->id);
  server_.clients().Remove(error->session.info->id);
}

TEST_F(BlockingTest, TimeoutsParseLikeRedis) {
  auto client = NewClient();
  EXPECT_EQ(RunAs(*client, {"BLPOP", "q", "abc"}),
            Err("ERR timeout is not a float or out of range"));
  EXPECT_EQ(RunAs(*client, {"BLPOP", "q", "-1"}), Err("ERR timeout is negative"));
  EXPECT_EQ(RunAs(*client, {"BLPOP", "q", "1e30"}), Err("ERR timeout is out of range"));
  EXPECT_EQ(RunAs(*client, {"BLMOVE", "a", "b", "UP", "LEFT", "0"}), Err("ERR syntax error"));
  EXPECT_EQ(RunAs(*client, {"BLMPOP", "0", "0", "k", "LEFT"}),
            Err("ERR numkeys should be greater than 0"));
  EXPECT_EQ(client->session.blocked, nullptr);
}

TEST_F(BlockingTest, InsideMultiNothingBlocks) {
  auto client = NewClient();
  RunAs(*client, {"MULTI"});
  RunAs(*client, {"BLPOP", "q", "0"});
  RunAs(*client, {"BLMOVE", "q", "d", "LEFT", "LEFT", "0"});
  RunAs(*client, {"BZPOPMAX", "z", "0"});
  EXPECT_EQ(RunAs(*client, {"EXEC"}), "*3\r\n*-1\r\n$-1\r\n*-1\r\n");
  EXPECT_EQ(client->session.blocked, nullptr);
}

TEST_F(BlockingTest, ClientsWithoutAnIoThreadDoNotBlock) {
  // The AOF loader and these tests' default client: no wake-up to send.
  EXPECT_EQ(Run({"BLPOP", "q", "0"}), "*-1\r\n");
  EXPECT_EQ(session_.blocked, nullptr);
}

}  // namespace
}  // namespace cacheforge
