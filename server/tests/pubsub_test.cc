// server/tests/pubsub_test.cc
// -----------------------------------------------------------------------------
// Pub/sub through the real dispatcher, with the subscriber's I/O thread played
// by the test: Redis's replies for the subscribe family, messages and
// pmessages in a subscriber's mailbox in order, one wake-up per batch, the
// subscribed-mode command set, PUBSUB's counts, and the pubsub output limit
// closing a subscriber whose mailbox outgrows it.
#include "base/pubsub.h"

#include "command_test_util.h"
#include "commands/pubsub_family.h"

namespace cacheforge {
namespace {

class PubSubTest : public CommandTest {
 protected:
  PubSubTest() {
    subscriber_.info = std::make_shared<ClientInfo>();
    subscriber_.wake = [this] { ++wakes_; };
  }
  ~PubSubTest() override { LeaveAllSubscriptions(server_, subscriber_); }

  std::string Sub(std::vector<std::string> args) {
    std::vector<std::string_view> views(args.begin(), args.end());
    CommandContext ctx{server_, subscriber_, server_.thread_stats(0), views, now_ms_};
    std::string out;
    Reply reply = Dispatch(ctx);  // HELLO changes the protocol of its own reply
    AppendReply(reply, subscriber_.protocol, &out);
    return out;
  }
  // What the subscriber's connection would send now.
  std::string Mail() {
    std::string out;
    if (subscriber_.subscriber != nullptr) {
      EXPECT_TRUE(subscriber_.subscriber->TakeMail(&out));
    }
    return out;
  }
  static std::string Confirm(std::string_view kind, std::string_view name, int count) {
    return "*3\r\n" + Bulk(kind) + Bulk(name) + Int(count);
  }
  static std::string Message(std::string_view channel, std::string_view text) {
    return "*3\r\n" + Bulk("message") + Bulk(channel) + Bulk(text);
  }

