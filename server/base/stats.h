// server/base/stats.h
// -----------------------------------------------------------------------------
// Counters for INFO and /metrics. Each I/O thread owns one ThreadStats and is
// its only writer; readers sum them over the threads (SumOverThreads). Counters
// are relaxed atomics on the thread's own cache lines, so counting costs no
// lock and no sharing on the request path.
#ifndef CACHEFORGE_BASE_STATS_H_
#define CACHEFORGE_BASE_STATS_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "base/latency_histogram.h"

namespace cacheforge {

class Server;

class Counter {
 public:
  void Add(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t Get() const { return value_.load(std::memory_order_relaxed); }
  void Reset() { value_.store(0, std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

struct CommandCounters {
  Counter calls;
  Counter usec;
  Counter failed_calls;      // the handler answered an error
  Counter rejected_calls;    // refused before running (arity, auth)
  LatencyHistogram latency;  // durations of the calls, nanoseconds
};

struct alignas(64) ThreadStats {
  explicit ThreadStats(size_t command_count)
      : per_command(std::make_unique<CommandCounters[]>(command_count)),
        command_count(command_count) {}

  void Reset() {
    for (Counter* c :
         {&commands, &net_input_bytes, &net_output_bytes, &keyspace_hits, &keyspace_misses,
          &expired_keys, &evicted_keys, &client_query_buffer_limit_disconnections,
          &client_output_buffer_limit_disconnections}) {
      c->Reset();
    }
    for (size_t i = 0; i < command_count; ++i) {
      per_command[i].calls.Reset();
      per_command[i].usec.Reset();
      per_command[i].failed_calls.Reset();
      per_command[i].rejected_calls.Reset();
      per_command[i].latency.Reset();
    }
  }

  Counter commands;
  Counter net_input_bytes;
  Counter net_output_bytes;
  Counter keyspace_hits;
  Counter keyspace_misses;
  Counter expired_keys;
  Counter evicted_keys;
  Counter client_query_buffer_limit_disconnections;
  Counter client_output_buffer_limit_disconnections;
  // Commands that changed data (Redis's dirty counter, INFO's
  // rdb_changes_since_last_save): there is no RDB save, so it counts from
  // the start, and CONFIG RESETSTAT leaves it alone, as Redis does.
  Counter data_changes;
  // A gauge, not reset by CONFIG RESETSTAT: heap bytes of this thread's
  // clients' query and output buffers, part of used_memory.
  std::atomic<int64_t> client_buffer_bytes{0};
  std::unique_ptr<CommandCounters[]> per_command;  // indexed by CommandSpec::id
  size_t command_count;
};

// One command's counters summed over every I/O thread.
struct CommandTotals {
  uint64_t calls = 0;
  uint64_t usec = 0;
  uint64_t failed_calls = 0;
  uint64_t rejected_calls = 0;
  LatencyHistogram::Snapshot latency;
};

// `counter` summed over every I/O thread's ThreadStats. Each thread's value is
// read at a slightly different moment, which is all monitoring needs.
uint64_t SumOverThreads(Server& server, Counter ThreadStats::*counter);
// The counters of command `command_id` (CommandSpec::id) summed likewise.
CommandTotals SumCommandOverThreads(Server& server, size_t command_id);

}  // namespace cacheforge

#endif  // CACHEFORGE_BASE_STATS_H_
