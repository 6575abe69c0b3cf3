// server/tests/stats_test.cc
// -----------------------------------------------------------------------------
// Totals over the I/O threads, as INFO and /metrics both read them.
#include "base/stats.h"

#include <gtest/gtest.h>

#include "base/config.h"
#include "base/server.h"
#include "commands/command_table.h"

namespace cacheforge {
namespace {

TEST(StatsTest, CountersAreSummedOverEveryThread) {
  Config config;
  Server server(&config, 3, CommandTable::Get().size());
  for (int i = 0; i < server.loop_count(); ++i) {
    server.thread_stats(i).keyspace_hits.Add(10 + i);
    server.thread_stats(i).evicted_keys.Add(i);
  }
  EXPECT_EQ(SumOverThreads(server, &ThreadStats::keyspace_hits), 33u);
  EXPECT_EQ(SumOverThreads(server, &ThreadStats::evicted_keys), 3u);
  EXPECT_EQ(SumOverThreads(server, &ThreadStats::keyspace_misses), 0u);
}

TEST(StatsTest, CommandCountersAndLatenciesAreSummedOverEveryThread) {
  Config config;
  Server server(&config, 2, CommandTable::Get().size());
  const size_t get = CommandTable::Get().Find("get")->id;
  for (int i = 0; i < server.loop_count(); ++i) {
    CommandCounters& c = server.thread_stats(i).per_command[get];
    c.calls.Add(5);
    c.usec.Add(100);
    c.failed_calls.Add(1);
    c.rejected_calls.Add(i);
    c.latency.Record(1000);
    c.latency.Record(2000 * (i + 1));
  }
  const CommandTotals t = SumCommandOverThreads(server, get);
  EXPECT_EQ(t.calls, 10u);
  EXPECT_EQ(t.usec, 200u);
  EXPECT_EQ(t.failed_calls, 2u);
  EXPECT_EQ(t.rejected_calls, 1u);
  EXPECT_EQ(t.latency.total, 4u);
  EXPECT_EQ(t.latency.CountAtMost(1023), 2u);
  EXPECT_EQ(SumCommandOverThreads(server, CommandTable::Get().Find("set")->id).calls, 0u);
}

}  // namespace
}  // namespace cacheforge
