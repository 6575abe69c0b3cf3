// Report renderings and the exported graph, checked by parsing them.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "lockgraph/mutex.h"
#include "report_collector.h"

namespace lockgraph {
namespace {

using testing::ReportCollector;
using testing::RunInThread;

Report MakeInversion(const char* first, const char* second) {
  ReportCollector collector;
  Mutex a{first}, b{second};
  testing::TakeBothWays(a, b);
  auto reports = collector.reports();
  EXPECT_EQ(reports.size(), 1u);
  return reports.empty() ? Report{} : reports[0];
}

TEST(ReportsTest, TextStartsWithLockgraphAndTellsTheScenario) {
  const Report r = MakeInversion("text.first", "text.second");
  const std::string text = FormatText(r);
  EXPECT_EQ(text.rfind("lockgraph: potential deadlock (lock-order inversion) between ", 0), 0u)
      << text;
  EXPECT_NE(text.find("How this deadlocks"), std::string::npos);
  EXPECT_NE(text.find("holds \"text.first\" (exclusive) and waits for \"text.second\""),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("holds \"text.second\" (exclusive) and waits for \"text.first\""),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("reports_test.cc:"), std::string::npos) << text;
}

// A cycle whose orders one thread took both of: reported (another thread may
// run one of the paths later), with what to do if that cannot happen.
TEST(ReportsTest, ACycleOfOneThreadIsReportedAndSaysSo) {
  ReportCollector collector;
  Mutex a{"one_thread.a"}, b{"one_thread.b"};
  RunInThread([&] {
    {
      std::lock_guard la(a);
      std::lock_guard lb(b);
    }
    std::lock_guard lb(b);
    std::lock_guard la(a);
  });
  const std::vector<Report> got = collector.reports(ReportKind::kLockOrderInversion);
  ASSERT_EQ(got.size(), 1u);
  const std::string text = FormatText(got[0]);
  EXPECT_NE(text.find("Every order of this cycle was first taken by one thread"), std::string::npos)
      << text;
  const Report two = MakeInversion("two_threads.a", "two_threads.b");
  EXPECT_EQ(FormatText(two).find("first taken by one thread"), std::string::npos);
}

// A gate lock: both orders taken while holding one outer lock, which keeps
// the two paths from running at once. Reported (the next path may not take
// the gate), naming the gate and what to do.
TEST(ReportsTest, ACycleUnderAGateLockIsReportedAndNamesTheGate) {
  ReportCollector collector;
  Mutex gate{"gated.gate"}, a{"gated.a"}, b{"gated.b"};
  RunInThread([&] {
    std::lock_guard g(gate);
    std::lock_guard la(a);
    std::lock_guard lb(b);
  });
  RunInThread([&] {
    std::lock_guard g(gate);
    std::lock_guard lb(b);
    std::lock_guard la(a);
  });
  const std::vector<Report> got = collector.reports(ReportKind::kLockOrderInversion);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].gate, "gated.gate");
  const std::string text = FormatText(got[0]);
  EXPECT_NE(text.find("Every order of this cycle was taken while holding \"gated.gate\""),
            std::string::npos)
      << text;
  EXPECT_EQ(nlohmann::json::parse(FormatJson(got[0]))["gate"], "gated.gate");

  // One order under the gate, the other without it: no gate to name.
  Mutex gate2{"ungated.gate"}, c{"ungated.c"}, d{"ungated.d"};
  RunInThread([&] {
    std::lock_guard g(gate2);
    std::lock_guard lc(c);
    std::lock_guard ld(d);
  });
  RunInThread([&] {
    std::lock_guard ld(d);
    std::lock_guard lc(c);
  });
  const std::vector<Report> both = collector.reports(ReportKind::kLockOrderInversion);
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[1].gate, "");
  EXPECT_EQ(FormatText(both[1]).find("cycle was taken while holding"), std::string::npos);
}

TEST(ReportsTest, JsonParsesAndNamesTheCycle) {
  const Report r = MakeInversion("json.first", "json.second");
  const nlohmann::json j = nlohmann::json::parse(FormatJson(r));
  EXPECT_EQ(j["kind"], "lock-order-inversion");
  ASSERT_EQ(j["cycle"].size(), 2u);
  std::set<std::string> names = {j["cycle"][0], j["cycle"][1]};
  EXPECT_EQ(names, (std::set<std::string>{"json.first", "json.second"}));
  ASSERT_EQ(j["edges"].size(), 2u);
  for (const auto& e : j["edges"]) {
    EXPECT_FALSE(e["stack"].empty());
    EXPECT_TRUE(e["thread"]["tid"].is_number_integer());
  }
}

