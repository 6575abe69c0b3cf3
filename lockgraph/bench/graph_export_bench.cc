// Cost of exporting a large lock-order graph (GraphJson, what graph_out writes
// at exit): thousands of class edges whose stacks come from hundreds of
// distinct acquisition sites, so symbolization dominates.
// See docs/benchmarks.md for the results and the command.
#include <benchmark/benchmark.h>

#include <array>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "lockgraph/mutex.h"

namespace {

constexpr int kClasses = 128;
constexpr int kEdges = 4096;
constexpr int kSites = 256;

// One acquisition site per instantiation: each edge's stack starts at a
// return address of its own site, as in a program with many call sites.
template <int kSite>
[[gnu::noinline]] void NestAt(lockgraph::Mutex& outer, lockgraph::Mutex& inner) {
  std::lock_guard held(outer);
  std::lock_guard taken(inner);
  benchmark::ClobberMemory();
}

using NestFn = void (*)(lockgraph::Mutex&, lockgraph::Mutex&);

template <int... kSite>
constexpr std::array<NestFn, sizeof...(kSite)> SiteTable(std::integer_sequence<int, kSite...>) {
  return {&NestAt<kSite>...};
}
constexpr auto kNestAt = SiteTable(std::make_integer_sequence<int, kSites>());

// Lock names must outlive the locks; these live for the whole process.
std::vector<std::string>& ClassNames() {
  static auto* names = [] {
    auto* v = new std::vector<std::string>();
    for (int i = 0; i < kClasses; ++i) {
      char name[32];
      std::snprintf(name, sizeof(name), "export.%03d", i);
      v->push_back(name);
    }
    return v;
  }();
  return *names;
}

// kEdges acyclic class edges (i -> j, i < j), each first taken at site
// edge % kSites. Built once per process, outside the timed part.
void BuildGraphOnce() {
  static const bool built = [] {
    std::vector<std::unique_ptr<lockgraph::Mutex>> locks;
    for (const std::string& name : ClassNames()) {
      locks.push_back(std::make_unique<lockgraph::Mutex>(name.c_str()));
    }
    int edge = 0;
    for (int i = 0; i < kClasses && edge < kEdges; ++i) {
      for (int j = i + 1; j < kClasses && edge < kEdges; ++j, ++edge) {
        kNestAt[edge % kSites](*locks[i], *locks[j]);
      }
    }
    return true;
  }();
  benchmark::DoNotOptimize(built);
}

void Export(benchmark::State& state) {
  size_t bytes = 0;
  for (auto _ : state) {
    std::string json = lockgraph::GraphJson();
    bytes = json.size();
    benchmark::DoNotOptimize(json);
  }
  const lockgraph::Stats stats = lockgraph::GetStats();
  state.counters["class_edges"] = static_cast<double>(stats.class_edges);
  state.counters["stacks"] = static_cast<double>(stats.stacks);
  state.counters["json_bytes"] = static_cast<double>(bytes);
}

// The first export in a process: loads each module's debug information and
// symbolizes every distinct pc (run it alone, in a fresh process).
void BM_GraphExportFirst(benchmark::State& state) {
  BuildGraphOnce();
  Export(state);
}
BENCHMARK(BM_GraphExportFirst)->Iterations(1)->Unit(benchmark::kMillisecond);

// Later exports of the same graph (a program that calls GraphJson() or
// WriteGraph() more than once).
void BM_GraphExportAgain(benchmark::State& state) {
  BuildGraphOnce();
  benchmark::DoNotOptimize(lockgraph::GraphJson());
  Export(state);
}
BENCHMARK(BM_GraphExportAgain)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
