// Held-lock assertions: AssertHeld, AssertReaderHeld, AssertNotHeld and
// AssertNoLocksHeld judge the calling thread's own locks, report a false claim
// once per call site through the configured mode, and never judge what the
// detector cannot see.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <mutex>
#include <shared_mutex>
#include <string>

#include "lockgraph/mutex.h"
#include "report_collector.h"

namespace lockgraph {
namespace {

using testing::ReportCollector;
using testing::RunInThread;

std::vector<Report> Failures(ReportCollector& c) { return c.reports(ReportKind::kAssertionFailed); }

TEST(AssertionsTest, TrueClaimsReportNothing) {
  ReportCollector collector;
  Mutex mu{"assert.true.mu"};
  SharedMutex rw{"assert.true.rw"};
  RecursiveMutex rec{"assert.true.rec"};
  TimedMutex timed{"assert.true.timed"};
  AssertNoLocksHeld();
  mu.AssertNotHeld();
  {
    std::lock_guard g(mu);
    mu.AssertHeld();
    rw.AssertNotHeld();
  }
  mu.AssertNotHeld();
  {
    std::shared_lock r(rw);
    rw.AssertReaderHeld();
  }
  {
    std::lock_guard w(rw);
    rw.AssertHeld();
    rw.AssertReaderHeld();
  }
  rec.lock();
  rec.lock();
  rec.unlock();
  rec.AssertHeld();  // still held once
  rec.unlock();
  rec.AssertNotHeld();
  ASSERT_TRUE(timed.try_lock_for(std::chrono::milliseconds(10)));
  timed.AssertHeld();
  timed.unlock();
  AssertNoLocksHeld();
  EXPECT_TRUE(Failures(collector).empty());
}

TEST(AssertionsTest, AssertHeldOnALockNotHeldIsReportedWithTheCallersStack) {
  ReportCollector collector;
  Mutex mu{"assert.missing"};
  mu.AssertHeld();
  const std::vector<Report> got = Failures(collector);
  ASSERT_EQ(got.size(), 1u);
  const Report& r = got[0];
  EXPECT_NE(r.title.find("AssertHeld() failed: thread "), std::string::npos) << r.title;
  EXPECT_NE(r.title.find("does not hold \"assert.missing\""), std::string::npos) << r.title;
  ASSERT_EQ(r.threads.size(), 1u);
  EXPECT_TRUE(r.threads[0].holds.empty());
  ASSERT_FALSE(r.threads[0].stack.empty());
  // lockgraph's own frames are trimmed: the stack starts in this test.
  EXPECT_NE(r.threads[0].stack[0].function.find("AssertHeldOnALockNotHeld"), std::string::npos)
      << r.threads[0].stack[0].function;
  const std::string text = FormatText(r);
  EXPECT_NE(text.find("asserted here:"), std::string::npos) << text;
  EXPECT_NE(text.find("holds no lockgraph lock"), std::string::npos) << text;
}

TEST(AssertionsTest, ANewThreadHoldsNothing) {
  ReportCollector collector;
  Mutex mu{"assert.new_thread"};
  std::lock_guard g(mu);
  // The lock is held, but by this thread, not by the new one.
  RunInThread([&] { mu.AssertHeld(); });
  ASSERT_EQ(Failures(collector).size(), 1u);
}

TEST(AssertionsTest, SharedHoldIsNotExclusive) {
  ReportCollector collector;
  SharedMutex rw{"assert.rw"};
  std::shared_lock r(rw);
  rw.AssertHeld();
  const std::vector<Report> got = Failures(collector);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_NE(got[0].title.find("exclusively (it holds it in shared mode)"), std::string::npos)
      << got[0].title;
}

TEST(AssertionsTest, AssertNotHeldAndNoLocksHeldNameWhatIsHeld) {
  ReportCollector collector;
  Mutex outer{"assert.outer"};
  Mutex inner{"assert.inner"};
  std::lock_guard a(outer);
  std::lock_guard b(inner);
  inner.AssertNotHeld();
  AssertNoLocksHeld();
  const std::vector<Report> got = Failures(collector);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_NE(got[0].title.find("AssertNotHeld() failed"), std::string::npos) << got[0].title;
  EXPECT_NE(got[0].title.find("holds \"assert.inner\""), std::string::npos) << got[0].title;
  EXPECT_NE(got[1].title.find("AssertNoLocksHeld() failed"), std::string::npos) << got[1].title;
  EXPECT_NE(got[1].title.find("holds 2 locks: \"assert.outer\", \"assert.inner\""),
            std::string::npos)
      << got[1].title;
  ASSERT_EQ(got[1].threads.size(), 1u);
  EXPECT_EQ(got[1].threads[0].holds.size(), 2u);
}

void FailOnce(Mutex& mu) { mu.AssertHeld(); }

TEST(AssertionsTest, OneReportPerCallSiteEveryFailureCounted) {
  ReportCollector collector;
  Mutex mu{"assert.repeated"};
  for (int i = 0; i < 1000; ++i) FailOnce(mu);
  EXPECT_EQ(Failures(collector).size(), 1u);
  const nlohmann::json graph = nlohmann::json::parse(GraphJson());
  bool found = false;
  for (const auto& r : graph["reports"]) {
    if (r["kind"] == "assertion-failed" && r["locks"] == nlohmann::json{"assert.repeated"}) {
      EXPECT_EQ(r["count"], 1000);
      found = true;
    }
  }
  EXPECT_TRUE(found) << graph["reports"].dump();
}

TEST(AssertionsTest, LocksTheDetectorDoesNotSeeAreNotJudged) {
  ReportCollector collector;
  Mutex untracked{LockOptions{.tracked = false}};
  untracked.AssertHeld();
  {
    std::lock_guard g(untracked);
    untracked.AssertNotHeld();
    AssertNoLocksHeld();
  }
  EXPECT_TRUE(Failures(collector).empty());
}

TEST(AssertionsTest, ModeOffReportsNothing) {
  ReportCollector collector;
  Options o = CurrentOptions();
  o.mode = Mode::kOff;
  Configure(o);
  Mutex mu{"assert.off"};
  RunInThread([&] { mu.AssertHeld(); });
  mu.AssertHeld();
  EXPECT_TRUE(Failures(collector).empty());
}

void AssertInAbortMode() {
  Options o;
  o.mode = Mode::kAbort;
  Configure(o);
  Mutex mu{"assert.abort"};
  mu.AssertHeld();
}

TEST(AssertionsDeathTest, AbortModeAbortsWithTheReport) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(AssertInAbortMode(),
               "lockgraph: AssertHeld\\(\\) failed: thread [0-9]+ does not hold \"assert.abort\"");
}

void NoLocksInAbortMode() {
  Options o;
  o.mode = Mode::kAbort;
  Configure(o);
  Mutex mu{"assert.abort.held"};
  std::lock_guard g(mu);
  AssertNoLocksHeld();
}

TEST(AssertionsDeathTest, AssertNoLocksHeldAbortsInAbortMode) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(NoLocksInAbortMode(),
               "AssertNoLocksHeld\\(\\) failed: thread [0-9]+ holds 1 lock: \"assert.abort.held\"");
}

}  // namespace
}  // namespace lockgraph
