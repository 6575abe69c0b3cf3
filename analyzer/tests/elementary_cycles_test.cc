// The one cycle finder: known graphs, its limits, and agreement with an
// exhaustive search on random graphs.
#include "graphs/elementary_cycles.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>
#include <vector>

namespace lockgraph::graphs {
namespace {

using Graph = std::vector<std::vector<int>>;
using Cycles = std::vector<std::vector<int>>;

Cycles All(const Graph& g) { return FindElementaryCycles(g, {SIZE_MAX, UINT64_MAX}); }

// Every simple path from each start s through nodes > s that returns to s:
// no blocking, no components, exponential, and obviously right.
Cycles BruteForce(const Graph& g) {
  const int n = static_cast<int>(g.size());
  Cycles cycles;
  std::vector<int> path;
  std::vector<bool> on_path(n, false);
  auto extend = [&](auto& self, int v) -> void {
    const int s = path.front();
    for (int w : g[v]) {
      if (w == s) cycles.push_back(path);
      if (w <= s || on_path[w]) continue;
      path.push_back(w);
      on_path[w] = true;
      self(self, w);
      on_path[w] = false;
      path.pop_back();
    }
  };
  for (int s = 0; s < n; ++s) {
    path = {s};
    on_path[s] = true;
    extend(extend, s);
    on_path[s] = false;
  }
  std::sort(cycles.begin(), cycles.end());
  cycles.erase(std::unique(cycles.begin(), cycles.end()), cycles.end());  // duplicate edges
  return cycles;
}

Graph Complete(int n) {
  Graph g(n);
  for (int a = 0; a < n; ++a) {
    for (int b = 0; b < n; ++b) {
      if (a != b) g[a].push_back(b);
    }
  }
  return g;
}

TEST(ElementaryCyclesTest, EmptyAndAcyclicGraphsHaveNone) {
  EXPECT_TRUE(All({}).empty());
  EXPECT_TRUE(All({{1}, {2}, {}}).empty());
}

TEST(ElementaryCyclesTest, SelfLoopIsACycleOfOne) {
  EXPECT_EQ(All({{0}}), (Cycles{{0}}));
  // On a node that is also on a longer cycle: both, the shorter first.
  EXPECT_EQ(All({{1}, {0, 1}}), (Cycles{{0, 1}, {1}}));
}

TEST(ElementaryCyclesTest, TwoCycle) { EXPECT_EQ(All({{1}, {0}}), (Cycles{{0, 1}})); }

TEST(ElementaryCyclesTest, ThreeDisjointComponentsComeInOrderOfTheirSmallestNode) {
  // {0, 4}, {1, 2, 5} (two cycles, one through 2 but not 1) and {3, 6}; 7
  // only leads into them. Nodes are interleaved so the components are too.
  Graph g(8);
  g[0] = {4};
  g[4] = {0};
  g[1] = {5};
  g[5] = {2, 1};
  g[2] = {5};
  g[3] = {6};
  g[6] = {3, 6};
  g[7] = {0, 1, 3};
  EXPECT_EQ(All(g), (Cycles{{0, 4}, {1, 5}, {2, 5}, {3, 6}, {6}}));
}

TEST(ElementaryCyclesTest, OrderDoesNotDependOnEdgeOrderOrDuplicates) {
  Graph g = {{2, 1, 2}, {0, 2}, {0, 1, 1}};
  const Cycles expected = {{0, 1}, {0, 1, 2}, {0, 2}, {0, 2, 1}, {1, 2}};
  EXPECT_EQ(All(g), expected);
  EXPECT_EQ(BruteForce(g), expected);
}

TEST(ElementaryCyclesTest, CompleteGraphsHaveEveryOrderingOfEverySubset) {
  // K_n with both directions: a cycle for each subset of k >= 2 nodes and each
  // cyclic order of it, C(n, k) * (k - 1)!; 84 for K5.
  for (int n = 1; n <= 6; ++n) {
    uint64_t expected = 0;
    for (int k = 2; k <= n; ++k) {
      uint64_t subsets = 1, orders = 1;
      for (int i = 0; i < k; ++i) subsets = subsets * (n - i) / (i + 1);
      for (int i = 2; i < k; ++i) orders *= i;
      expected += subsets * orders;
    }
    const Graph g = Complete(n);
    const Cycles cycles = All(g);
    EXPECT_EQ(cycles.size(), expected) << "K" << n;
    EXPECT_EQ(cycles, BruteForce(g)) << "K" << n;
  }
  EXPECT_EQ(All(Complete(5)).size(), 84u);
}

TEST(ElementaryCyclesTest, StopsAtMaxCyclesWithTheFirstOnes) {
  const Graph g = Complete(5);
  const Cycles all = All(g);
  bool truncated = false;
  const Cycles first = FindElementaryCycles(g, {10, UINT64_MAX}, &truncated);
  EXPECT_TRUE(truncated);
  EXPECT_EQ(first, Cycles(all.begin(), all.begin() + 10));
  // Reaching the limit counts as stopping at it, even with nothing left.
  EXPECT_EQ(FindElementaryCycles(g, {84, UINT64_MAX}, &truncated).size(), 84u);
  EXPECT_TRUE(truncated);
  EXPECT_EQ(FindElementaryCycles(g, {85, UINT64_MAX}, &truncated).size(), 84u);
  EXPECT_FALSE(truncated);
}

TEST(ElementaryCyclesTest, StopsAtMaxStepsAndSaysSo) {
  // K30 has more than 10^31 cycles.
  const Graph g = Complete(30);
  bool truncated = false;
  const Cycles some = FindElementaryCycles(g, {SIZE_MAX, 100'000}, &truncated);
  EXPECT_TRUE(truncated);
  EXPECT_FALSE(some.empty());
  ElementaryCycleFinder finder(g, 100'000);
  std::vector<int> cycle;
  size_t count = 0;
  while (finder.Next(&cycle)) ++count;
  EXPECT_EQ(count, some.size());
  EXPECT_TRUE(finder.out_of_steps());
  // Overshoot is at most one step's worth of work (a node's edges).
  EXPECT_LT(finder.steps(), 100'000u + 1'000u);
  EXPECT_FALSE(finder.Next(&cycle));  // and stays stopped
}

TEST(ElementaryCyclesTest, LargeDenseGraphReturnsPromptlyWithTheDefaultBudget) {
  const Graph g = Complete(300);
  const auto begin = std::chrono::steady_clock::now();
  bool truncated = false;
  const Cycles cycles = FindElementaryCycles(g, {SIZE_MAX, kDefaultCycleSearchSteps}, &truncated);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  EXPECT_TRUE(truncated);
  EXPECT_FALSE(cycles.empty());
  // About a second in an optimized build; generous for debug and sanitizer
  // builds on a loaded machine. Without the budget it would never return.
  EXPECT_LT(seconds, 60.0);
}

TEST(ElementaryCyclesTest, LongRingIsFoundInLinearTimeWithoutRecursion) {
  const int n = 200'000;
  Graph g(n + 1);
  for (int i = 0; i < n; ++i) g[i] = {(i + 1) % n};
  g[n] = {0};  // leads into the ring, is not on it
  ElementaryCycleFinder finder(g, UINT64_MAX);
  std::vector<int> cycle;
  ASSERT_TRUE(finder.Next(&cycle));
  EXPECT_EQ(cycle.size(), static_cast<size_t>(n));
  EXPECT_EQ(cycle.front(), 0);
  EXPECT_EQ(cycle.back(), n - 1);
  EXPECT_FALSE(finder.Next(&cycle));
  EXPECT_FALSE(finder.out_of_steps());
  EXPECT_LT(finder.steps(), 20u * (n + 1));  // linear, not quadratic
}

TEST(ElementaryCyclesTest, AgreesWithExhaustiveSearchOnRandomGraphs) {
  std::mt19937 rng(20261203);
  for (int round = 0; round < 2000; ++round) {
    const int n = 1 + static_cast<int>(rng() % 8);
    const double density = 0.05 + 0.5 * static_cast<double>(rng() % 1000) / 1000.0;
    std::bernoulli_distribution has_edge(density);
    Graph g(n);
    for (int a = 0; a < n; ++a) {
      for (int b = 0; b < n; ++b) {
        if (has_edge(rng)) g[a].push_back(b);
      }
      std::shuffle(g[a].begin(), g[a].end(), rng);
    }
    ASSERT_EQ(All(g), BruteForce(g)) << "round " << round;
  }
}

}  // namespace
}  // namespace lockgraph::graphs
