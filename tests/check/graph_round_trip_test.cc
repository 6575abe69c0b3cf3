// The library's writer and the analyzer's reader agree on every field: a
// snapshot formatted as a graph file (FormatGraphJson) reads back
// (LoadGraphFile) into the values it was made of, with strings that need
// escaping and numbers at their limits.
#include <gtest/gtest.h>
#include <unistd.h>

#include <climits>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "graphs/graph_file.h"
#include "internal/graph_file_spec.h"
#include "internal/graph_format.h"
#include "internal/graph_snapshot.h"

namespace lockgraph::graphs {
namespace {

using internal::GraphSnapshot;

constexpr uint64_t kMax = UINT64_MAX;

StackFrame MakeFrame(uintptr_t pc, std::string function, std::string file, int line, bool inlined) {
  StackFrame f;
  f.pc = pc;
  f.function = std::move(function);
  f.file = std::move(file);
  f.line = line;
  f.module = "/not/written.so";
  f.inlined = inlined;
  return f;
}

GraphSnapshot FullSnapshot() {
  GraphSnapshot s;
  s.pid = INT_MAX;
  s.program = "/opt/app dir/\"quoted\" \\ back";
  s.classes = {{"cache.shard", "cache.cc:10", "Cache::Cache()", kMax},
               {"line\nbreak\ttab\x01 ctrl\x7f", "x.cc:1", "", 0},
               {"клю\xc3\xa7 \xf0\x9f\x94\x92", "", "ns::F<std::pair<int, char>>()", 3}};
  GraphSnapshot::Edge same;
  same.from = same.to = 0;
  same.modes = 0b1111;
  same.instance_edges = kMax;
  same.ranked = true;
  same.thread = {-1, "worker \"1\""};
  same.stack = 0;
  GraphSnapshot::Edge unranked = same;
  unranked.from = unranked.to = 1;
  unranked.ranked = false;
  unranked.modes = 0b0100;
  unranked.stack = 1;
  GraphSnapshot::Edge other;
  other.from = 2;
  other.to = 0;
  other.modes = 0b1000;
  other.stack = 2;
  GraphSnapshot::Edge shares_a_stack = other;
  shares_a_stack.to = 1;
  s.edges = {same, unranked, other, shares_a_stack};
  s.stacks = {{{UINTPTR_MAX},
               {MakeFrame(UINTPTR_MAX, "Inlined()", "a.h", INT_MAX, true),
                MakeFrame(UINTPTR_MAX, "Caller()", "a.cc", 0, false)}},
              {{}, {}},
              {{0}, {MakeFrame(0, "", "", 0, false)}}};
  s.cycles = {{0, 2}, {1}};
  s.reports = {{ReportKind::kLockOrderInversion, {0, 2}, kMax},
               {ReportKind::kHeldAtFork, {1}, 1},
               {ReportKind::kLongHold, {}, 0}};
  const LockProfile p{
      .name = s.classes[2].name,
      .site = "p.cc:9",
      .acquisitions = kMax,
      .contended = 1,
      .wait_total_ns = 2,
      .wait_max_ns = 3,
      .holds = 4,
      .hold_total_ns = 5,
      .hold_max_ns = 6,
      .long_waits = 7,
      .long_holds = 8,
      .wait_histogram = std::vector<uint64_t>(internal::kGraphHistogramMaxBuckets, kMax),
      .hold_histogram = {0, 1}};
  s.profile = {p, LockProfile{}};
  s.stats = {.live_nodes = kMax,
             .live_edges = 1,
             .stacks = 2,
             .slow_path_calls = 3,
             .dropped_edges = 4,
             .memory_bytes = 5};
  return s;
}

// What the reader must return for `s`: the same values, classes by name.
GraphFile Expected(const GraphSnapshot& s) {
  GraphFile g;
  g.format = "lockgraph-graph";
  g.version = 1;
  g.pid = s.pid;
  g.program = s.program;
  const auto name = [&](uint32_t c) { return s.classes[c].name; };
  for (const GraphSnapshot::Class& c : s.classes) {
    g.classes.push_back({c.name, c.site, c.function, c.instances});
  }
  for (const GraphSnapshot::Edge& e : s.edges) {
    GraphEdge out{name(e.from), name(e.to)};
    for (size_t c = 0; c < internal::kEdgeModeNames.size(); ++c) {
      if (e.modes & (1u << c)) out.modes.emplace_back(internal::kEdgeModeNames[c]);
    }
    out.instance_edges = e.instance_edges;
    out.same_class = e.from == e.to;
    out.ranked = out.same_class && e.ranked;
    out.thread = {e.thread.tid, e.thread.name};
    for (const StackFrame& f : s.stacks[e.stack].frames) {
      char pc[32];
      std::snprintf(pc, sizeof(pc), "0x%zx", static_cast<size_t>(f.pc));
      out.stack.push_back({pc, f.function, f.file, f.line, f.inlined});
    }
    g.edges.push_back(std::move(out));
  }
  for (const std::vector<uint32_t>& cycle : s.cycles) {
    g.cycles.emplace_back();
    for (uint32_t c : cycle) g.cycles.back().push_back(name(c));
  }
  for (const GraphSnapshot::Report& r : s.reports) {
    GraphReport out{ReportKindName(r.kind), {}, r.count};
    for (uint32_t c : r.locks) out.locks.push_back(name(c));
    g.reports.push_back(std::move(out));
  }
  for (const LockProfile& p : s.profile) {
    g.profile.push_back({p.name, p.site, p.acquisitions, p.contended, p.wait_total_ns,
                         p.wait_max_ns, p.holds, p.hold_total_ns, p.hold_max_ns, p.long_waits,
                         p.long_holds, p.wait_histogram, p.hold_histogram});
  }
  g.stats = {s.stats.live_nodes,      s.stats.live_edges,    s.stats.stacks,
             s.stats.slow_path_calls, s.stats.dropped_edges, s.stats.memory_bytes};
  return g;
}

// FormatGraphJson's text written to a file and loaded as `lockgraph check` would.
GraphFile WriteAndLoad(const GraphSnapshot& s) {
  const std::string path =
      ::testing::TempDir() + "round_trip." + std::to_string(getpid()) + ".json";
  std::ofstream(path, std::ios::binary) << internal::FormatGraphJson(s);
  GraphFile g;
  std::string error;
  EXPECT_TRUE(LoadGraphFile(path, &g, &error)) << error;
  std::remove(path.c_str());
  return g;
}

void ExpectSameValues(const GraphFile& read, const GraphFile& want) {
  EXPECT_EQ(read.format, want.format);
  EXPECT_EQ(read.version, want.version);
  EXPECT_EQ(read.pid, want.pid);
  EXPECT_EQ(read.program, want.program);
  EXPECT_EQ(read.classes, want.classes);
  EXPECT_EQ(read.edges, want.edges);
  EXPECT_EQ(read.cycles, want.cycles);
  EXPECT_EQ(read.reports, want.reports);
  EXPECT_EQ(read.profile, want.profile);
  EXPECT_EQ(read.stats, want.stats);
}

TEST(GraphRoundTripTest, EveryFieldComesBackUnchanged) {
  const GraphSnapshot s = FullSnapshot();
  ExpectSameValues(WriteAndLoad(s), Expected(s));
}

TEST(GraphRoundTripTest, EmptyGraphComesBack) {
  const GraphSnapshot s;
  const GraphFile read = WriteAndLoad(s);
  ExpectSameValues(read, Expected(s));
  EXPECT_TRUE(read.classes.empty());
}

// The one change on the way: bytes that are not UTF-8 (a Latin-1 path, a
// name cut inside a character) become U+FFFD, so the file stays JSON.
TEST(GraphRoundTripTest, InvalidUtf8ComesBackAsReplacementCharacters) {
  GraphSnapshot s;
  s.program = "/tmp/caf\xe9";
  s.classes = {{"cut \xd0", "s\xff.cc:1", "", 1}};
  const GraphFile read = WriteAndLoad(s);
  EXPECT_EQ(read.program, "/tmp/caf\xef\xbf\xbd");
  ASSERT_EQ(read.classes.size(), 1u);
  EXPECT_EQ(read.classes[0].name, "cut \xef\xbf\xbd");
  EXPECT_EQ(read.classes[0].site, "s\xef\xbf\xbd.cc:1");
}

}  // namespace
}  // namespace lockgraph::graphs
