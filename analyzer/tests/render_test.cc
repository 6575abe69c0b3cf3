// Renderers: the contract shape of the JSON, what the text says first, and
// that DOT/HTML are well-formed enough for their consumers.
#include "render/render.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "subprocess.h"
#include "test_util.h"

namespace lockgraph::analyzer {
namespace {

std::vector<Analysis> One(const std::string& fixture) {
  std::vector<Analysis> v;
  v.push_back(testing::AnalyzeFixture(fixture));
  return v;
}

TEST(RenderTest, JsonCyclesAreListsOfLwpAndLock) {
  std::ostringstream out;
  RenderJson(One("gdb_capture_join_cycle.txt"), out);
  nlohmann::json j = nlohmann::json::parse(out.str());
  ASSERT_TRUE(j["cycles"].is_array());
  ASSERT_EQ(j["cycles"].size(), 1u);
  bool saw_null_lock = false, saw_address = false;
  for (const auto& step : j["cycles"][0]) {
    EXPECT_TRUE(step["lwp"].is_number_integer());
    ASSERT_TRUE(step.contains("lock"));
    if (step["lock"].is_null()) saw_null_lock = true;  // the join
    if (step["lock"].is_string()) {
      saw_address = true;
      EXPECT_EQ(step["lock"], "0x5612f0a0c0a0");
    }
  }
  EXPECT_TRUE(saw_null_lock && saw_address);
  EXPECT_EQ(j["deadlock"], true);
}

TEST(RenderTest, JsonForSeveralDumpsMergesCycles) {
  std::vector<Analysis> v;
  v.push_back(testing::AnalyzeFixture("gdb_capture_abba.txt"));
  v.push_back(testing::AnalyzeFixture("gdb_contract_join.txt"));
  v.push_back(testing::AnalyzeFixture("gdb_capture_self_deadlock.txt"));
  std::ostringstream out;
  RenderJson(v, out);
  nlohmann::json j = nlohmann::json::parse(out.str());
  EXPECT_EQ(j["cycles"].size(), 2u);
  EXPECT_EQ(j["dumps"].size(), 3u);
  EXPECT_EQ(j["cycles"][1][0]["dump"], "gdb_capture_self_deadlock.txt");
}

TEST(RenderTest, TextStartsWithTheVerdict) {
  std::ostringstream out;
  RenderText(One("gdb_capture_3cycle_blocked.txt"), out);
  std::string s = out.str();
  EXPECT_EQ(s.rfind("lockgraph: deadlock: 1 cycle among 3 threads, 3 more blocked behind", 0), 0u)
      << s;
  EXPECT_NE(s.find("cache::Shard::MoveTo at shard.cc:77"), std::string::npos);
  EXPECT_NE(s.find("blocked behind the cycle"), std::string::npos);
  EXPECT_NE(s.find("3 threads [condvar]"), std::string::npos);
}

TEST(RenderTest, DotMarksCycleEdgesAndUnknownOwners) {
  std::ostringstream cycle, unknown;
  RenderDot(One("gdb_capture_abba.txt"), cycle);
  EXPECT_EQ(cycle.str().rfind("digraph waitfor {", 0), 0u);
  EXPECT_NE(cycle.str().find("color=red"), std::string::npos);
  RenderDot(One("gdb_bt_full_no_owners.txt"), unknown);
  EXPECT_NE(unknown.str().find("owner unknown"), std::string::npos);
  EXPECT_EQ(unknown.str().find("color=red"), std::string::npos);
}

TEST(RenderTest, SvgAndHtml) {
  std::ostringstream dot;
  auto v = One("gdb_capture_abba.txt");
  RenderDot(v, dot);
  std::string svg, error;
  if (!InPath("dot")) GTEST_SKIP() << "Graphviz dot is not installed";
  ASSERT_TRUE(DotToSvg(dot.str(), &svg, &error)) << error;
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  std::ostringstream html;
  RenderHtml(v, svg, html);
  std::string h = html.str();
  EXPECT_EQ(h.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(h.find("<svg"), std::string::npos);
  EXPECT_EQ(h.find("<?xml"), std::string::npos);
  EXPECT_EQ(h.find("<script"), std::string::npos);
  EXPECT_NE(h.find("&lt;b&gt;"), std::string::npos);  // lock symbols escaped
}

TEST(RenderTest, BrokenDotIsAnErrorNotACrash) {
  std::string svg, error;
  if (!InPath("dot")) GTEST_SKIP() << "Graphviz dot is not installed";
  EXPECT_FALSE(DotToSvg("digraph { this is not dot", &svg, &error));
  EXPECT_NE(error.find("Graphviz dot failed"), std::string::npos) << error;
}

}  // namespace
}  // namespace lockgraph::analyzer
