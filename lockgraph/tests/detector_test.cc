// Cycles the detector must find, and the report each one produces.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "lockgraph/mutex.h"
#include "report_collector.h"

namespace lockgraph {
namespace {

using testing::ReportCollector;
using testing::RunInThread;

bool StackMentions(const OrderEdge& e, const std::string& needle) {
  for (const StackFrame& f : e.stack) {
    if (f.function.find(needle) != std::string::npos || f.file.find(needle) != std::string::npos) {
      return true;
    }
  }
  return false;
}

__attribute__((noinline)) void TakeInOrder(Mutex& first, Mutex& second) {
  std::lock_guard a(first);
  std::lock_guard b(second);
}

TEST(DetectorTest, AbbaInTwoThreadsIsReportedWithBothStacks) {
  ReportCollector collector;
  Mutex a{"abba.a"}, b{"abba.b"};
  RunInThread([&] { TakeInOrder(a, b); });
  EXPECT_TRUE(collector.reports().empty());
  RunInThread([&] { TakeInOrder(b, a); });

  auto reports = collector.reports(ReportKind::kLockOrderInversion);
  ASSERT_EQ(reports.size(), 1u);
  const Report& r = reports[0];
  ASSERT_EQ(r.locks.size(), 2u);
  ASSERT_EQ(r.edges.size(), 2u);
  std::vector<std::string> names = {r.locks[0].name, r.locks[1].name};
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"abba.a", "abba.b"}));
  for (const OrderEdge& e : r.edges) {
    ASSERT_FALSE(e.stack.empty());
    // lockgraph's own frames are trimmed: the first frame is the caller.
    EXPECT_NE(e.stack[0].function.rfind("lockgraph::checked::", 0), 0u) << e.stack[0].function;
    EXPECT_NE(e.stack[0].function.rfind("lockgraph::internal::", 0), 0u) << e.stack[0].function;
    EXPECT_NE(e.stack[0].function.rfind("std::lock_guard", 0), 0u) << e.stack[0].function;
    EXPECT_TRUE(StackMentions(e, "TakeInOrder")) << FormatText(r);
    EXPECT_TRUE(StackMentions(e, "detector_test.cc")) << FormatText(r);
    EXPECT_GT(e.thread_id, 0);
  }
  EXPECT_NE(r.edges[0].thread_id, r.edges[1].thread_id);
  EXPECT_NE(r.locks[0].site.find("detector_test.cc:"), std::string::npos);
}

TEST(DetectorTest, EachDistinctCycleIsReportedOnce) {
  ReportCollector collector;
  Mutex a{"once.a"}, b{"once.b"};
  RunInThread([&] { TakeInOrder(a, b); });
  for (int i = 0; i < 5; ++i) RunInThread([&] { TakeInOrder(b, a); });
  EXPECT_EQ(collector.reports().size(), 1u);
}

TEST(DetectorTest, ThreeLockCycleAcrossThreads) {
  ReportCollector collector;
  Mutex a{"tri.a"}, b{"tri.b"}, c{"tri.c"};
  RunInThread([&] { TakeInOrder(a, b); });
  RunInThread([&] { TakeInOrder(b, c); });
  EXPECT_TRUE(collector.reports().empty());
  RunInThread([&] { TakeInOrder(c, a); });
  auto reports = collector.reports(ReportKind::kLockOrderInversion);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].locks.size(), 3u);
  EXPECT_EQ(reports[0].edges.size(), 3u);
  EXPECT_NE(reports[0].title.find("cycle of 3 locks"), std::string::npos);
}

TEST(DetectorTest, TenLockCycleAcrossThreads) {
  ReportCollector collector;
  std::vector<std::unique_ptr<Mutex>> locks;
  static const char* kNames[] = {"ten.0", "ten.1", "ten.2", "ten.3", "ten.4",
                                 "ten.5", "ten.6", "ten.7", "ten.8", "ten.9"};
  for (const char* name : kNames) locks.push_back(std::make_unique<Mutex>(name));
  for (int i = 0; i + 1 < 10; ++i) {
    RunInThread([&] { TakeInOrder(*locks[i], *locks[i + 1]); });
  }
  EXPECT_TRUE(collector.reports().empty());
  RunInThread([&] { TakeInOrder(*locks[9], *locks[0]); });
  auto reports = collector.reports(ReportKind::kLockOrderInversion);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].locks.size(), 10u);
  for (const OrderEdge& e : reports[0].edges) EXPECT_FALSE(e.stack.empty());
}

