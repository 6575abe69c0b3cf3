// server/tests/transaction_test.cc
// -----------------------------------------------------------------------------
// MULTI/EXEC/DISCARD/WATCH/UNWATCH through the real dispatcher: Redis's
// replies and errors, WATCH invalidated by another client's write, by expiry
// and by FLUSHALL (and only then), the shards EXEC locks, atomicity against a
// concurrent reader on another thread, and what the AOF records.
#include <atomic>
#include <thread>

#include "command_test_util.h"
#include "commands/transaction_family.h"
#include "persist/aof_format.h"
#include "persist/aof_loader.h"
#include "persist/append_only_file.h"

namespace cacheforge {
namespace {

class TransactionTest : public CommandTest {
 protected:
  TransactionTest() { other_.info = std::make_shared<ClientInfo>(); }
  ~TransactionTest() override {
    UnwatchAll(server_.databases(), session_.watch);
    UnwatchAll(server_.databases(), other_.watch);
  }

  // Runs a command as a second client.
  std::string RunOther(std::vector<std::string> args) {
    std::vector<std::string_view> views(args.begin(), args.end());
    CommandContext ctx{server_, other_, server_.thread_stats(0), views, now_ms_};
    std::string out;
    AppendReply(Dispatch(ctx), &out);
    return out;
  }

