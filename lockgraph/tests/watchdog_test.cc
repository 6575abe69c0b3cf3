// Runtime part two: actual deadlocks found by the watchdog, long waits and
// holds, and the contention profile.
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "lockgraph/mutex.h"
#include "report_collector.h"

namespace lockgraph {
namespace {

using namespace std::chrono_literals;
using testing::Eventually;
using testing::ReportCollector;
using testing::StackMentions;

void DeadlockForReal() {
  Options o = CurrentOptions();
  o.watchdog = true;
  o.on_deadlock = DeadlockAction::kAbort;
  o.watchdog_ms = 20;
  o.deadlock_ms = 100;
  o.report_out = "stderr";
  Configure(o);
  Mutex a{"real.a"};
  Mutex b{"real.b"};
  std::barrier both_hold_one(2);
  std::thread t1([&] {
    std::lock_guard la(a);
    both_hold_one.arrive_and_wait();
    std::lock_guard lb(b);
  });
  std::thread t2([&] {
    std::lock_guard lb(b);
    both_hold_one.arrive_and_wait();
    std::lock_guard la(a);
  });
  t1.join();  // never returns: the watchdog aborts the process
  t2.join();
}

TEST(WatchdogTest, ActualDeadlockAbortsWithTheReportInsteadOfHanging) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(DeadlockForReal(),
               "lockgraph: deadlock: 2 threads are blocked on each other(.|\n)*"
               "holds \"real.[ab]\" and waits for \"real.[ab]\" \\(held by thread");
}

TEST(WatchdogTest, LongWaitShowsWhatTheHolderIsDoing) {
  ReportCollector collector;
  Options o = CurrentOptions();
  o.watchdog = true;
  o.watchdog_ms = 20;
  o.wait_warn_ms = 100;
  Configure(o);
  Mutex mu{"slow.handler"};
  std::atomic<bool> holding{false};
  std::thread holder([&] {
    std::lock_guard l(mu);
    holding = true;
    std::this_thread::sleep_for(600ms);  // a blocking sleep while holding the lock
  });
  while (!holding) std::this_thread::yield();
  std::thread waiter([&] { std::lock_guard l(mu); });
  ASSERT_TRUE(Eventually([&] { return !collector.reports(ReportKind::kLongWait).empty(); }));
  holder.join();
  waiter.join();
  const Report r = collector.reports(ReportKind::kLongWait).front();
  ASSERT_EQ(r.threads.size(), 2u) << FormatText(r);
  EXPECT_GE(r.threads[0].waits_for, 0);
  EXPECT_EQ(r.locks[r.threads[0].waits_for].name, "slow.handler");
  const ThreadSnapshot& h = r.threads[1];
  EXPECT_EQ(r.threads[0].waits_for_owner, h.thread_id);
  ASSERT_TRUE(h.sampled);
  EXPECT_TRUE(StackMentions(h.stack, "sleep")) << FormatText(r);
  ASSERT_EQ(h.holds.size(), 1u);
  EXPECT_EQ(r.locks[h.holds[0]].name, "slow.handler");
  o.wait_warn_ms = 0;
  o.watchdog = false;
  Configure(o);
}

TEST(WatchdogTest, AWaitBehindABusyHolderIsNotADeadlock) {
  // The holder is running (sleeping), not waiting: the chain of waits ends at
  // it, so there is no cycle however long the wait.
  ReportCollector collector;
  Options o = CurrentOptions();
  o.watchdog = true;
  o.watchdog_ms = 10;
  o.deadlock_ms = 20;
  Configure(o);
  Mutex mu{"busy.holder"};
  std::atomic<bool> holding{false};
  std::thread holder([&] {
    std::lock_guard l(mu);
    holding = true;
    std::this_thread::sleep_for(300ms);
  });
  while (!holding) std::this_thread::yield();
  std::thread waiter([&] { std::lock_guard l(mu); });
  holder.join();
  waiter.join();
  EXPECT_TRUE(collector.reports(ReportKind::kDeadlock).empty())
      << FormatText(collector.reports(ReportKind::kDeadlock).front());
  o.watchdog = false;
  Configure(o);
}

__attribute__((noinline)) void HoldWhileSleeping(Mutex& mu) {
  std::lock_guard l(mu);
  std::this_thread::sleep_for(150ms);
}

TEST(WatchdogTest, LongHoldIsReportedAtReleaseWithWhereItWasTaken) {
  ReportCollector collector;
  Options o = CurrentOptions();
  o.hold_warn_ms = 50;
  o.mode = Mode::kCallback;
  Configure(o);
  Mutex mu{"held.across.sleep"};
  HoldWhileSleeping(mu);
  HoldWhileSleeping(mu);  // the same site again only counts
  auto reports = collector.reports(ReportKind::kLongHold);
  ASSERT_EQ(reports.size(), 1u);
  const Report& r = reports[0];
  EXPECT_GE(r.duration_ms, 50.0);
  EXPECT_EQ(r.locks[0].name, "held.across.sleep");
  ASSERT_FALSE(r.acquired_at.empty());
  EXPECT_TRUE(StackMentions(r.acquired_at, "HoldWhileSleeping")) << FormatText(r);
  bool counted = false;
  for (const LockProfile& p : GetProfile()) {
    if (p.name == "held.across.sleep") counted = p.long_holds == 2 && p.holds >= 2;
  }
  EXPECT_TRUE(counted);
  o.hold_warn_ms = 0;
  Configure(o);
}

TEST(WatchdogTest, TimeSpentReportingIsNotCountedAsHolding) {
  // The inversion report is delivered while the thread holds "report.outer";
  // a slow report sink (here 300 ms) must not make that a long hold.
  std::vector<Report> reports;
  std::mutex reports_mu;
  Options saved = CurrentOptions();
  Options o = saved;
  o.mode = Mode::kCallback;
  o.hold_warn_ms = 200;
  o.callback = [&](const Report& r) {
    if (r.kind == ReportKind::kLockOrderInversion) {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
    std::lock_guard<std::mutex> lock(reports_mu);
    reports.push_back(r);
  };
  Configure(o);
  Mutex outer{"report.outer"}, inner{"report.inner"};
  testing::RunInThread([&] {
    std::lock_guard a(outer);
    std::lock_guard b(inner);
  });
  testing::RunInThread([&] {
    std::lock_guard b(inner);
    std::lock_guard a(outer);  // the inversion: reported (slowly) while "inner" is held
  });
  Configure(saved);
  int inversions = 0, long_holds = 0;
  for (const Report& r : reports) {
    inversions += r.kind == ReportKind::kLockOrderInversion;
    long_holds += r.kind == ReportKind::kLongHold;
  }
  EXPECT_EQ(inversions, 1);
  EXPECT_EQ(long_holds, 0);
}

TEST(WatchdogTest, ContentionProfileRanksTheHotLockFirst) {
  Options o = CurrentOptions();
  o.profile = true;
  Configure(o);
  Mutex hot{"profile.hot"}, cold{"profile.cold"};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        std::lock_guard l(hot);
        std::this_thread::sleep_for(std::chrono::microseconds(20));
      }
    });
  }
  for (int i = 0; i < 2000; ++i) std::lock_guard l(cold);
  for (auto& t : threads) t.join();
  o.profile = false;
  Configure(o);
  const std::vector<LockProfile> profile = GetProfile();
  ASSERT_FALSE(profile.empty());
  EXPECT_EQ(profile[0].name, "profile.hot");
  EXPECT_GT(profile[0].contended, 0u);
  EXPECT_EQ(profile[0].acquisitions, 8000u);
  EXPECT_FALSE(profile[0].wait_histogram.empty());
  bool cold_seen = false;
  for (const LockProfile& p : profile) {
    if (p.name == "profile.cold") {
      cold_seen = true;
      EXPECT_EQ(p.acquisitions, 2000u);
      EXPECT_EQ(p.contended, 0u);
    }
  }
  EXPECT_TRUE(cold_seen);
  EXPECT_NE(GraphJson().find("\"profile\""), std::string::npos);
}

TEST(WatchdogTest, BadThresholdsAreNamed) {
  Options o;
  std::string error;
  EXPECT_FALSE(ParseOptions("wait_warn_ms=-5:watchdog_ms=1:on_deadlock=explode", &o, &error));
  EXPECT_NE(error.find("wait_warn_ms"), std::string::npos);
  EXPECT_NE(error.find("watchdog_ms"), std::string::npos);
  EXPECT_NE(error.find("report, abort"), std::string::npos);
  EXPECT_EQ(o.wait_warn_ms, 0);
  EXPECT_EQ(o.watchdog_ms, 100);
  EXPECT_TRUE(
      ParseOptions("on_deadlock=abort:wait_warn_ms=250:hold_warn_ms=10:profile=1", &o, &error));
  EXPECT_TRUE(o.watchdog);
  EXPECT_EQ(o.on_deadlock, DeadlockAction::kAbort);
  EXPECT_EQ(o.wait_warn_ms, 250);
  EXPECT_EQ(o.hold_warn_ms, 10);
  EXPECT_TRUE(o.profile);
}

}  // namespace
}  // namespace lockgraph
