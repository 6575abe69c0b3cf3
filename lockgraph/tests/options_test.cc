// LOCKGRAPH_OPTIONS parsing: good strings apply, bad ones are named.
#include <gtest/gtest.h>

#include "lockgraph/mutex.h"

namespace lockgraph {
namespace {

TEST(OptionsTest, ParsesEveryKeyWithEitherSeparator) {
  Options o;
  std::string error;
  ASSERT_TRUE(ParseOptions(
      "mode=abort:graph_out=/tmp/g.%p.json,report_out=stderr:report_format=json:stack_depth=8,"
      "symbolize=0:max_edges=1000",
      &o, &error))
      << error;
  EXPECT_EQ(o.mode, Mode::kAbort);
  EXPECT_EQ(o.graph_out, "/tmp/g.%p.json");
  EXPECT_EQ(o.report_out, "stderr");
  EXPECT_EQ(o.report_format, ReportFormat::kJson);
  EXPECT_EQ(o.stack_depth, 8);
  EXPECT_FALSE(o.symbolize);
  EXPECT_EQ(o.max_edges, 1000u);
}

TEST(OptionsTest, UnknownKeyIsNamedWithTheValidOnes) {
  Options o;
  std::string error;
  EXPECT_FALSE(ParseOptions("mode=abort:no_such_key=1", &o, &error));
  EXPECT_NE(error.find("no_such_key"), std::string::npos) << error;
  EXPECT_NE(error.find("valid keys: mode, graph_out"), std::string::npos) << error;
  EXPECT_EQ(o.mode, Mode::kAbort);  // the valid part still applies
}

TEST(OptionsTest, BadValueKeepsTheDefault) {
  Options o;
  std::string error;
  EXPECT_FALSE(ParseOptions("mode=loud:stack_depth=0:symbolize=maybe", &o, &error));
  EXPECT_EQ(o.mode, Mode::kReport);
  EXPECT_EQ(o.stack_depth, 32);
  EXPECT_TRUE(o.symbolize);
  EXPECT_NE(error.find("'loud'"), std::string::npos);
  EXPECT_NE(error.find("off, report, abort"), std::string::npos);
  EXPECT_NE(error.find("stack_depth"), std::string::npos);
  EXPECT_NE(error.find("symbolize"), std::string::npos);
}

TEST(OptionsTest, KeyWithoutValueIsAnError) {
  Options o;
  std::string error;
  EXPECT_FALSE(ParseOptions("abort", &o, &error));
  EXPECT_NE(error.find("'abort' has no value"), std::string::npos) << error;
}

TEST(OptionsTest, EmptyStringIsFine) {
  Options o;
  std::string error;
  EXPECT_TRUE(ParseOptions("", &o, &error));
  EXPECT_TRUE(ParseOptions("::,", &o, &error));
}

TEST(OptionsTest, EnvironmentIsReadAtStartWithAMessageForBadKeys) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  // A fresh process reads LOCKGRAPH_OPTIONS on its first lock.
  EXPECT_EXIT(
      {
        setenv("LOCKGRAPH_OPTIONS", "mode=report:bogus=1", 1);
        execl("/proc/self/exe", "self", "--gtest_filter=OptionsTest.ChildTakesALock", nullptr);
        std::exit(3);
      },
      ::testing::ExitedWithCode(0), "unknown option 'bogus'");
}

TEST(OptionsTest, ChildTakesALock) {
  Mutex m{"child.lock"};
  std::lock_guard l(m);
}

}  // namespace
}  // namespace lockgraph