  static constexpr char kQueued[] = "+QUEUED\r\n";
  static constexpr char kNullArray[] = "*-1\r\n";
  ClientSession other_;
};

TEST_F(TransactionTest, QueuesThenRunsInOrder) {
  EXPECT_EQ(Run({"MULTI"}), kOk);
  EXPECT_EQ(Run({"SET", "a", "1"}), kQueued);
  EXPECT_EQ(Run({"INCR", "a"}), kQueued);
  EXPECT_EQ(Run({"RPUSH", "l", "x", "y"}), kQueued);
  EXPECT_EQ(Run({"GET", "a"}), kQueued);
  // Nothing ran yet: another client sees no key.
  EXPECT_EQ(RunOther({"EXISTS", "a", "l"}), Int(0));
  EXPECT_EQ(Run({"EXEC"}), "*4\r\n" + std::string(kOk) + Int(2) + Int(2) + Bulk("2"));
  EXPECT_EQ(Run({"GET", "a"}), Bulk("2"));
  EXPECT_EQ(Run({"MULTI"}), kOk);
  EXPECT_EQ(Run({"EXEC"}), "*0\r\n");
}

TEST_F(TransactionTest, ControlErrorsUseRedisText) {
  EXPECT_EQ(Run({"EXEC"}), Err("ERR EXEC without MULTI"));
  EXPECT_EQ(Run({"DISCARD"}), Err("ERR DISCARD without MULTI"));
  EXPECT_EQ(Run({"MULTI"}), kOk);
  EXPECT_EQ(Run({"MULTI"}), Err("ERR MULTI calls can not be nested"));
  EXPECT_EQ(Run({"WATCH", "k"}), Err("ERR WATCH inside MULTI is not allowed"));
  EXPECT_EQ(Run({"SET", "k", "v"}), kQueued);
  // Neither error dooms the transaction.
  EXPECT_EQ(Run({"EXEC"}), "*1\r\n" + std::string(kOk));
  EXPECT_EQ(Run({"MULTI"}), kOk);
  EXPECT_EQ(Run({"SET", "k", "w"}), kQueued);
  EXPECT_EQ(Run({"DISCARD"}), kOk);
  EXPECT_EQ(Run({"GET", "k"}), Bulk("v"));
  EXPECT_EQ(Run({"EXEC"}), Err("ERR EXEC without MULTI"));
}

TEST_F(TransactionTest, QueueingErrorAbortsTheWholeTransaction) {
  for (std::vector<std::string> bad : std::vector<std::vector<std::string>>{
           {"NOSUCHCOMMAND", "x"}, {"GET"}, {"CONFIG", "NOSUCH"}}) {
    Run({"MULTI"});
    EXPECT_EQ(Run({"SET", "x", "1"}), kQueued);
    EXPECT_EQ(Run(bad)[0], '-') << bad[0];
    EXPECT_EQ(Run({"SET", "y", "1"}), kQueued);
    EXPECT_EQ(Run({"EXEC"}), Err("EXECABORT Transaction discarded because of previous errors."));
    EXPECT_EQ(Run({"EXISTS", "x", "y"}), Int(0)) << bad[0];
    // The client is out of MULTI: commands run at once again.
    EXPECT_EQ(Run({"PING"}), "+PONG\r\n");
  }
}

TEST_F(TransactionTest, ShutdownIsRefusedInsideMulti) {
  Run({"MULTI"});
  Run({"SET", "k", "v"});
  EXPECT_EQ(Run({"SHUTDOWN", "NOSAVE"}), Err("ERR Command not allowed inside a transaction"));
  EXPECT_EQ(Run({"EXEC"}), Err("EXECABORT Transaction discarded because of previous errors."));
  EXPECT_FALSE(server_.shutdown_requested());
}

TEST_F(TransactionTest, ClientListShowsTheQueue) {
  EXPECT_NE(Run({"CLIENT", "LIST"}).find(" flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 "),
            std::string::npos);
  Run({"MULTI"});
  Run({"SET", "k", "v"});
  Run({"GET", "k"});
  EXPECT_NE(RunOther({"CLIENT", "LIST"}).find(" flags=x db=0 sub=0 psub=0 ssub=0 multi=2 "),
            std::string::npos);
  Run({"DISCARD"});
  EXPECT_NE(Run({"CLIENT", "LIST"}).find(" multi=-1 "), std::string::npos);
}

TEST_F(TransactionTest, AnErrorInsideExecDoesNotUndoTheRest) {
  Run({"SET", "s", "text"});
  Run({"MULTI"});
  Run({"SET", "a", "1"});
  Run({"INCR", "s"});  // fails when run, not when queued
  Run({"LPUSH", "s", "x"});
  Run({"SET", "b", "2"});
  EXPECT_EQ(Run({"EXEC"}), "*4\r\n" + std::string(kOk) +
                               Err("ERR value is not an integer or out of range") +
                               Err("WRONGTYPE Operation against a key holding the wrong kind of "
                                   "value") +
                               kOk);
  EXPECT_EQ(Run({"MGET", "a", "b", "s"}), "*3\r\n" + Bulk("1") + Bulk("2") + Bulk("text"));
}

TEST_F(TransactionTest, WatchedKeyWrittenByAnotherClientFailsExec) {
  Run({"SET", "k", "1"});
  EXPECT_EQ(Run({"WATCH", "a", "b", "k", "c", "d"}), kOk);
  EXPECT_EQ(RunOther({"INCR", "k"}), Int(2));
  Run({"MULTI"});
  Run({"SET", "k", "mine"});
  EXPECT_EQ(Run({"EXEC"}), kNullArray);
  EXPECT_EQ(Run({"GET", "k"}), Bulk("2"));
  // EXEC unwatched everything: the next transaction runs.
  RunOther({"INCR", "k"});
  Run({"MULTI"});
  Run({"GET", "k"});
  EXPECT_EQ(Run({"EXEC"}), "*1\r\n" + Bulk("3"));
}

TEST_F(TransactionTest, UnchangedOrUnrelatedKeysLetExecRun) {
  Run({"SET", "k", "1"});
  Run({"WATCH", "k"});
  RunOther({"SET", "unrelated", "x"});
  RunOther({"GET", "k"});             // a read is no change
  RunOther({"SET", "k", "1", "NX"});  // nor is a write that changed nothing
  RunOther({"DEL", "missing"});
  Run({"MULTI"});
  Run({"INCR", "k"});
  EXPECT_EQ(Run({"EXEC"}), "*1\r\n" + Int(2));
}

TEST_F(TransactionTest, EveryKindOfChangeTouchesAWatchedKey) {
  const std::vector<std::vector<std::string>> changes = {
      {"SET", "k", "same"},    {"DEL", "k"},          {"EXPIRE", "k", "100"},
      {"APPEND", "k", "x"},    {"RENAME", "k", "k2"}, {"RENAME", "src", "k"},
      {"HSET", "k", "f", "v"}, {"FLUSHALL"},          {"MSET", "zz", "1", "k", "2"},
  };
  for (const auto& change : changes) {
    Run({"FLUSHALL"});
    Run({"SET", "k", "same"});
    Run({"SET", "src", "v"});
    Run({"WATCH", "k"});
    std::string reply = RunOther(change);
    // HSET on a string key fails and changes nothing.
    const bool changed = reply[0] != '-';
    Run({"MULTI"});
    Run({"PING"});
    EXPECT_EQ(Run({"EXEC"}), changed ? kNullArray : "*1\r\n+PONG\r\n") << change[0];
  }
}

// Redis 7's rules for writes that change nothing: they leave a watch alone
// (and the AOF), except LTRIM, which always counts as touching its list.
TEST_F(TransactionTest, WritesThatChangeNothingDoNotTouchAWatchedKey) {
  const std::vector<std::pair<std::vector<std::string>, bool>> cases = {
      {{"SADD", "set", "a"}, false},
      {{"SADD", "set", "new"}, true},
      {{"ZADD", "zset", "1", "m"}, false},
      {{"ZADD", "zset", "2", "m"}, true},
      {{"SETBIT", "bits", "1", "1"}, false},
      {{"SETBIT", "bits", "1", "0"}, true},
      {{"SETBIT", "bits", "100", "0"}, true},  // grows the string
      {{"BITFIELD", "bits", "SET", "u8", "0", "64"}, false},
      {{"BITFIELD", "bits", "SET", "u8", "0", "65"}, true},
      {{"SREM", "set", "absent"}, false},
      {{"LTRIM", "list", "0", "-1"}, true},
  };
  for (const auto& [command, touches] : cases) {
    Run({"FLUSHALL"});
    Run({"SADD", "set", "a"});
    Run({"ZADD", "zset", "1", "m"});
    Run({"SETBIT", "bits", "1", "1"});
    Run({"RPUSH", "list", "x"});
    Run({"WATCH", command[1]});
    EXPECT_NE(RunOther(command)[0], '-') << command[0];
    Run({"MULTI"});
    Run({"PING"});
    EXPECT_EQ(Run({"EXEC"}), touches ? kNullArray : "*1\r\n+PONG\r\n")
        << command[0] << " " << command.back();
  }
}

// SMOVE of a member the destination already holds changes only the source:
// the destination's watchers keep their transaction (Redis's own test).
TEST_F(TransactionTest, SMoveTouchesTheDestinationOnlyWhenItAdds) {
  for (const bool dst_has_it : {true, false}) {
    Run({"FLUSHALL"});
    Run({"SADD", "src", "a", "b"});
    Run({"SADD", "dst", dst_has_it ? "a" : "z"});
    Run({"WATCH", "dst"});
    Run({"MULTI"});
    Run({"SADD", "dst", "c"});
    EXPECT_EQ(RunOther({"SMOVE", "src", "dst", "a"}), ":1\r\n");
    EXPECT_EQ(Run({"EXEC"}), dst_has_it ? "*1\r\n:1\r\n" : kNullArray);
    EXPECT_EQ(Run({"SCARD", "dst"}), ":2\r\n");
  }
}

TEST_F(TransactionTest, ExpiryTouchesAWatchedKeyButAStaleKeyDoesNot) {
  Run({"SET", "k", "v", "PX", "100"});
  Run({"WATCH", "k"});
  now_ms_ += 200;  // expires after WATCH: EXEC fails, as in Redis
  Run({"MULTI"});
  Run({"PING"});
  EXPECT_EQ(Run({"EXEC"}), kNullArray);

  Run({"SET", "stale", "v", "PX", "100"});
  now_ms_ += 200;  // already gone when watched
  Run({"WATCH", "stale"});
  RunOther({"DEL", "stale"});
  Run({"MULTI"});
  Run({"PING"});
  EXPECT_EQ(Run({"EXEC"}), "*1\r\n+PONG\r\n");
}

TEST_F(TransactionTest, FlushTouchesOnlyKeysThatExisted) {
  Run({"SET", "x", "1"});
  Run({"WATCH", "x"});
  RunOther({"FLUSHALL"});
  Run({"MULTI"});
  Run({"PING"});
  EXPECT_EQ(Run({"EXEC"}), kNullArray);

  Run({"WATCH", "missing"});
  RunOther({"SET", "other", "1"});
  RunOther({"FLUSHDB"});
  Run({"MULTI"});
  Run({"PING"});
  EXPECT_EQ(Run({"EXEC"}), "*1\r\n+PONG\r\n");
}

TEST_F(TransactionTest, UnwatchAndDiscardForgetWatchesAndTheDirtyFlag) {
  Run({"SET", "k", "1"});
  Run({"WATCH", "k"});
  RunOther({"SET", "k", "2"});
  EXPECT_EQ(Run({"UNWATCH"}), kOk);
  Run({"MULTI"});
  Run({"PING"});
  EXPECT_EQ(Run({"EXEC"}), "*1\r\n+PONG\r\n");

  Run({"WATCH", "k"});
  RunOther({"SET", "k", "3"});
  Run({"MULTI"});
  EXPECT_EQ(Run({"DISCARD"}), kOk);
  RunOther({"SET", "k", "4"});
  Run({"MULTI"});
  Run({"PING"});
  EXPECT_EQ(Run({"EXEC"}), "*1\r\n+PONG\r\n");
  EXPECT_EQ(Run({"UNWATCH"}), kOk);  // nothing watched: still OK
}

TEST_F(TransactionTest, ServerCommandsInsideExecRunAfterTheLocksAreReleased) {
  Run({"MULTI"});
  Run({"SET", "a", "1"});
  Run({"CONFIG", "SET", "maxmemory", "0"});
  Run({"DBSIZE"});
  Run({"KEYS", "*"});
  Run({"INFO", "keyspace"});
  Run({"FLUSHALL"});
  std::string reply = Run({"EXEC"});
  EXPECT_EQ(reply.substr(0, 4), "*6\r\n") << reply;
  EXPECT_NE(reply.find(":1\r\n*1\r\n$1\r\na\r\n"), std::string::npos) << reply;
  EXPECT_EQ(Run({"DBSIZE"}), Int(0));
}

TEST_F(TransactionTest, ExecLocksOnlyTheShardsOfItsKeys) {
  Databases& dbs = server_.databases();
  const Keyspace& keyspace = server_.db(0);
  // The masks a queue of commands needs, starting in database 0.
  auto masks_of = [&](std::vector<std::vector<std::string>> queue) {
    std::vector<uint64_t> masks = dbs.NoShards();
    int db = 0;
    for (auto& args : queue) {
      const CommandEntry* entry = CommandTable::Get().Find(args[0]);
      AddQueuedShards(dbs, QueuedCommand{entry, args}, &db, &masks);
    }
    return masks;
  };
  auto mask = [&](std::vector<std::string> args) { return masks_of({std::move(args)})[0]; };
  auto bit = [&](std::string_view key) {
    return uint64_t{1} << keyspace.ShardIndex(Keyspace::Hash(key));
  };
  const uint64_t all = ShardSetLock::AllShards(keyspace);
  EXPECT_EQ(mask({"INCR", "a"}), bit("a"));
  EXPECT_EQ(mask({"MSET", "a", "1", "b", "2"}), bit("a") | bit("b"));
  EXPECT_EQ(mask({"LMPOP", "2", "l1", "l2", "LEFT"}), bit("l1") | bit("l2"));
  EXPECT_EQ(mask({"ZUNIONSTORE", "d", "2", "z1", "z2", "WEIGHTS", "1", "2"}),
            bit("d") | bit("z1") | bit("z2"));
  EXPECT_EQ(mask({"LMPOP", "9", "l1", "LEFT"}), all);  // a bad count fails before any key
  EXPECT_EQ(mask({"PING"}), all);
  // Other databases: a queued SELECT moves what follows; MOVE, COPY ... DB
  // and SWAPDB name theirs; FLUSHALL and INFO need every one.
  std::vector<uint64_t> m = masks_of({{"INCR", "a"}, {"SELECT", "3"}, {"INCR", "b"}});
  EXPECT_EQ(m[0], bit("a"));
  EXPECT_EQ(m[3], bit("b"));
  EXPECT_EQ(m[1], 0u);
  m = masks_of({{"MOVE", "k", "5"}, {"COPY", "s", "d", "DB", "7"}});
  EXPECT_EQ(m[0], bit("k") | bit("s") | bit("d"));
  EXPECT_EQ(m[5], bit("k"));
  EXPECT_EQ(m[7], bit("d"));
  m = masks_of({{"SWAPDB", "2", "9"}});
  EXPECT_EQ(m[2], all);
  EXPECT_EQ(m[9], all);
  EXPECT_EQ(m[0], 0u);
  for (const char* name : {"FLUSHALL", "INFO"}) {
    m = masks_of({{name}});
    for (int d = 0; d < dbs.count(); ++d) EXPECT_EQ(m[static_cast<size_t>(d)], all) << name << d;
  }
}

// A reader on another thread never sees half of a transaction that moves a
// unit between keys of different shards.
TEST(TransactionAtomicity, ReadersNeverSeeHalfATransaction) {
  Config config;
  Server server(&config, /*loops=*/2, CommandTable::Get().size());
  // Two keys in different shards.
  std::string a = "a", b = "b0";
  for (int i = 0;
       server.db(0).ShardIndex(Keyspace::Hash(a)) == server.db(0).ShardIndex(Keyspace::Hash(b));
       ++i) {
    b = "b" + std::to_string(i);
  }
  auto run = [&](ClientSession& session, int loop, std::vector<std::string> args) {
    std::vector<std::string_view> views(args.begin(), args.end());
    CommandContext ctx{server, session, server.thread_stats(loop), views, NowMs()};
    std::string out;
    AppendReply(Dispatch(ctx), &out);
    return out;
  };
  ClientSession writer, reader;
  writer.info = std::make_shared<ClientInfo>();
  reader.info = std::make_shared<ClientInfo>();
  run(writer, 0, {"MSET", a, "0", b, "0"});
  std::atomic<bool> done{false};
  std::thread writing([&] {
    for (int i = 0; i < 3000; ++i) {
      run(writer, 0, {"MULTI"});
      run(writer, 0, {"INCR", a});
      run(writer, 0, {"DECR", b});
      run(writer, 0, {"EXEC"});
    }
    done = true;
  });
  int torn = 0, reads = 0;
  while (!done.load() || reads == 0) {
    std::string reply = run(reader, 1, {"MGET", a, b});
    // "*2\r\n$N\r\nA\r\n$M\r\nB\r\n": the values must sum to zero.
    size_t p1 = reply.find("\r\n", 4) + 2;
    size_t e1 = reply.find("\r\n", p1);
    size_t p2 = reply.find("\r\n", e1 + 2) + 2;
    size_t e2 = reply.find("\r\n", p2);
    long long va = std::stoll(reply.substr(p1, e1 - p1));
    long long vb = std::stoll(reply.substr(p2, e2 - p2));
    if (va + vb != 0) ++torn;
    ++reads;
  }
  writing.join();
  EXPECT_EQ(torn, 0) << "of " << reads << " reads";
  EXPECT_EQ(run(reader, 1, {"MGET", a, b}), "*2\r\n$4\r\n3000\r\n$5\r\n-3000\r\n");
}

}  // namespace
}  // namespace cacheforge
