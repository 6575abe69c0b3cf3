// server/tests/databases_test.cc
// -----------------------------------------------------------------------------
// The numbered databases through the real dispatcher: SELECT isolates keys,
// MOVE / COPY ... DB / SWAPDB carry them across with Redis's replies and
// errors, FLUSHDB empties one database and FLUSHALL every one, WATCH and
// blocked clients belong to a database (SWAPDB touches the one and serves
// the other), and CLIENT LIST and INFO keyspace show each database.
#include "command_test_util.h"
#include "commands/blocking.h"
#include "commands/transaction_family.h"

namespace cacheforge {
namespace {

class DatabasesTest : public CommandTest {
 protected:
  struct Client {
    ClientSession session;
    int wakes = 0;
  };

  // A client the fixture owns, so it outlives the test body's last command.
  Client* NewClient() {
    clients_.push_back(std::make_unique<Client>());
    Client* client = clients_.back().get();
    client->session.info = std::make_shared<ClientInfo>();
    client->session.info->id = server_.clients().NextId();
    client->session.wake = [client] { ++client->wakes; };
    return client;
  }
  ~DatabasesTest() override {
    for (auto& c : clients_) UnwatchAll(server_.databases(), c->session.watch);
    UnwatchAll(server_.databases(), session_.watch);
  }

  std::string RunAs(Client& client, std::vector<std::string> args) {
    std::vector<std::string_view> views(args.begin(), args.end());
    CommandContext ctx{server_, client.session, server_.thread_stats(0), views, now_ms_};
    std::string out;
    AppendReply(Dispatch(ctx), &out);
    return out;
  }

  // The reply a served blocked client's connection would send.
  static std::string Answer(Client& client) {
    if (client.session.blocked == nullptr) return "<not blocked>";
    if (client.session.blocked->state.load() != Waiter::kDone) return "<waiting>";
    std::string out;
    AppendReply(client.session.blocked->reply, &out);
    client.session.blocked.reset();
    return out;
  }

