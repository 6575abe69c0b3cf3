// Reading graph files: every fixture under tests/testdata/graphs/good loads;
// every one under bad/ fails with a message that names the file, where the
// problem is, what was expected there and the schema. graph_schema_test.py
// checks the same fixtures against the schema, so reader and schema agree.
#include "graphs/graph_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace lockgraph::graphs {
namespace {

std::string Fixture(const std::string& name) {
  return std::string(LOCKGRAPH_GRAPH_TESTDATA) + "/" + name;
}

std::vector<std::string> FixturesIn(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(Fixture(dir))) {
    names.push_back(entry.path().stem().string());
  }
  return names;
}

bool EndsWith(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

struct BadFixture {
  const char* name;  // bad/NAME.json
  const char* message;
};

constexpr BadFixture kBadFixtures[] = {
    {"empty", ": the file is empty"},
    {"truncated", ": not valid JSON (truncated?"},
    {"not_an_object", ": not a lockgraph graph (expected a JSON object)"},
    {"other_format",
     ": not a lockgraph graph: format: expected \"lockgraph-graph\", found \"lockgraph-baseline\""},
    {"no_version", ": not a lockgraph graph (no \"version\""},
    {"version_is_a_string", ": version: expected 1, found \"1\""},
    {"version_2",
     ": graph format version 2, this lockgraph reads version 1 (written by a newer lockgraph)"},
    {"missing_stats", ": \"stats\" is missing (expected an object)"},
    {"missing_instance_edges",
     ": edges[0]: \"instance_edges\" is missing (expected an integer >= 0)"},
    {"tid_is_a_string", ": edges[0].thread.tid: expected an integer, found \"4243\""},
    {"negative_instances", ": classes[0].instances: expected an integer >= 0, found -1"},
    {"class_not_an_object", ": classes[0]: expected an object, found \"bank.accounts\""},
    {"unknown_mode",
     ": edges[0].modes[0]: expected one of \"exclusive->exclusive\", \"exclusive->shared\", "
     "\"shared->exclusive\", \"shared->shared\", found \"exclusive->upgrade\""},
    {"ranked_without_same_class", ": edges[0]: \"same_class\" is missing"},
    {"pc_not_hex", ": edges[0].stack[0].pc: expected \"0x\" and lowercase hexadecimal digits"},
    {"empty_cycle", ": cycles[0]: expected at least one class name, found []"},
};

class BadGraphFileTest : public ::testing::TestWithParam<BadFixture> {};

TEST_P(BadGraphFileTest, SaysWhereWhatWasExpectedAndNamesTheSchema) {
  const std::string path = Fixture(std::string("bad/") + GetParam().name + ".json");
  GraphFile g;
  std::string error;
  EXPECT_FALSE(LoadGraphFile(path, &g, &error));
  EXPECT_EQ(error.find(path + GetParam().message), 0u) << error;
  EXPECT_TRUE(EndsWith(error, "; see docs/graph-file.schema.json")) << error;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, BadGraphFileTest, ::testing::ValuesIn(kBadFixtures),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(BadGraphFileTest, EveryBadFixtureHasItsMessageHere) {
  std::set<std::string> listed;
  for (const BadFixture& f : kBadFixtures) listed.insert(f.name);
  for (const std::string& name : FixturesIn("bad")) EXPECT_TRUE(listed.contains(name)) << name;
}

TEST(GraphFileTest, NamesTheSchemaItIsGiven) {
  const std::string schema = "/opt/lockgraph/share/lockgraph/graph-file.schema.json";
  GraphFile g;
  std::string error;
  EXPECT_FALSE(LoadGraphFile(Fixture("bad/version_2.json"), &g, &error, schema));
  EXPECT_TRUE(EndsWith(error, "; see " + schema)) << error;
}

TEST(GraphFileTest, MissingFileIsNamed) {
  GraphFile g;
  std::string error;
  EXPECT_FALSE(LoadGraphFile("/nonexistent/graph.json", &g, &error));
  EXPECT_EQ(error, "/nonexistent/graph.json: cannot open the file");
}

TEST(GraphFileTest, EveryGoodFixtureLoads) {
  for (const std::string& name : FixturesIn("good")) {
    GraphFile g;
    std::string error;
    EXPECT_TRUE(LoadGraphFile(Fixture("good/" + name + ".json"), &g, &error)) << error;
    EXPECT_EQ(g.path, Fixture("good/" + name + ".json"));
  }
}

TEST(GraphFileTest, CurrentFileFillsEveryField) {
  GraphFile g;
  std::string error;
  ASSERT_TRUE(LoadGraphFile(Fixture("good/current.json"), &g, &error)) << error;
  EXPECT_EQ(g.format, "lockgraph-graph");
  EXPECT_EQ(g.version, 1);
  EXPECT_EQ(g.pid, 4242);
  EXPECT_EQ(g.program, "/usr/lib/test/bank_test");
  ASSERT_EQ(g.classes.size(), 2u);
  EXPECT_EQ(g.classes[1], (GraphClass{"bank.audit", "bank.cc:13", "Bank::Bank()", 1}));
  ASSERT_EQ(g.edges.size(), 3u);
  EXPECT_TRUE(g.edges[0].same_class);
  EXPECT_TRUE(g.edges[0].ranked);
  const GraphEdge& e = g.edges[1];
  EXPECT_FALSE(e.same_class);
  EXPECT_EQ(e.modes, (std::vector<std::string>{"exclusive->exclusive", "shared->exclusive"}));
  EXPECT_EQ(e.instance_edges, 2u);
  EXPECT_EQ(e.thread, (GraphThread{4243, "worker"}));
  ASSERT_EQ(e.stack.size(), 3u);
  EXPECT_EQ(e.stack[0], (Frame{"0x401a2b", "Bank::Log(int)", "bank.cc", 40, true}));
  EXPECT_FALSE(e.stack[1].inlined);
  EXPECT_EQ(g.cycles, (std::vector<std::vector<std::string>>{{"bank.accounts", "bank.audit"}}));
  ASSERT_EQ(g.reports.size(), 2u);
  EXPECT_EQ(g.reports[1], (GraphReport{"long-hold", {"bank.audit"}, 3}));
  ASSERT_EQ(g.profile.size(), 1u);
  EXPECT_EQ(g.profile[0].hold_max_ns, 2100000u);
  EXPECT_EQ(g.profile[0].wait_histogram.size(), 16u);
  EXPECT_EQ(g.profile[0].hold_histogram.back(), 3u);
  EXPECT_EQ(g.stats, (GraphStats{3, 4, 2, 9, 0, 1084416}));
}

TEST(GraphFileTest, FileOfTheFirstVersion1WriterGetsDefaults) {
  GraphFile g;
  std::string error;
  ASSERT_TRUE(LoadGraphFile(Fixture("good/first_version1_writer.json"), &g, &error)) << error;
  EXPECT_EQ(g.format, "");
  EXPECT_TRUE(g.profile.empty());
  ASSERT_EQ(g.edges.size(), 1u);
  EXPECT_FALSE(g.edges[0].same_class);
  ASSERT_EQ(g.edges[0].stack.size(), 2u);
  EXPECT_FALSE(g.edges[0].stack[0].inlined);
  EXPECT_EQ(g.edges[0].stack[0].line, 77);
}

TEST(GraphFileTest, KeysAndReportKindsAddedLaterAreIgnoredOrKept) {
  GraphFile g;
  std::string error;
  ASSERT_TRUE(LoadGraphFile(Fixture("good/keys_added_later.json"), &g, &error)) << error;
  ASSERT_EQ(g.reports.size(), 1u);
  EXPECT_EQ(g.reports[0].kind, "lock-held-too-early");
  EXPECT_EQ(g.edges[0].modes, std::vector<std::string>{"shared->shared"});
}

}  // namespace
}  // namespace lockgraph::graphs
