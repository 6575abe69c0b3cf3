// Lock patterns that are not deadlocks must not be reported, and the ones
// with special rules (ranks, read/write, try_lock) must follow them.
#include <gtest/gtest.h>

#include <condition_variable>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <thread>
#include <vector>

#include "lockgraph/mutex.h"
#include "report_collector.h"

namespace lockgraph {
namespace {

using testing::ReportCollector;
using testing::RunInThread;

// try_lock, nesting and std::scoped_lock for every wrapper type:
// wrapper_semantics_test.cc.

TEST(SemanticsTest, TimedLockCountsAsTryLock) {
  ReportCollector collector;
  TimedMutex a{"timed.a"}, b{"timed.b"};
  RunInThread([&] {
    std::lock_guard la(a);
    std::lock_guard lb(b);
  });
  RunInThread([&] {
    std::lock_guard lb(b);
    if (a.try_lock_for(std::chrono::milliseconds(1))) a.unlock();
  });
  EXPECT_TRUE(collector.reports().empty());
}

TEST(SemanticsTest, LockHeldAroundAGroupIsOrderedBeforeIt) {
  ReportCollector collector;
  Mutex outer{"grouporder.outer"}, a{"grouporder.a"}, b{"grouporder.b"};
  RunInThread([&] {
    std::lock_guard o(outer);
    std::scoped_lock both(a, b);
  });
  RunInThread([&] {
    std::lock_guard la(a);
    std::lock_guard o(outer);
  });
  EXPECT_EQ(collector.reports(ReportKind::kLockOrderInversion).size(), 1u);
}

TEST(SemanticsTest, RecursiveReentryAddsNothing) {
  ReportCollector collector;
  RecursiveMutex r{"recursive.r"};
  Mutex m{"recursive.m"};
  RunInThread([&] {
    std::lock_guard l1(r);
    std::lock_guard l2(r);
    std::lock_guard l3(r);
    std::lock_guard lm(m);
  });
  RunInThread([&] {
    // r was released three times above; this order alone is consistent.
    std::lock_guard l1(r);
    std::lock_guard lm(m);
  });
  EXPECT_TRUE(collector.reports().empty());
  RunInThread([&] {
    std::lock_guard lm(m);
    std::lock_guard l1(r);
  });
  EXPECT_EQ(collector.reports().size(), 1u);
}

TEST(SemanticsTest, TwoReadersInOppositeOrderAreNotADeadlock) {
  ReportCollector collector;
  SharedMutex a{"readers.a"}, b{"readers.b"};
  RunInThread([&] {
    std::shared_lock la(a);
    std::shared_lock lb(b);
  });
  RunInThread([&] {
    std::shared_lock lb(b);
    std::shared_lock la(a);
  });
  EXPECT_TRUE(collector.reports().empty());
}

TEST(SemanticsTest, ReaderAndWriterInOppositeOrderAreADeadlock) {
  ReportCollector collector;
  SharedMutex a{"rw.a"}, b{"rw.b"};
  RunInThread([&] {
    std::shared_lock la(a);
    std::unique_lock lb(b);
  });
  RunInThread([&] {
    std::unique_lock lb(b);
    std::unique_lock la(a);
  });
  auto reports = collector.reports(ReportKind::kLockOrderInversion);
  ASSERT_EQ(reports.size(), 1u);
  bool saw_shared = false;
  for (const OrderEdge& e : reports[0].edges) saw_shared |= e.from_shared || e.to_shared;
  EXPECT_TRUE(saw_shared);
}

TEST(SemanticsTest, SharedSharedCycleBecomesADeadlockWhenAWriterJoins) {
  ReportCollector collector;
  SharedMutex a{"rw2.a"}, b{"rw2.b"};
  RunInThread([&] {
    std::shared_lock la(a);
    std::shared_lock lb(b);
  });
  RunInThread([&] {
    std::shared_lock lb(b);
    std::shared_lock la(a);
  });
  EXPECT_TRUE(collector.reports().empty());
  RunInThread([&] {
    std::unique_lock lb(b);  // a writer holds b ...
    std::shared_lock la(a);  // ... while a reader of a; with "a then b (shared)" above
  });
  // b held exclusive -> a shared; a held shared -> b shared: at b the reader
  // waits for the writer. At a, the shared waiter meets a shared holder: no
  // conflict, so still no deadlock.
  EXPECT_TRUE(collector.reports().empty());
  RunInThread([&] {
    std::shared_lock la(a);
    std::unique_lock lb(b);  // now a writer waits on b while a is read-held
  });
  RunInThread([&] {
    std::unique_lock lb(b);
    std::unique_lock la(a);  // and a writer waits on a while b is write-held
  });
  EXPECT_EQ(collector.reports(ReportKind::kLockOrderInversion).size(), 1u);
}

TEST(SemanticsTest, ConditionVariableWaitReleasesAndReacquires) {
  ReportCollector collector;
  Mutex outer{"cv.outer"}, mu{"cv.mu"};
  ConditionVariable cv;
  bool ready = false;
  std::thread waiter([&] {
    std::lock_guard o(outer);
    std::unique_lock l(mu);
    cv.wait(l, [&] { return ready; });
    // Still holding outer and mu after the wait: order unchanged.
  });
  std::thread notifier([&] {
    std::lock_guard l(mu);
    ready = true;
    cv.notify_all();
  });
  waiter.join();
  notifier.join();
  EXPECT_TRUE(collector.reports().empty());
  // After a wait the held-lock stack is intact: taking `outer` under `mu`
  // is the inverse of the waiter's order.
  RunInThread([&] {
    std::unique_lock l(mu);
    cv.wait_for(l, std::chrono::milliseconds(1));
    std::lock_guard o(outer);
  });
  EXPECT_EQ(collector.reports().size(), 1u);
}

TEST(SemanticsTest, ConditionVariableAnyWorksWithWrappers) {
  ReportCollector collector;
  SharedMutex mu{"cvany.mu"};
  std::condition_variable_any cv;
  bool ready = false;
  std::thread waiter([&] {
    std::unique_lock l(mu);
    cv.wait(l, [&] { return ready; });
  });
  {
    std::unique_lock l(mu);
    ready = true;
  }
  cv.notify_all();
  waiter.join();
  EXPECT_TRUE(collector.reports().empty());
}

TEST(SemanticsTest, DestroyedLockReusedAtSameAddressIsANewLock) {
  ReportCollector collector;
  std::optional<Mutex> a, b;
  a.emplace("reuse.x");
  b.emplace("reuse.y");
  RunInThread([&] {
    std::lock_guard la(*a);
    std::lock_guard lb(*b);
  });
  // New locks at the very same addresses, swapped roles: no cycle exists
  // between live locks.
  a.reset();
  b.reset();
  b.emplace("reuse.x");
  a.emplace("reuse.y");
  RunInThread([&] {
    std::lock_guard la(*a);
    std::lock_guard lb(*b);
  });
  EXPECT_TRUE(collector.reports().empty());
}

TEST(SemanticsTest, ManyLocksHeldAtOnce) {
  ReportCollector collector;
  constexpr int kHeld = 500;
  std::vector<std::unique_ptr<Mutex>> locks;
  for (int i = 0; i < kHeld; ++i) locks.push_back(std::make_unique<Mutex>("nested.level"));
  for (int round = 0; round < 2; ++round) {
    for (auto& m : locks) m->lock();
    for (auto it = locks.rbegin(); it != locks.rend(); ++it) (*it)->unlock();
  }
  // Out-of-order release works too.
  for (auto& m : locks) m->lock();
  for (auto& m : locks) m->unlock();
  EXPECT_TRUE(collector.reports().empty());
  // The detector still sees an inversion at depth.
  RunInThread([&] {
    std::lock_guard inner(*locks[kHeld - 1]);
    std::lock_guard outer(*locks[0]);
  });
  EXPECT_EQ(collector.reports(ReportKind::kLockOrderInversion).size(), 1u);
}

TEST(SemanticsTest, RankedSameClassNestingInOrderIsClean) {
  ReportCollector collector;
  Mutex row1{"ranked.row", LockOptions{.rank = 1}};
  Mutex row2{"ranked.row", LockOptions{.rank = 2}};
  RunInThread([&] {
    std::lock_guard a(row1);
    std::lock_guard b(row2);
  });
  EXPECT_TRUE(collector.reports().empty());
}

TEST(SemanticsTest, RankViolationIsReportedAtOnce) {
  ReportCollector collector;
  Mutex low{"rankv.row", LockOptions{.rank = 1}};
  Mutex high{"rankv.row", LockOptions{.rank = 7}};
  RunInThread([&] {
    std::lock_guard a(high);
    std::lock_guard b(low);  // no cycle yet, but against the declared order
  });
  auto reports = collector.reports(ReportKind::kRankViolation);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].locks[0].rank, 7);
  EXPECT_EQ(reports[0].locks[1].rank, 1);
  EXPECT_NE(FormatText(reports[0]).find("lock rank violation"), std::string::npos);
}

TEST(SemanticsTest, UntrackedLockIsIgnored) {
  ReportCollector collector;
  Mutex a{"untracked.a", LockOptions{.tracked = false}}, b{"untracked.b"};
  RunInThread([&] {
    std::lock_guard la(a);
    std::lock_guard lb(b);
  });
  RunInThread([&] {
    std::lock_guard lb(b);
    std::lock_guard la(a);
  });
  EXPECT_TRUE(collector.reports().empty());
}

TEST(SemanticsTest, StaticLocksWorkDuringStaticInitialization) {
  // Locks with static storage are constant-initialized and usable at once.
  static constinit Mutex early{"static.early"};
  std::lock_guard l(early);
  SUCCEED();
}

}  // namespace
}  // namespace lockgraph
