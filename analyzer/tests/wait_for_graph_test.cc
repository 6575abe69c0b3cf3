// Cycle enumeration: every elementary cycle exactly once, any length, no
// recursion limits.
#include "wait_for_graph.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <vector>

namespace lockgraph::analyzer {
namespace {

using Cycles = std::vector<std::vector<int>>;

TEST(WaitForGraphTest, NoEdgesNoCycles) {
  WaitForGraph g(5);
  g.AddEdge(0, 1);
  g.AddEdge(1, 2);
  EXPECT_TRUE(g.Cycles().empty());
}

TEST(WaitForGraphTest, TwoAndThreeCyclesAndSelfLoop) {
  WaitForGraph g(7);
  g.AddEdge(0, 1);
  g.AddEdge(1, 0);  // 2-cycle
  g.AddEdge(2, 3);
  g.AddEdge(3, 4);
  g.AddEdge(4, 2);  // 3-cycle
  g.AddEdge(5, 5);  // self-deadlock
  g.AddEdge(6, 2);  // blocked behind the 3-cycle
  g.AddEdge(0, 1);  // duplicate
  Cycles c = g.Cycles();
  EXPECT_EQ(c, (Cycles{{0, 1}, {2, 3, 4}, {5}}));
  std::vector<int> reach = g.ReachingCycle(c);
  EXPECT_EQ(reach, (std::vector<int>{0, 0, 1, 1, 1, 2, 1}));
}

TEST(WaitForGraphTest, OverlappingCyclesAreAllReported) {
  // 0 -> 1 -> 0 and 0 -> 2 -> 0 share node 0 (a writer waiting for two
  // readers that each wait for it), plus 1 -> 2 -> 0 -> 1.
  WaitForGraph g(3);
  g.AddEdge(0, 1);
  g.AddEdge(0, 2);
  g.AddEdge(1, 0);
  g.AddEdge(2, 0);
  g.AddEdge(1, 2);
  Cycles c = g.Cycles();
  std::set<std::vector<int>> got(c.begin(), c.end());
  EXPECT_EQ(got, (std::set<std::vector<int>>{{0, 1}, {0, 2}, {0, 1, 2}}));
  EXPECT_EQ(c.size(), 3u);
}

TEST(WaitForGraphTest, CompleteGraphHasTheKnownNumberOfCycles) {
  // K4 has C(4,2)*1 + C(4,3)*2 + C(4,4)*6 = 6 + 8 + 6 = 20 elementary cycles.
  WaitForGraph g(4);
  for (int a = 0; a < 4; ++a) {
    for (int b = 0; b < 4; ++b) {
      if (a != b) g.AddEdge(a, b);
    }
  }
  EXPECT_EQ(g.Cycles().size(), 20u);
  bool truncated = false;
  EXPECT_EQ(g.Cycles(7, &truncated).size(), 7u);
  EXPECT_TRUE(truncated);
}

TEST(WaitForGraphTest, HundredThousandLongCycleDoesNotOverflowTheStack) {
  const int n = 100000;
  WaitForGraph g(n + 1);
  for (int i = 0; i < n; ++i) g.AddEdge(i, (i + 1) % n);
  g.AddEdge(n, 0);
  Cycles c = g.Cycles();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].size(), static_cast<size_t>(n));
  EXPECT_EQ(g.ReachingCycle(c)[n], 0);
}

}  // namespace
}  // namespace lockgraph::analyzer
