// Overhead of lockgraph::Mutex against std::mutex and against Abseil's
// deadlock detection (absl::Mutex with OnDeadlockCycle::kReport), side by side.
// See docs/benchmarks.md for the results and the command.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "lockgraph/absl_mutex.h"
#include "lockgraph/mutex.h"

// glibc's exported alias of read(), which no interposer replaces.
extern "C" ssize_t __read(int fd, void* buf, size_t n);

namespace {

// Abseil's detector is a process-wide setting; turn it on once for the
// absl::Mutex runs (it is only consulted by absl::Mutex). With
// LOCKGRAPH_BENCH_ABSL_PLAIN=1 it stays off: the BM_AbslNestedPair runs
// compare lockgraph::AbslMutex with a plain absl::Mutex.
const bool kAbslDetection = [] {
  const bool plain = std::getenv("LOCKGRAPH_BENCH_ABSL_PLAIN") != nullptr;
  absl::SetMutexDeadlockDetectionMode(plain ? absl::OnDeadlockCycle::kIgnore
                                            : absl::OnDeadlockCycle::kReport);
  return true;
}();

template <typename M>
struct Lock {
  static void Acquire(M& m) { m.lock(); }
  static void Release(M& m) { m.unlock(); }
};
template <>
struct Lock<absl::Mutex> {
  static void Acquire(absl::Mutex& m) { m.Lock(); }
  static void Release(absl::Mutex& m) { m.Unlock(); }
};

// (a) One thread takes an outer then an inner lock: a known edge.
// (b) With ->Threads(2): each thread has its own pair (disjoint locks).
template <typename M>
void BM_NestedPair(benchmark::State& state) {
  M outer, inner;
  for (auto _ : state) {
    Lock<M>::Acquire(outer);
    Lock<M>::Acquire(inner);
    Lock<M>::Release(inner);
    Lock<M>::Release(outer);
  }
  state.SetItemsProcessed(state.iterations() * 2);  // acquisitions
}

// (c) Two threads contend for one lock.
template <typename M>
void BM_Contended(benchmark::State& state) {
  static M* shared = new M;
  for (auto _ : state) {
    Lock<M>::Acquire(*shared);
    benchmark::DoNotOptimize(shared);
    Lock<M>::Release(*shared);
  }
  state.SetItemsProcessed(state.iterations());
}

// A single lock with nothing held: the cheapest path.
template <typename M>
void BM_Single(benchmark::State& state) {
  M m;
  for (auto _ : state) {
    Lock<M>::Acquire(m);
    Lock<M>::Release(m);
  }
  state.SetItemsProcessed(state.iterations());
}

// (d) A first-seen edge: every iteration nests two brand-new locks, so the
// detector registers both, captures a stack and inserts an edge.
template <typename M>
void BM_FirstSeenEdge(benchmark::State& state) {
  M outer;
  for (auto _ : state) {
    M inner;
    Lock<M>::Acquire(outer);
    Lock<M>::Acquire(inner);
    Lock<M>::Release(inner);
    Lock<M>::Release(outer);
  }
  state.SetItemsProcessed(state.iterations());
}

#define LOCKGRAPH_BENCH_ALL(fn)                                         \
  BENCHMARK_TEMPLATE(fn, std::mutex)->Name(#fn "/std::mutex");          \
  BENCHMARK_TEMPLATE(fn, absl::Mutex)->Name(#fn "/absl::Mutex+detect"); \
  BENCHMARK_TEMPLATE(fn, lockgraph::Mutex)->Name(#fn "/lockgraph::Mutex")

LOCKGRAPH_BENCH_ALL(BM_Single);
LOCKGRAPH_BENCH_ALL(BM_NestedPair);
BENCHMARK_TEMPLATE(BM_NestedPair, std::mutex)->Name("BM_NestedPair2T/std::mutex")->Threads(2);
BENCHMARK_TEMPLATE(BM_NestedPair, absl::Mutex)
    ->Name("BM_NestedPair2T/absl::Mutex+detect")
    ->Threads(2);
BENCHMARK_TEMPLATE(BM_NestedPair, lockgraph::Mutex)
    ->Name("BM_NestedPair2T/lockgraph::Mutex")
    ->Threads(2);
BENCHMARK_TEMPLATE(BM_Contended, std::mutex)->Name("BM_Contended2T/std::mutex")->Threads(2);
BENCHMARK_TEMPLATE(BM_Contended, absl::Mutex)
    ->Name("BM_Contended2T/absl::Mutex+detect")
    ->Threads(2);
BENCHMARK_TEMPLATE(BM_Contended, lockgraph::Mutex)
    ->Name("BM_Contended2T/lockgraph::Mutex")
    ->Threads(2);
LOCKGRAPH_BENCH_ALL(BM_FirstSeenEdge);

// A held-lock assertion on the fast path: two locks held, the outer one
// asserted (a scan of this thread's held stack), against absl::Mutex's own
// AssertHeld. Plus AssertNoLocksHeld with nothing held, as at the top of an
// event-loop iteration.
template <typename M>
void BM_AssertHeld(benchmark::State& state) {
  M outer, inner;
  Lock<M>::Acquire(outer);
  Lock<M>::Acquire(inner);
  for (auto _ : state) {
    outer.AssertHeld();
    benchmark::ClobberMemory();
  }
  Lock<M>::Release(inner);
  Lock<M>::Release(outer);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_TEMPLATE(BM_AssertHeld, absl::Mutex)->Name("BM_AssertHeld/absl::Mutex");
BENCHMARK_TEMPLATE(BM_AssertHeld, lockgraph::Mutex)->Name("BM_AssertHeld/lockgraph::Mutex");

void BM_AssertNoLocksHeld(benchmark::State& state) {
  for (auto _ : state) {
    lockgraph::AssertNoLocksHeld();
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AssertNoLocksHeld);

// An absl::Mutex nested pair, plain and through lockgraph's adapter (run with
// LOCKGRAPH_BENCH_ABSL_PLAIN=1 so the plain one has Abseil's detector off).
template <typename M>
void BM_AbslNestedPair(benchmark::State& state) {
  M outer, inner;
  for (auto _ : state) {
    outer.Lock();
    inner.Lock();
    inner.Unlock();
    outer.Unlock();
  }
  state.SetItemsProcessed(state.iterations() * 2);
}
BENCHMARK_TEMPLATE(BM_AbslNestedPair, absl::Mutex)->Name("BM_AbslNestedPair/absl::Mutex");
BENCHMARK_TEMPLATE(BM_AbslNestedPair, lockgraph::AbslMutex)
    ->Name("BM_AbslNestedPair/lockgraph::AbslMutex");

// Memory: what the detector holds per lock instance in the graph and per
// edge, from its own accounting and from the process's resident set.
long ResidentBytes() {
  long pages = 0, resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return resident * 4096;
}

void BM_GraphMemory(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<std::unique_ptr<lockgraph::Mutex>> rows;
    rows.reserve(n);
    for (int i = 0; i < n; ++i) rows.push_back(std::make_unique<lockgraph::Mutex>("bench.row"));
    lockgraph::Mutex table{"bench.table"};
    const uint64_t before = lockgraph::GetStats().memory_bytes;
    const long rss_before = ResidentBytes();
    state.ResumeTiming();
    for (auto& row : rows) {
      std::lock_guard t(table);
      std::lock_guard r(*row);
    }
    state.PauseTiming();
    const uint64_t after = lockgraph::GetStats().memory_bytes;
    state.counters["detector_bytes_per_edge"] = static_cast<double>(after - before) / n;
    state.counters["rss_bytes_per_edge"] = static_cast<double>(ResidentBytes() - rss_before) / n;
    state.counters["lock_object_bytes"] = sizeof(lockgraph::Mutex);
    state.counters["std_mutex_bytes"] = sizeof(std::mutex);
    rows.clear();  // retires the nodes and their edges
    state.ResumeTiming();
  }
}
BENCHMARK(BM_GraphMemory)->Arg(100000)->Iterations(1)->Unit(benchmark::kMillisecond);

// The cost block_warn_ms adds to a blocking call: a 1-byte read of
// /dev/zero (a call that never blocks, so only lockgraph's part differs),
// made through glibc's own __read (which lockgraph does not interpose), then
// through lockgraph's read() with the option off, on with no lock held, and
// on with a lock held (timed).
enum ReadVia { kLibc, kOff, kOnNothingHeld, kOnHolding };

void BM_Read1(benchmark::State& state) {
  const auto via = static_cast<ReadVia>(state.range(0));
  const int fd = open("/dev/zero", O_RDONLY);
  lockgraph::Options saved = lockgraph::CurrentOptions();
  lockgraph::Options o = saved;
  o.block_warn_ms = via >= kOnNothingHeld ? 1000 : 0;
  lockgraph::Configure(o);
  lockgraph::Mutex held{"bench.read_holder"};
  if (via == kOnHolding) held.lock();
  char c;
  for (auto _ : state) {
    if (via == kLibc) {
      benchmark::DoNotOptimize(__read(fd, &c, 1));
    } else {
      benchmark::DoNotOptimize(read(fd, &c, 1));
    }
  }
  if (via == kOnHolding) held.unlock();
  lockgraph::Configure(saved);
  close(fd);
}
BENCHMARK(BM_Read1)->Arg(kLibc)->Name("BM_Read1/libc __read, not interposed");
BENCHMARK(BM_Read1)->Arg(kOff)->Name("BM_Read1/read,block_warn_ms=0");
BENCHMARK(BM_Read1)->Arg(kOnNothingHeld)->Name("BM_Read1/read,block_warn_ms=1000,no_lock_held");
BENCHMARK(BM_Read1)->Arg(kOnHolding)->Name("BM_Read1/read,block_warn_ms=1000,lock_held");

}  // namespace

BENCHMARK_MAIN();
