// The merged lock-order graph: cycles across runs, the read/write rule,
// blessed pairs and baselines. Reading graph files: graph_file_test.cc.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "graphs/baseline.h"
#include "graphs/merged_graph.h"

namespace lockgraph::graphs {
namespace {

GraphEdge Edge(const std::string& from, const std::string& to,
               const std::string& mode = "exclusive->exclusive") {
  GraphEdge e;
  e.from = from;
  e.to = to;
  e.modes = {mode};
  e.same_class = from == to;
  return e;
}

GraphFile MakeRun(const std::string& path, std::vector<GraphEdge> edges) {
  GraphFile g;
  g.path = path;
  g.edges = std::move(edges);
  return g;
}

std::vector<std::string> Keys(const MergedGraph& g, MergedGraph::CycleOptions o = {}) {
  bool truncated = false;
  std::vector<std::string> keys;
  for (const Cycle& c : g.Cycles(o, &truncated)) keys.push_back(c.Key());
  return keys;
}

TEST(MergedGraphTest, InversionSplitAcrossTwoRunsIsFound) {
  GraphFile a = MakeRun("a.json", {Edge("cache", "stats")});
  GraphFile b = MakeRun("b.json", {Edge("stats", "cache")});
  MergedGraph g;
  g.Add(a);
  EXPECT_TRUE(Keys(g).empty());
  g.Add(b);
  ASSERT_EQ(Keys(g), std::vector<std::string>{"cache -> stats -> cache"});
  bool truncated = false;
  const Cycle c = g.Cycles({}, &truncated).front();
  ASSERT_EQ(c.edges.size(), 2u);
  EXPECT_EQ(c.edges[0]->runs, std::vector<size_t>{0});
  EXPECT_EQ(c.edges[1]->runs, std::vector<size_t>{1});
}

TEST(MergedGraphTest, EveryElementaryCycleIsListed) {
  GraphFile f = MakeRun("f.json", {Edge("a", "b"), Edge("b", "c"), Edge("c", "a"), Edge("b", "a"),
                                   Edge("c", "d"), Edge("d", "b")});
  MergedGraph g;
  g.Add(f);
  const std::vector<std::string> keys = Keys(g);
  EXPECT_EQ(keys.size(), 3u);  // a-b-a, a-b-c-a, b-c-d-b
  EXPECT_NE(std::find(keys.begin(), keys.end(), "a -> b -> c -> a"), keys.end());
  EXPECT_NE(std::find(keys.begin(), keys.end(), "b -> c -> d -> b"), keys.end());
}

TEST(MergedGraphTest, ReadersDoNotDeadlockEachOther) {
  GraphFile f =
      MakeRun("f.json", {Edge("a", "b", "shared->shared"), Edge("b", "a", "shared->shared")});
  MergedGraph g;
  g.Add(f);
  EXPECT_TRUE(Keys(g).empty());
  GraphFile w = MakeRun("w.json", {Edge("b", "a", "exclusive->exclusive")});
  g.Add(w);
  EXPECT_EQ(Keys(g).size(), 1u);
}

TEST(MergedGraphTest, ReadersDeadlockWhereTheyQueueBehindWriters) {
  GraphFile f =
      MakeRun("f.json", {Edge("a", "b", "shared->shared"), Edge("b", "a", "shared->shared")});
  GraphClass a{"a", "a.cc:1", "", 1, /*writer_preferring=*/true};
  f.classes.push_back(a);
  MergedGraph one;
  one.Add(f);
  EXPECT_TRUE(Keys(one).empty()) << "at b a second reader still gets in";
  GraphFile other = MakeRun("g.json", {});
  other.classes.push_back(GraphClass{"b", "b.cc:1", "", 1, /*writer_preferring=*/true});
  one.Add(other);  // marked in another run: a class is writer-preferring in every run
  EXPECT_EQ(Keys(one), std::vector<std::string>{"a -> b -> a"});

  MergedGraph plain;
  GraphFile p =
      MakeRun("p.json", {Edge("a", "b", "shared->shared"), Edge("b", "a", "shared->shared")});
  plain.Add(p);
  MergedGraph::CycleOptions o;
  o.prefer_writers = true;  // check --prefer-writers
  EXPECT_EQ(Keys(plain, o), std::vector<std::string>{"a -> b -> a"});
}

TEST(MergedGraphTest, BlessedPairIsIgnored) {
  GraphFile f = MakeRun("f.json", {Edge("log", "cache"), Edge("cache", "log")});
  MergedGraph g;
  g.Add(f);
  g.Bless("log", "cache");
  EXPECT_TRUE(Keys(g).empty());
}

TEST(MergedGraphTest, SameClassNestingCountsOnlyWhenAskedAndUnranked) {
  GraphEdge ranked = Edge("shard", "shard");
  ranked.ranked = true;
  GraphFile f = MakeRun("f.json", {ranked, Edge("row", "row")});
  MergedGraph g;
  g.Add(f);
  EXPECT_TRUE(Keys(g).empty());
  MergedGraph::CycleOptions o;
  o.same_class = true;
  EXPECT_EQ(Keys(g, o), std::vector<std::string>{"row -> row"});
}

// Every order between `classes` classes c0, c1, ...: a complete graph.
std::vector<GraphEdge> EveryOrder(int classes, const std::string& mode) {
  std::vector<GraphEdge> edges;
  for (int i = 0; i < classes; ++i) {
    for (int j = 0; j < classes; ++j) {
      if (i != j) edges.push_back(Edge("c" + std::to_string(i), "c" + std::to_string(j), mode));
    }
  }
  return edges;
}

TEST(MergedGraphTest, EnumerationStopsAtItsLimit) {
  // A complete graph on 8 classes has thousands of elementary cycles.
  GraphFile f = MakeRun("f.json", EveryOrder(8, "exclusive->exclusive"));
  MergedGraph g;
  g.Add(f);
  MergedGraph::CycleOptions o;
  o.max_cycles = 100;
  bool truncated = false;
  EXPECT_EQ(g.Cycles(o, &truncated).size(), 100u);
  EXPECT_TRUE(truncated);
}

TEST(MergedGraphTest, CyclesComeSortedByClassNames) {
  // Two components whose names interleave: {a, c, d} with cycles from a and
  // from c, and {b, e}.
  GraphFile f = MakeRun("f.json", {Edge("d", "c"), Edge("c", "d"), Edge("a", "c"), Edge("c", "a"),
                                   Edge("e", "b"), Edge("b", "e")});
  MergedGraph g;
  g.Add(f);
  EXPECT_EQ(Keys(g), (std::vector<std::string>{"a -> c -> a", "b -> e -> b", "c -> d -> c"}));
}

// The cycle search over one run of `edges`, with a budget of `max_steps`.
struct Search {
  size_t cycles = 0;
  bool truncated = false;
};
Search SearchWithin(const std::vector<GraphEdge>& edges, uint64_t max_steps) {
  GraphFile f = MakeRun("f.json", edges);
  MergedGraph g;
  g.Add(f);
  MergedGraph::CycleOptions o;
  o.max_steps = max_steps;
  Search s;
  s.cycles = g.Cycles(o, &s.truncated).size();
  return s;
}

TEST(MergedGraphTest, DenseGraphOfReadersHasNoCycleAndNeedsNoSearch) {
  // Every order of 12 classes, all shared: over 10^8 cycles, none a deadlock,
  // and none searched (a budget of 1,000 steps would otherwise cut it short).
  const Search s = SearchWithin(EveryOrder(12, "shared->shared"), 1000);
  EXPECT_EQ(s.cycles, 0u);
  EXPECT_FALSE(s.truncated);
}

TEST(MergedGraphTest, ReadersLeftOutInCascade) {
  // Each class is taken exclusively only by the next one up, always in shared
  // mode; the top class blocks nobody, so neither does the one below it, and so
  // on down: nothing is left to search.
  std::vector<GraphEdge> edges = EveryOrder(10, "shared->shared");
  for (int i = 0; i + 1 < 10; ++i) {
    edges.push_back(Edge("c" + std::to_string(i), "c" + std::to_string(i + 1), "exclusive->shared"));
  }
  const Search s = SearchWithin(edges, 1000);
  EXPECT_EQ(s.cycles, 0u);
  EXPECT_FALSE(s.truncated);
}

TEST(MergedGraphTest, OneWriterAmongReadersIsStillFound) {
  // The readers are left out, the cycle through the one exclusive pair is not.
  std::vector<GraphEdge> edges = EveryOrder(6, "shared->shared");
  edges.push_back(Edge("w", "c0", "exclusive->exclusive"));
  edges.push_back(Edge("c0", "w", "exclusive->exclusive"));
  GraphFile f = MakeRun("f.json", edges);
  MergedGraph g;
  g.Add(f);
  EXPECT_EQ(Keys(g), (std::vector<std::string>{"c0 -> w -> c0"}));
}

TEST(MergedGraphTest, DenseGraphOfWritersStopsAtTheWorkBudget) {
  // Every order of 12 classes, exclusive: cycles everywhere, more than any
  // budget enumerates.
  const Search s = SearchWithin(EveryOrder(12, "exclusive->exclusive"), 10'000);
  EXPECT_GT(s.cycles, 0u);
  EXPECT_LT(s.cycles, MergedGraph::CycleOptions{}.max_cycles);
  EXPECT_TRUE(s.truncated);
}

TEST(BaselineTest, AcceptsACycleInAnyRotation) {
  Baseline b;
  b.accepted.push_back({CanonicalCycle({"stats", "cache"}), "only at shutdown"});
  Cycle c;
  c.classes = {"cache", "stats"};
  EXPECT_TRUE(b.Accepts(c.classes));
}

std::string WriteTemp(const std::string& text) {
  char path[] = "/tmp/lockgraph_graphs_test_XXXXXX";
  const int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  FILE* f = fdopen(fd, "w");
  std::fputs(text.c_str(), f);
  std::fclose(f);
  return path;
}

TEST(BaselineTest, EveryEntryNeedsAReason) {
  const std::string path = WriteTemp(R"({"version": 1, "accepted": [{"cycle": ["a", "b"]}]})");
  Baseline b;
  std::string error;
  EXPECT_FALSE(LoadBaseline(path, &b, &error));
  EXPECT_NE(error.find("has no \"reason\""), std::string::npos) << error;
  std::remove(path.c_str());
}

TEST(BaselineTest, SaveThenLoadRoundTrips) {
  Baseline b;
  b.accepted.push_back({{"a", "b"}, "reviewed"});
  b.blessed.push_back({"log", "cache", "try_lock only"});
  const std::string path = WriteTemp("");
  std::string error;
  ASSERT_TRUE(SaveBaseline(path, b, &error)) << error;
  Baseline loaded;
  ASSERT_TRUE(LoadBaseline(path, &loaded, &error)) << error;
  ASSERT_EQ(loaded.accepted.size(), 1u);
  EXPECT_EQ(loaded.accepted[0].reason, "reviewed");
  ASSERT_EQ(loaded.blessed.size(), 1u);
  EXPECT_EQ(loaded.blessed[0].to, "cache");
  std::remove(path.c_str());
}

}  // namespace
}  // namespace lockgraph::graphs