TEST(DetectorTest, InversionWhileHoldingAnUnrelatedLock) {
  // The cycle is between b and c; `outer` is held around both orders.
  ReportCollector collector;
  Mutex outer{"held.outer"}, b{"held.b"}, c{"held.c"};
  RunInThread([&] {
    std::lock_guard o(outer);
    TakeInOrder(b, c);
  });
  RunInThread([&] {
    std::lock_guard o(outer);
    TakeInOrder(c, b);
  });
  auto reports = collector.reports(ReportKind::kLockOrderInversion);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].locks.size(), 2u);
}

TEST(DetectorTest, ConsistentOrderInEightThreadsIsClean) {
  ReportCollector collector;
  Mutex a{"consistent.a"}, b{"consistent.b"}, c{"consistent.c"};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100000; ++i) {
        std::lock_guard la(a);
        std::lock_guard lb(b);
        if (i % 2) {
          std::lock_guard lc(c);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_TRUE(collector.reports().empty());
}

void InvertInAbortMode() {
  Options o;
  o.mode = Mode::kAbort;
  Configure(o);
  Mutex a{"abort.a"};
  Mutex b{"abort.b"};
  RunInThread([&] { TakeInOrder(a, b); });
  RunInThread([&] { TakeInOrder(b, a); });
}

void RelockInAbortMode() {
  Options o;
  o.mode = Mode::kAbort;
  Configure(o);
  Mutex outer{"self.outer"};
  Mutex m{"self.m"};
  std::lock_guard g(outer);
  m.lock();
  m.lock();  // hangs without the detector
}

TEST(DetectorTest, AbortModeAbortsWithTheReport) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      InvertInAbortMode(),
      "lockgraph: potential deadlock \\(lock-order inversion\\) between \"abort.[ab]\" and "
      "\"abort.[ab]\"");
}

TEST(DetectorTest, SelfDeadlockIsReportedBeforeItHangs) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(RelockInAbortMode(),
               "lockgraph: deadlock: a thread re-locks the non-recursive lock \"self.m\"");
}

TEST(DetectorTest, CallbackReceivesTheReportAsData) {
  std::vector<Report> got;
  SetReportCallback([&](const Report& r) { got.push_back(r); });
  Mutex a{"callback.a"}, b{"callback.b"};
  RunInThread([&] { TakeInOrder(a, b); });
  RunInThread([&] { TakeInOrder(b, a); });
  SetReportCallback(nullptr);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].kind, ReportKind::kLockOrderInversion);
  EXPECT_GT(got[0].pid, 0);
  EXPECT_EQ(CurrentOptions().mode, Mode::kReport);
}

TEST(DetectorTest, CallbackMayTakeLockgraphLocks) {
  // Locks taken inside the callback are not tracked: no recursion, no hang.
  Mutex inside{"callback.inside"}, other{"callback.other"};
  int calls = 0;
  SetReportCallback([&](const Report&) {
    std::lock_guard a(inside);
    std::lock_guard b(other);
    ++calls;
  });
  Mutex a{"callback2.a"}, b{"callback2.b"};
  RunInThread([&] { TakeInOrder(a, b); });
  RunInThread([&] { TakeInOrder(b, a); });
  SetReportCallback(nullptr);
  EXPECT_EQ(calls, 1);
}

TEST(DetectorTest, UnnamedLocksAreNamedByConstructionSite) {
  ReportCollector collector;
  Mutex a, b;
  const int line = __LINE__ - 1;
  RunInThread([&] { TakeInOrder(a, b); });
  RunInThread([&] { TakeInOrder(b, a); });
  auto reports = collector.reports();
  ASSERT_EQ(reports.size(), 1u);
  const std::string site = "detector_test.cc:" + std::to_string(line);
  for (const LockInfo& l : reports[0].locks) {
    EXPECT_NE(l.name.find(site), std::string::npos) << l.name;
  }
}

}  // namespace
}  // namespace lockgraph