  ClientSession subscriber_;
  int wakes_ = 0;
};

TEST_F(PubSubTest, SubscribePublishUnsubscribe) {
  EXPECT_EQ(
      Sub({"SUBSCRIBE", "a", "b", "a"}),
      Confirm("subscribe", "a", 1) + Confirm("subscribe", "b", 2) + Confirm("subscribe", "a", 2));
  EXPECT_EQ(Run({"PUBLISH", "a", "one"}), Int(1));
  EXPECT_EQ(Run({"PUBLISH", "b", "two"}), Int(1));
  EXPECT_EQ(Run({"PUBLISH", "c", "none"}), Int(0));
  EXPECT_EQ(wakes_, 1);  // one wake-up for the batch
  EXPECT_EQ(Mail(), Message("a", "one") + Message("b", "two"));
  EXPECT_EQ(Sub({"UNSUBSCRIBE", "a", "zzz"}),
            Confirm("unsubscribe", "a", 1) + Confirm("unsubscribe", "zzz", 1));
  EXPECT_EQ(Run({"PUBLISH", "a", "x"}), Int(0));
  EXPECT_EQ(Sub({"UNSUBSCRIBE"}), Confirm("unsubscribe", "b", 0));
  EXPECT_EQ(Sub({"UNSUBSCRIBE"}), "*3\r\n" + Bulk("unsubscribe") + kNil + Int(0));
  EXPECT_EQ(Sub({"GET", "k"}), kNil);  // out of subscribed mode
}

TEST_F(PubSubTest, PatternsGetPmessageAfterTheChannelsMessage) {
  Sub({"SUBSCRIBE", "news.tech"});
  EXPECT_EQ(Sub({"PSUBSCRIBE", "news.*"}), Confirm("psubscribe", "news.*", 2));
  EXPECT_EQ(Run({"PUBLISH", "news.tech", "hi"}), Int(2));
  EXPECT_EQ(Mail(), Message("news.tech", "hi") + "*4\r\n" + Bulk("pmessage") + Bulk("news.*") +
                        Bulk("news.tech") + Bulk("hi"));
  EXPECT_EQ(Run({"PUBSUB", "NUMPAT"}), Int(1));
  EXPECT_EQ(Run({"PUBSUB", "NUMSUB", "news.tech", "other"}),
            "*4\r\n" + Bulk("news.tech") + Int(1) + Bulk("other") + Int(0));
  EXPECT_EQ(Run({"PUBSUB", "CHANNELS", "news.*"}), "*1\r\n" + Bulk("news.tech"));
  EXPECT_EQ(Run({"PUBSUB", "CHANNELS", "x*"}), "*0\r\n");
  EXPECT_EQ(Sub({"PUNSUBSCRIBE"}), Confirm("punsubscribe", "news.*", 1));
  EXPECT_EQ(Run({"PUBSUB", "NUMPAT"}), Int(0));
}

TEST_F(PubSubTest, SubscribedModeAllowsOnlyPubSubPingAndQuit) {
  Sub({"SUBSCRIBE", "c"});
  EXPECT_EQ(Sub({"GET", "k"}),
            Err("ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / "
                "RESET are allowed in this context"));
  EXPECT_EQ(Sub({"PING"}), "*2\r\n" + Bulk("pong") + Bulk(""));
  EXPECT_EQ(Sub({"PING", "hey"}), "*2\r\n" + Bulk("pong") + Bulk("hey"));
  EXPECT_NE(Run({"CLIENT", "LIST"}).find("flags=N"), std::string::npos);
}

// RESP3 tells pushes from replies by type, so a subscriber gets '>' messages
// and confirmations and may run any command, as in Redis; HELLO 2 switches
// the messages back.
TEST_F(PubSubTest, Resp3SubscriberGetsPushesAndRunsAnyCommand) {
  EXPECT_EQ(Sub({"HELLO", "3"}).substr(0, 4), "%7\r\n");
  EXPECT_EQ(Sub({"SUBSCRIBE", "a"}), ">3\r\n" + Bulk("subscribe") + Bulk("a") + Int(1));
  EXPECT_EQ(Run({"PUBLISH", "a", "one"}), Int(1));
  EXPECT_EQ(Mail(), ">3\r\n" + Bulk("message") + Bulk("a") + Bulk("one"));
  EXPECT_EQ(Sub({"GET", "k"}), "_\r\n");
  EXPECT_EQ(Sub({"PING"}), "+PONG\r\n");
  EXPECT_EQ(Sub({"PSUBSCRIBE", "a*"}), ">3\r\n" + Bulk("psubscribe") + Bulk("a*") + Int(2));
  EXPECT_EQ(Run({"PUBLISH", "a", "two"}), Int(2));
  EXPECT_EQ(Mail(), ">3\r\n" + Bulk("message") + Bulk("a") + Bulk("two") + ">4\r\n" +
                        Bulk("pmessage") + Bulk("a*") + Bulk("a") + Bulk("two"));
  EXPECT_EQ(Sub({"HELLO", "2"}).substr(0, 5), "*14\r\n");
  EXPECT_EQ(Run({"PUBLISH", "a", "three"}), Int(2));
  EXPECT_EQ(Mail().substr(0, 4), "*3\r\n");
  EXPECT_EQ(Sub({"GET", "k"})[0], '-');  // RESP2 subscribed mode again
  EXPECT_NE(Run({"CLIENT", "LIST"}).find("resp=2"), std::string::npos);
}

// A RESP2 subscriber cannot switch: HELLO is not a subscribed-mode command
// (Redis answers the same).
TEST_F(PubSubTest, HelloIsRefusedToARespTwoSubscriber) {
  Sub({"SUBSCRIBE", "a"});
  EXPECT_EQ(Sub({"HELLO", "3"})[0], '-');
  EXPECT_EQ(Run({"PUBLISH", "a", "x"}), Int(1));
  EXPECT_EQ(Mail(), Message("a", "x"));
}

// RESET works in subscribed mode and leaves the connection as new: no
// subscriptions (and no unsubscribe confirmations), RESP2, database 0, no
// transaction, no watch, replies on.
TEST_F(PubSubTest, ResetLeavesEverythingAsNew) {
  Sub({"HELLO", "3"});
  Sub({"SELECT", "4"});
  Sub({"WATCH", "w"});
  Sub({"SUBSCRIBE", "a"});
  Sub({"PSUBSCRIBE", "p*"});
  Sub({"CLIENT", "REPLY", "OFF"});
  Sub({"MULTI"});
  EXPECT_EQ(Sub({"RESET"}), "+RESET\r\n");
  EXPECT_FALSE(subscriber_.subscribed());
  EXPECT_FALSE(subscriber_.multi.active);
  EXPECT_EQ(subscriber_.db, 0);
  EXPECT_EQ(subscriber_.protocol, 2);
  EXPECT_TRUE(subscriber_.watch.keys.empty());
  // CLIENT LIST sees the same: no subscriptions, no transaction, RESP2.
  EXPECT_EQ(subscriber_.info->subscriptions.load(), 0);
  EXPECT_EQ(subscriber_.info->pattern_subscriptions.load(), 0);
  EXPECT_EQ(subscriber_.info->multi_queued.load(), -1);
  EXPECT_EQ(subscriber_.info->resp.load(), 2);
  EXPECT_EQ(Run({"PUBLISH", "a", "x"}), Int(0));
  EXPECT_EQ(Mail(), "");
  EXPECT_EQ(Sub({"GET", "k"}), kNil);  // replies on, RESP2, not subscribed
}

TEST_F(PubSubTest, SubscribeIsRefusedInsideMulti) {
  Sub({"MULTI"});
  EXPECT_EQ(Sub({"SUBSCRIBE", "c"}), Err("ERR Command not allowed inside a transaction"));
  EXPECT_EQ(Sub({"EXEC"})[0], '-');
  EXPECT_FALSE(subscriber_.subscribed());
}

TEST_F(PubSubTest, AMailboxPastThePubSubHardLimitClosesTheSubscriber) {
  std::string error;
  ASSERT_TRUE(config_.Set("client-output-buffer-limit", "pubsub 1kb 0 0", true, &error)) << error;
  Sub({"SUBSCRIBE", "c"});
  const std::string text(300, 'x');
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Run({"PUBLISH", "c", text}), Int(1));
  std::string out;
  EXPECT_TRUE(subscriber_.subscriber->TakeMail(&out));  // 3 x 300 bytes: under 1 KB
  out.clear();
  for (int i = 0; i < 4; ++i) Run({"PUBLISH", "c", text});
  EXPECT_FALSE(subscriber_.subscriber->TakeMail(&out));
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace cacheforge