  std::vector<std::unique_ptr<Client>> clients_;
};

// Shard i of every database is one lock: a thread that locks every shard of
// every database (FLUSHALL, the AOF rewrite, EXEC) holds `shards` locks, not
// databases x shards (ThreadSanitizer's deadlock detector stops at 64).
TEST_F(DatabasesTest, ShardIndexSharesOneLockAcrossDatabases) {
  Databases& dbs = server_.databases();
  ASSERT_EQ(dbs.count(), 16);
  for (int i = 0; i < dbs.shards_per_db(); ++i) {
    EXPECT_EQ(&dbs.db(15).shard(i).mu(), &dbs.db(0).shard(i).mu());
    if (i > 0) {
      EXPECT_NE(&dbs.db(0).shard(i).mu(), &dbs.db(0).shard(i - 1).mu());
    }
  }
  std::vector<uint64_t> all = dbs.NoShards();
  for (int d = 0; d < dbs.count(); ++d)
    all[static_cast<size_t>(d)] = ShardSetLock::AllShards(dbs.db(d));
  DbShardsLock lock(dbs, all);  // would self-deadlock if a lock were taken twice
  for (int d = 0; d < dbs.count(); ++d) dbs.db(d).shard(0).AssertHeld();
}

TEST_F(DatabasesTest, SelectIsolatesKeys) {
  EXPECT_EQ(Run({"SET", "k", "zero"}), kOk);
  EXPECT_EQ(Run({"SELECT", "9"}), kOk);
  EXPECT_EQ(Run({"GET", "k"}), kNil);
  EXPECT_EQ(Run({"SET", "k", "nine"}), kOk);
  EXPECT_EQ(Run({"DBSIZE"}), Int(1));
  EXPECT_EQ(Run({"SELECT", "0"}), kOk);
  EXPECT_EQ(Run({"GET", "k"}), Bulk("zero"));
  EXPECT_EQ(Run({"SELECT", "16"}), Err("ERR DB index is out of range"));
  EXPECT_EQ(Run({"SELECT", "1.5"}), Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(Run({"GET", "k"}), Bulk("zero")) << "a failed SELECT keeps the database";
  // Another client starts in database 0, whatever this one selected.
  Run({"SELECT", "9"});
  auto other = NewClient();
  EXPECT_EQ(RunAs(*other, {"GET", "k"}), Bulk("zero"));
}

TEST_F(DatabasesTest, MoveFollowsRedis) {
  Run({"RPUSH", "l", "a", "b"});
  Run({"PEXPIRE", "l", "100000"});
  EXPECT_EQ(Run({"MOVE", "l", "0"}), Err("ERR source and destination objects are the same"));
  EXPECT_EQ(Run({"MOVE", "l", "16"}), Err("ERR DB index is out of range"));
  EXPECT_EQ(Run({"MOVE", "l", "x"}), Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(Run({"MOVE", "missing", "1"}), Int(0));
  EXPECT_EQ(Run({"MOVE", "l", "1"}), Int(1));
  EXPECT_EQ(Run({"EXISTS", "l"}), Int(0));
  Run({"SELECT", "1"});
  EXPECT_EQ(Run({"LRANGE", "l", "0", "-1"}), "*2\r\n" + Bulk("a") + Bulk("b"));
  EXPECT_EQ(Run({"PTTL", "l"}), Int(100000)) << "MOVE keeps the TTL";
  // A key of that name in the target: nothing moves.
  Run({"SELECT", "0"});
  Run({"SET", "l", "other"});
  Run({"SELECT", "1"});
  EXPECT_EQ(Run({"MOVE", "l", "0"}), Int(0));
  EXPECT_EQ(Run({"TYPE", "l"}), "+list\r\n");
}

TEST_F(DatabasesTest, CopyToAnotherDatabase) {
  Run({"SADD", "s", "x", "y"});
  EXPECT_EQ(Run({"COPY", "s", "s"}), Err("ERR source and destination objects are the same"));
  EXPECT_EQ(Run({"COPY", "s", "s", "DB", "3"}), Int(1));
  EXPECT_EQ(Run({"COPY", "s", "s", "DB", "3"}), Int(0)) << "the target exists";
  EXPECT_EQ(Run({"COPY", "s", "s", "DB", "3", "REPLACE"}), Int(1));
  EXPECT_EQ(Run({"COPY", "s", "t", "DB", "99"}), Err("ERR DB index is out of range"));
  Run({"SREM", "s", "x"});
  Run({"SELECT", "3"});
  EXPECT_EQ(Run({"SCARD", "s"}), Int(2)) << "a deep copy";
}

TEST_F(DatabasesTest, SwapDbSwapsWhatEveryClientSees) {
  Run({"SET", "a", "in0"});
  Run({"SELECT", "4"});
  Run({"SET", "b", "in4"});
  Run({"SET", "c", "in4"});
  auto other = NewClient();  // in database 0
  EXPECT_EQ(Run({"SWAPDB", "0", "4"}), kOk);
  EXPECT_EQ(RunAs(*other, {"GET", "b"}), Bulk("in4"));
  EXPECT_EQ(RunAs(*other, {"GET", "a"}), kNil);
  EXPECT_EQ(RunAs(*other, {"DBSIZE"}), Int(2));
  EXPECT_EQ(Run({"GET", "a"}), Bulk("in0"));
  EXPECT_EQ(Run({"SWAPDB", "4", "4"}), kOk);
  EXPECT_EQ(Run({"SWAPDB", "x", "1"}), Err("ERR invalid first DB index"));
  EXPECT_EQ(Run({"SWAPDB", "1", "x"}), Err("ERR invalid second DB index"));
  EXPECT_EQ(Run({"SWAPDB", "1", "16"}), Err("ERR DB index is out of range"));
  EXPECT_EQ(Run({"GET", "a"}), Bulk("in0"));
  // Memory is counted with the data: INFO's dataset does not change.
  const uint64_t bytes = server_.databases().DatasetBytes();
  Run({"SWAPDB", "0", "4"});
  EXPECT_EQ(server_.databases().DatasetBytes(), bytes);
}

TEST_F(DatabasesTest, WatchBelongsToADatabase) {
  auto watcher = NewClient();
  RunAs(*watcher, {"WATCH", "k"});
  Run({"SELECT", "1"});
  Run({"SET", "k", "elsewhere"});  // another database's k
  RunAs(*watcher, {"MULTI"});
  RunAs(*watcher, {"SET", "k", "mine"});
  EXPECT_EQ(RunAs(*watcher, {"EXEC"}), "*1\r\n+OK\r\n");
  // SWAPDB changes what k is in database 0: the watch fails (Redis 7).
  RunAs(*watcher, {"WATCH", "k"});
  Run({"SWAPDB", "0", "1"});
  RunAs(*watcher, {"MULTI"});
  RunAs(*watcher, {"GET", "k"});
  EXPECT_EQ(RunAs(*watcher, {"EXEC"}), "*-1\r\n");
  // Watching a key of database 2 and writing it there fails the watch.
  RunAs(*watcher, {"SELECT", "2"});
  RunAs(*watcher, {"WATCH", "w"});
  RunAs(*watcher, {"SELECT", "0"});
  Run({"SELECT", "2"});
  Run({"SET", "w", "1"});
  RunAs(*watcher, {"MULTI"});
  RunAs(*watcher, {"PING"});
  EXPECT_EQ(RunAs(*watcher, {"EXEC"}), "*-1\r\n");
}

TEST_F(DatabasesTest, BlockedClientsWaitInTheirDatabase) {
  auto waiter = NewClient();
  RunAs(*waiter, {"SELECT", "5"});
  EXPECT_EQ(RunAs(*waiter, {"BLPOP", "q", "0"}), "");
  Run({"RPUSH", "q", "in0"});  // database 0's q: not the waiter's
  EXPECT_EQ(Answer(*waiter), "<waiting>");
  Run({"SELECT", "5"});
  Run({"RPUSH", "q", "in5"});
  EXPECT_EQ(Answer(*waiter), "*2\r\n" + Bulk("q") + Bulk("in5"));
  // SWAPDB brings a list into the waiter's database: it is served.
  EXPECT_EQ(RunAs(*waiter, {"BLPOP", "q", "0"}), "");
  Run({"SWAPDB", "0", "5"});
  EXPECT_EQ(waiter->wakes, 2);
  EXPECT_EQ(Answer(*waiter), "*2\r\n" + Bulk("q") + Bulk("in0"));
  // MOVE into the waiter's database serves it too.
  EXPECT_EQ(RunAs(*waiter, {"BLPOP", "m", "0"}), "");
  Run({"SELECT", "0"});
  Run({"RPUSH", "m", "moved"});
  EXPECT_EQ(Run({"MOVE", "m", "5"}), Int(1));
  EXPECT_EQ(Answer(*waiter), "*2\r\n" + Bulk("m") + Bulk("moved"));
}

TEST_F(DatabasesTest, FlushDbEmptiesOneFlushAllEvery) {
  for (int db : {0, 1, 7}) {
    Run({"SELECT", std::to_string(db)});
    Run({"SET", "k", std::to_string(db)});
    Run({"SET", "j", std::to_string(db)});
  }
  EXPECT_EQ(Run({"FLUSHDB"}), kOk);  // database 7
  EXPECT_EQ(Run({"DBSIZE"}), Int(0));
  std::string info = Run({"INFO", "keyspace"});
  EXPECT_NE(info.find("db0:keys=2,expires=0"), std::string::npos) << info;
  EXPECT_NE(info.find("db1:keys=2,expires=0"), std::string::npos) << info;
  EXPECT_EQ(info.find("db7:"), std::string::npos) << info;
  EXPECT_EQ(Run({"FLUSHALL"}), kOk);
  info = Run({"INFO", "keyspace"});
  EXPECT_EQ(info.find("db0:"), std::string::npos) << info;
  EXPECT_EQ(info.find("db1:"), std::string::npos) << info;
  EXPECT_EQ(server_.databases().DatasetBytes(), 0u);
}

TEST_F(DatabasesTest, ClientListShowsTheDatabase) {
  Run({"SELECT", "12"});
  std::string list = Run({"CLIENT", "LIST"});
  EXPECT_NE(list.find(" db=12 "), std::string::npos) << list;
}

// A transaction may SELECT, MOVE and SWAPDB: EXEC locks every database it
// touches in rank order (lockgraph in abort mode would stop the test on an
// inversion) and the client ends in the database its last SELECT chose.
TEST_F(DatabasesTest, TransactionsAcrossDatabases) {
  Run({"SELECT", "6"});
  Run({"SET", "x", "1"});
  Run({"MULTI"});
  Run({"SELECT", "2"});
  Run({"SET", "y", "2"});
  Run({"SELECT", "6"});
  Run({"MOVE", "x", "1"});
  Run({"SWAPDB", "1", "2"});
  Run({"INFO", "keyspace"});
  Run({"SELECT", "1"});
  std::string reply = Run({"EXEC"});
  EXPECT_EQ(reply.substr(0, 29), "*7\r\n+OK\r\n+OK\r\n+OK\r\n:1\r\n+OK\r\n$") << reply;
  EXPECT_EQ(Run({"GET", "y"}), Bulk("2")) << "database 1 after the swap holds y";
  Run({"SELECT", "2"});
  EXPECT_EQ(Run({"GET", "x"}), Bulk("1"));
}

}  // namespace
}  // namespace cacheforge