TEST(ReportsTest, DotIsAGraphOfTheCycle) {
  const Report r = MakeInversion("dot.first", "dot.second");
  const std::string dot = FormatDot(r);
  EXPECT_EQ(dot.rfind("digraph", 0), 0u);
  EXPECT_NE(dot.find("n0 -> n1"), std::string::npos);
  EXPECT_NE(dot.find("n1 -> n0"), std::string::npos);
  EXPECT_NE(dot.find("dot.first"), std::string::npos);
}

TEST(ReportsTest, GraphJsonHasClassesEdgesAndCycles) {
  MakeInversion("graph.first", "graph.second");
  const nlohmann::json g = nlohmann::json::parse(GraphJson());
  ASSERT_TRUE(g.contains("classes"));
  ASSERT_TRUE(g.contains("edges"));
  ASSERT_TRUE(g.contains("cycles"));
  bool has_class = false;
  for (const auto& c : g["classes"]) has_class |= c["name"] == "graph.first";
  EXPECT_TRUE(has_class);
  bool forward = false, backward = false;
  for (const auto& e : g["edges"]) {
    if (e["from"] == "graph.first" && e["to"] == "graph.second") {
      forward = true;
      EXPECT_FALSE(e["stack"].empty());
    }
    backward |= e["from"] == "graph.second" && e["to"] == "graph.first";
  }
  EXPECT_TRUE(forward && backward);
  bool cycle = false;
  for (const auto& c : g["cycles"]) {
    std::set<std::string> names(c.begin(), c.end());
    cycle |= names == std::set<std::string>{"graph.first", "graph.second"};
  }
  EXPECT_TRUE(cycle);
  EXPECT_NE(GraphDot().find("digraph"), std::string::npos);
}

TEST(ReportsTest, JsonParsesWhenALockNameIsNotUtf8) {
  // A name cut inside a character, and one in Latin-1: `lockgraph check`
  // refused the whole graph file as "not valid JSON".
  const Report r = MakeInversion("utf8.caf\xc3", "utf8.\xe9t\xe9");
  const std::string replaced = "utf8.caf\xef\xbf\xbd";
  const nlohmann::json j = nlohmann::json::parse(FormatJson(r));
  EXPECT_TRUE(j["cycle"][0] == replaced || j["cycle"][1] == replaced) << j.dump();
  const nlohmann::json g = nlohmann::json::parse(GraphJson());
  bool found = false;
  for (const auto& c : g["classes"]) found |= c["name"] == replaced;
  EXPECT_TRUE(found);
}

void TakeOrderThenExit(const char* graph_out) {
  Options o = CurrentOptions();
  o.graph_out = graph_out;
  o.mode = Mode::kReport;
  o.report_out = "/dev/null";
  Configure(o);
  Mutex a{"exit.a"};
  Mutex b{"exit.b"};
  RunInThread([&] {
    std::lock_guard la(a);
    std::lock_guard lb(b);
  });
  std::exit(0);
}

TEST(ReportsTest, GraphOutIsWrittenAtExit) {
  // "fast" forks without re-running the test, so the child sees this path.
  GTEST_FLAG_SET(death_test_style, "fast");
  char path[] = "/tmp/lockgraph_graph_out_XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  EXPECT_EXIT(TakeOrderThenExit(path), ::testing::ExitedWithCode(0), "");
  std::ifstream in(path);
  std::stringstream buf;
  buf << in.rdbuf();
  std::remove(path);
  const nlohmann::json g = nlohmann::json::parse(buf.str());
  bool found = false;
  for (const auto& e : g["edges"]) found |= e["from"] == "exit.a" && e["to"] == "exit.b";
  EXPECT_TRUE(found) << buf.str();
}

TEST(ReportsTest, ReportOutAppendsToAFile) {
  char path[] = "/tmp/lockgraph_report_out_XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  const Options saved = CurrentOptions();
  Options o = saved;
  o.mode = Mode::kReport;
  o.report_out = path;
  o.report_format = ReportFormat::kJson;
  Configure(o);
  Mutex a{"reportout.a"}, b{"reportout.b"};
  RunInThread([&] {
    std::lock_guard la(a);
    std::lock_guard lb(b);
  });
  RunInThread([&] {
    std::lock_guard lb(b);
    std::lock_guard la(a);
  });
  Configure(saved);
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  std::remove(path);
  const nlohmann::json j = nlohmann::json::parse(line);
  EXPECT_EQ(j["kind"], "lock-order-inversion");
}

}  // namespace
}  // namespace lockgraph
