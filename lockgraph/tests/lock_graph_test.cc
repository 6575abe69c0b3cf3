// The instance graph on its own: incremental order maintenance, cycles of any
// length, the read/write rule and node retirement.
#include "internal/lock_graph.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace lockgraph::internal {
namespace {

constexpr uint8_t kXX = 0;  // exclusive held, exclusive taken
constexpr uint8_t kSS = 3;  // shared held, shared taken

TEST(LockGraphTest, LongChainThenBackEdgeFindsTheWholeCycle) {
  LockGraph g;
  std::vector<NodeId> n;
  for (int i = 0; i < 100; ++i) n.push_back(g.AddNode({}));
  // Insert against the creation order so every insertion reorders.
  for (int i = 99; i > 0; --i) {
    auto r = g.AddEdge(n[i - 1], n[i], kXX, 1, 0);
    EXPECT_TRUE(r.is_new);
    EXPECT_TRUE(r.cycle.empty());
  }
  auto r = g.AddEdge(n[99], n[0], kXX, 2, 0);
  ASSERT_EQ(r.cycle.size(), 100u);
  EXPECT_EQ(r.cycle[0].from, n[99]);
  EXPECT_EQ(r.cycle[0].to, n[0]);
  for (size_t i = 1; i < r.cycle.size(); ++i) EXPECT_EQ(r.cycle[i].from, r.cycle[i - 1].to);
  EXPECT_EQ(r.cycle.back().to, n[99]);
}

TEST(LockGraphTest, KnownEdgeIsNotNew) {
  LockGraph g;
  NodeId a = g.AddNode({}), b = g.AddNode({});
  EXPECT_TRUE(g.AddEdge(a, b, kXX, 1, 0).is_new);
  EXPECT_FALSE(g.AddEdge(a, b, kXX, 1, 0).is_new);
  EXPECT_TRUE(g.HasEdge(a, b, kXX));
  EXPECT_FALSE(g.HasEdge(a, b, kSS));
}

TEST(LockGraphTest, SharedSharedCycleIsNotADeadlock) {
  LockGraph g;
  NodeId a = g.AddNode({}), b = g.AddNode({});
  EXPECT_TRUE(g.AddEdge(a, b, kSS, 1, 0).cycle.empty());
  EXPECT_TRUE(g.AddEdge(b, a, kSS, 1, 0).cycle.empty());
  // A third lock closing an exclusive cycle through the non-ordered edge.
  NodeId c = g.AddNode({});
  EXPECT_TRUE(g.AddEdge(a, c, kXX, 1, 0).cycle.empty());
  EXPECT_FALSE(g.AddEdge(c, a, kXX, 1, 0).cycle.empty());
}

TEST(LockGraphTest, CycleThroughAnEarlierCycleClosingEdgeIsFound) {
  LockGraph g;
  NodeId a = g.AddNode({}), b = g.AddNode({}), c = g.AddNode({});
  g.AddEdge(a, b, kXX, 1, 0);
  EXPECT_FALSE(g.AddEdge(b, a, kXX, 1, 0).cycle.empty());  // b->a kept outside the order
  g.AddEdge(a, c, kXX, 1, 0);
  // c -> b closes c -> b -> a -> c, which needs the edge b -> a.
  auto r = g.AddEdge(c, b, kXX, 1, 0);
  EXPECT_EQ(r.cycle.size(), 3u);
}

TEST(LockGraphTest, RetiredNodeTakesItsEdgesAndIdsAreNotReused) {
  LockGraph g;
  NodeId a = g.AddNode({}), b = g.AddNode({});
  g.AddEdge(a, b, kXX, 1, 0);
  g.RemoveNode(b);
  EXPECT_EQ(g.live_edges(), 0u);
  EXPECT_EQ(g.Find(b), nullptr);
  NodeId b2 = g.AddNode({});
  EXPECT_NE(b2, b);  // same slot, new generation
  EXPECT_TRUE(g.AddEdge(b2, a, kXX, 1, 0).cycle.empty());
  EXPECT_TRUE(g.AddEdge(a, b, kXX, 1, 0).cycle.empty());  // stale id: ignored
}

TEST(LockGraphTest, RandomDagsNeverReportAndBackEdgesAlwaysDo) {
  std::mt19937 rng(12345);
  for (int round = 0; round < 20; ++round) {
    LockGraph g;
    std::vector<NodeId> n;
    for (int i = 0; i < 60; ++i) n.push_back(g.AddNode({}));
    std::vector<int> perm(60);
    for (int i = 0; i < 60; ++i) perm[i] = i;
    std::shuffle(perm.begin(), perm.end(), rng);
    // Edges that respect a hidden order `perm` in random insertion order.
    std::vector<std::pair<int, int>> edges;
    for (int k = 0; k < 300; ++k) {
      int i = rng() % 59, j = i + 1 + rng() % (59 - i);
      edges.emplace_back(perm[i], perm[j]);
    }
    for (auto [x, y] : edges) EXPECT_TRUE(g.AddEdge(n[x], n[y], kXX, 1, 0).cycle.empty());
    // Any edge against the hidden order between connected nodes closes a cycle.
    auto [x, y] = edges[rng() % edges.size()];
    auto r = g.AddEdge(n[y], n[x], kXX, 1, 0);
    ASSERT_FALSE(r.cycle.empty());
    EXPECT_EQ(r.cycle.size(), 2u);
  }
}

}  // namespace
}  // namespace lockgraph::internal
