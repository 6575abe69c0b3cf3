// server/base/stats.cc
// -----------------------------------------------------------------------------
// Totals over the I/O threads' counters, for INFO and /metrics alike.
#include "base/stats.h"

#include "base/server.h"

namespace cacheforge {

uint64_t SumOverThreads(Server& server, Counter ThreadStats::*counter) {
  uint64_t total = 0;
  for (int i = 0; i < server.loop_count(); ++i) total += (server.thread_stats(i).*counter).Get();
  return total;
}

CommandTotals SumCommandOverThreads(Server& server, size_t command_id) {
  CommandTotals totals;
  for (int i = 0; i < server.loop_count(); ++i) {
    const CommandCounters& c = server.thread_stats(i).per_command[command_id];
    totals.calls += c.calls.Get();
    totals.usec += c.usec.Get();
    totals.failed_calls += c.failed_calls.Get();
    totals.rejected_calls += c.rejected_calls.Get();
    totals.latency.Add(c.latency);
  }
  return totals;
}

}  // namespace cacheforge
