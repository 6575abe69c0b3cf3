// server/tests/lock_order_test.cc
// -----------------------------------------------------------------------------
// The server's own lock order, checked by lockgraph. These tests run with
// LOCKGRAPH_OPTIONS=mode=abort (see CMakeLists.txt), so any inversion aborts
// them. A concurrent SET/DEL/MSET/RENAME/FLUSHALL storm over all shards — the
// cacheforge incident's workload — must leave a graph without cycles, and
// taking two shard locks against their declared rank must be caught at once.
#include <gtest/gtest.h>
#include <lockgraph/mutex.h>

#include <atomic>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "base/config.h"
#include "base/server.h"
#include "commands/command_table.h"
#include "commands/dispatcher.h"

namespace cacheforge {
namespace {

TEST(LockOrder, ConcurrentMultiKeyStormLeavesNoCycle) {
  if (!LOCKGRAPH_ON) GTEST_SKIP() << "built with LOCKGRAPH=OFF: there is no detector to ask";
  Config config;
  constexpr int kThreads = 8;
  Server server(&config, kThreads, CommandTable::Get().size());
  std::vector<std::thread> threads;
  std::atomic<int> errors{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      ClientSession session;
      session.info = std::make_shared<ClientInfo>();
      session.info->id = server.clients().NextId();
      std::mt19937 rng(static_cast<unsigned>(t));
      auto key = [&] { return "key_" + std::to_string(rng() % 200); };
      for (int i = 0; i < 2000; ++i) {
        std::vector<std::string> args;
        switch (rng() % 7) {
          case 0:
            args = {"SET", key(), "v"};
            break;
          case 1:
            args = {"DEL", key(), key(), key()};
            break;
          case 2:
            args = {"MSET", key(), "1", key(), "2", key(), "3", key(), "4"};
            break;
          case 3:
            args = {"RENAME", key(), key()};
            break;
          case 4:
            args = {"MGET", key(), key(), key()};
            break;
          case 5:
            args = {"INCR", key()};
            break;
          default:
            args = {i % 500 == 0 ? "FLUSHALL" : "EXISTS", key(), key()};
            break;
        }
        if (args[0] == "FLUSHALL") args.resize(1);
        std::vector<std::string_view> views(args.begin(), args.end());
        CommandContext ctx{server, session, server.thread_stats(t), views, NowMs()};
        Reply reply = Dispatch(ctx);
        // RENAME of a missing key and INCR of "v" are expected errors; a
        // wrong-arity error would mean the storm itself is broken.
        if (reply.is_error() && reply.text().find("wrong number") != std::string::npos) ++errors;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(errors.load(), 0);
  std::string graph = lockgraph::GraphJson();
  EXPECT_NE(graph.find("store.shard"), std::string::npos) << "multi-shard locking was recorded";
  EXPECT_NE(graph.find("\"cycles\": []"), std::string::npos) << graph;
  EXPECT_EQ(lockgraph::GetStats().reports, 0u);
}

TEST(LockOrderDeathTest, DescendingShardOrderIsCaught) {
  if (!LOCKGRAPH_ON) GTEST_SKIP() << "built with LOCKGRAPH=OFF: there is no detector to ask";
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        Config config;
        Server server(&config, 1, CommandTable::Get().size());
        Keyspace& keyspace = server.db(0);
        // The inversion ShardSetLock exists to prevent.
        Shard& shard5 = keyspace.shard(5);
        Shard& shard2 = keyspace.shard(2);
        lockgraph::MutexLock high(shard5.mu());
        lockgraph::MutexLock low(shard2.mu());
      },
      "lockgraph: ");
}

}  // namespace
}  // namespace cacheforge
