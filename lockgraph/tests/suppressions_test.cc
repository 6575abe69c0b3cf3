// suppressions= and baseline=: what they match is counted, not reported, and
// never aborts; what hangs for sure is never hidden; bad files are refused
// with their line.
#include "internal/suppressions.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <mutex>
#include <string>

#include "lockgraph/mutex.h"
#include "report_collector.h"

namespace lockgraph {
namespace {

using internal::PatternMatches;
using internal::Suppressions;
using testing::ReportCollector;
using testing::RunInThread;
using testing::TakeBothWays;

TEST(SuppressionPatternTest, MatchesAnywhereUnlessAnchored) {
  EXPECT_TRUE(PatternMatches("stats", "cache.stats"));
  EXPECT_TRUE(PatternMatches("stats", "stats.global"));
  EXPECT_TRUE(PatternMatches("^cache", "cache.stats"));
  EXPECT_FALSE(PatternMatches("^cache", "l2cache.stats"));
  EXPECT_TRUE(PatternMatches("Lookup$", "Cache::Lookup"));
  EXPECT_FALSE(PatternMatches("Lookup$", "Cache::Lookup(int)"));
  EXPECT_TRUE(PatternMatches("Cache::*(int)", "Cache::Lookup(int) const"));
  EXPECT_TRUE(PatternMatches("^legacy.*.import$", "legacy.db.import"));
  EXPECT_FALSE(PatternMatches("^legacy.*.import$", "legacy.db.importer"));
}

TEST(SuppressionFileTest, EveryEntryNeedsATypeAPatternAndAReason) {
  struct Case {
    const char* text;
    const char* error;
  } cases[] = {
      {"class:cache\n", "s.txt:1: no reason; say why after '#'"},
      {"# header\n\nrace:cache # r\n", "s.txt:3: unknown type \"race\""},
      {"cache # r\n", "s.txt:1: expected TYPE:PATTERN"},
      {"fun: # r\n", "s.txt:1: empty pattern"},
      {"class:ok # fine\nfun:x\n", "s.txt:2: no reason"},
  };
  for (const Case& c : cases) {
    Suppressions s;
    std::string error;
    EXPECT_FALSE(s.Parse(c.text, "s.txt", &error)) << c.text;
    EXPECT_NE(error.find(c.error), std::string::npos) << c.text << "\n" << error;
    EXPECT_TRUE(s.empty()) << "a refused file adds nothing: " << c.text;
  }
  Suppressions s;
  std::string error;
  EXPECT_TRUE(s.Parse("# why each one is safe\nclass:a # one\nfun:^B$ # two\ndeadlock:c # 3\n",
                      "s.txt", &error))
      << error;
  EXPECT_FALSE(s.LoadFile("/nonexistent/supp.txt", &error));
  EXPECT_NE(error.find("/nonexistent/supp.txt: cannot open"), std::string::npos) << error;
}

std::string WriteFile(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

// Named so a fun: entry can match it: one order of the cycle is taken here.
[[gnu::noinline]] void ImportLegacyData(Mutex& a, Mutex& b) {
  std::lock_guard ga(a);
  std::lock_guard gb(b);
}

void Use(const std::string& key, const std::string& path) {
  Options o = CurrentOptions();
  std::string error;
  ASSERT_TRUE(ParseOptions(key + "=" + path, &o, &error)) << error;
  Configure(o);
}

TEST(SuppressionsTest, ByClassAndByFunctionCountedNotReported) {
  ReportCollector collector;
  Use("suppressions", WriteFile("supp_classes.txt",
                                "class:^supp.stats$ # only taken at shutdown\n"
                                "fun:ImportLegacyData # the importer runs alone\n"));
  const uint64_t before = GetStats().suppressed;
  Mutex cache{"supp.cache"}, stats{"supp.stats"};
  TakeBothWays(cache, stats);
  Mutex x{"supp.import.x"}, y{"supp.import.y"};
  RunInThread([&] { ImportLegacyData(x, y); });
  RunInThread([&] {
    std::lock_guard gy(y);
    std::lock_guard gx(x);
  });
  EXPECT_EQ(Inversions(collector), 0u);
  EXPECT_EQ(GetStats().suppressed, before + 2);
  Mutex p{"supp.other.p"}, q{"supp.other.q"};
  TakeBothWays(p, q);
  EXPECT_EQ(Inversions(collector), 1u) << "what no entry matches is reported";
  EXPECT_NE(GraphJson().find("\"suppressed\": " + std::to_string(before + 2)), std::string::npos);
}

TEST(SuppressionsTest, TheCheckBaselineAcceptsCyclesAndBlessesOrders) {
  ReportCollector collector;
  Use("baseline", WriteFile("baseline.json",
                            R"({"version": 1,
                    "accepted": [{"cycle": ["base.b", "base.a"], "reason": "looked at"}],
                    "blessed": [{"from": "base.log", "to": "base.x", "reason": "try_lock only"}]})"));
  Mutex a{"base.a"}, b{"base.b"};
  TakeBothWays(a, b);
  Mutex log{"base.log"}, x{"base.x"};
  TakeBothWays(log, x);
  EXPECT_EQ(Inversions(collector), 0u);
  Mutex c{"base.c"}, d{"base.d"};
  TakeBothWays(c, d);
  EXPECT_EQ(Inversions(collector), 1u);
}

void SuppressedInAbortMode(const std::string& path) {
  Options o;
  o.mode = Mode::kAbort;
  o.suppressions = path;
  Configure(o);
  Mutex a{"supp.abort.a"}, b{"supp.abort.b"};
  TakeBothWays(a, b);
  std::exit(GetStats().suppressed == 1 ? 0 : 3);
}

TEST(SuppressionsDeathTest, ASuppressedCycleNeverAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const std::string path = WriteFile("supp_abort.txt", "deadlock:supp.abort # accepted\n");
  EXPECT_EXIT(SuppressedInAbortMode(path), ::testing::ExitedWithCode(0),
              "lockgraph: 1 report suppressed \\(suppressions=");
}

void SelfDeadlockDespiteSuppression(const std::string& path) {
  Options o;
  o.mode = Mode::kAbort;
  o.suppressions = path;
  Configure(o);
  Mutex outer{"supp.self.outer"}, m{"supp.self.m"};
  std::lock_guard g(outer);
  m.lock();
  m.lock();
}

TEST(SuppressionsDeathTest, WhatHangsForSureIsNeverSuppressed) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const std::string path = WriteFile("supp_self.txt", "class:supp.self # tries to hide it\n");
  EXPECT_DEATH(SelfDeadlockDespiteSuppression(path),
               "deadlock: a thread re-locks the non-recursive lock \"supp.self.m\"");
}

TEST(SuppressionsTest, ABadFileIsNamedAndSuppressesNothing) {
  ReportCollector collector;
  ::testing::internal::CaptureStderr();
  Use("suppressions", WriteFile("supp_bad.txt", "class:supp.bad # fine\nfun:Nope\n"));
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("supp_bad.txt:2: no reason"), std::string::npos) << err;
  Mutex a{"supp.bad.a"}, b{"supp.bad.b"};
  TakeBothWays(a, b);
  EXPECT_EQ(Inversions(collector), 1u);
}

}  // namespace
}  // namespace lockgraph
