// block_warn_ms: a lockgraph lock held across a blocking call (a sleep, a
// read, a condition wait, an annotated call) longer than the limit is
// reported with the stack at the call, at its return or, by the watchdog,
// while it still blocks.
#include <errno.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "lockgraph/lockgraph.h"
#include "lockgraph/mutex.h"
#include "report_collector.h"

namespace lockgraph {
namespace {

using namespace std::chrono_literals;
using testing::Eventually;
using testing::ReportCollector;
using testing::StackMentions;

// Sets block_warn_ms for a test (on top of the collector's callback mode).
class BlockWarn {
 public:
  explicit BlockWarn(int ms, bool watchdog = false, int watchdog_ms = 100) {
    Options o = CurrentOptions();
    o.block_warn_ms = ms;
    o.watchdog = watchdog;
    o.watchdog_ms = watchdog_ms;
    Configure(o);
  }
  ~BlockWarn() {
    Options o = CurrentOptions();
    o.block_warn_ms = 0;
    o.watchdog = false;
    Configure(o);
  }
};

__attribute__((noinline)) void SleepUnderSession(Mutex& session, std::chrono::milliseconds d) {
  std::lock_guard lock(session);
  std::this_thread::sleep_for(d);
}

TEST(BlockWarnTest, ASleepWhileHoldingIsReportedWithWhereItWasCalled) {
  ReportCollector reports;
  BlockWarn warn(20);
  Mutex session{"blocking.session"};
  SleepUnderSession(session, 80ms);
  const auto found = reports.reports(ReportKind::kBlockedWhileHolding);
  ASSERT_EQ(found.size(), 1u);
  const Report& r = found[0];
  EXPECT_NE(r.title.find("nanosleep()"), std::string::npos) << r.title;
  EXPECT_NE(r.title.find("\"blocking.session\""), std::string::npos) << r.title;
  EXPECT_GE(r.duration_ms, 70);
  ASSERT_EQ(r.threads.size(), 1u);
  EXPECT_EQ(r.threads[0].holds.size(), 1u);
  EXPECT_TRUE(StackMentions(r.threads[0].stack, "SleepUnderSession"));
  // The interposed call itself is not a frame of the report: the stack
  // starts where the program made the call.
  ASSERT_FALSE(r.threads[0].stack.empty());
  EXPECT_NE(r.threads[0].stack[0].function, "nanosleep");
  const std::string text = FormatText(r);
  EXPECT_NE(text.find("lockgraph: blocked while holding"), std::string::npos) << text;
  EXPECT_NE(FormatJson(r).find("\"blocked-while-holding\""), std::string::npos);
}

TEST(BlockWarnTest, NothingHeldOrAShortCallIsNotReported) {
  ReportCollector reports;
  BlockWarn warn(200);
  std::this_thread::sleep_for(250ms);  // no lock held
  Mutex m{"blocking.short"};
  SleepUnderSession(m, 5ms);  // held, but short
  EXPECT_TRUE(reports.reports(ReportKind::kBlockedWhileHolding).empty());
}

TEST(BlockWarnTest, OffByDefault) {
  ReportCollector reports;
  Mutex m{"blocking.off"};
  SleepUnderSession(m, 30ms);
  EXPECT_TRUE(reports.reports(ReportKind::kBlockedWhileHolding).empty());
}

TEST(BlockWarnTest, OneReportPerCallSiteAndLock) {
  ReportCollector reports;
  BlockWarn warn(10);
  Mutex m{"blocking.repeat"};
  for (int i = 0; i < 3; ++i) SleepUnderSession(m, 20ms);
  EXPECT_EQ(reports.reports(ReportKind::kBlockedWhileHolding).size(), 1u);
}

__attribute__((noinline)) ssize_t ReadUnderLock(Mutex& m, int fd, char* buf, size_t n) {
  std::lock_guard lock(m);
  return read(fd, buf, n);
}

TEST(BlockWarnTest, AReadThatWaitsForAWriterIsReported) {
  ReportCollector reports;
  BlockWarn warn(20);
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  std::thread writer([&] {
    std::this_thread::sleep_for(80ms);
    ASSERT_EQ(write(fds[1], "x", 1), 1);
  });
  Mutex m{"blocking.reader"};
  char c = 0;
  EXPECT_EQ(ReadUnderLock(m, fds[0], &c, 1), 1);
  EXPECT_EQ(c, 'x');
  writer.join();
  close(fds[0]);
  close(fds[1]);
  const auto found = reports.reports(ReportKind::kBlockedWhileHolding);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].title.find("read()"), std::string::npos) << found[0].title;
  EXPECT_TRUE(StackMentions(found[0].threads[0].stack, "ReadUnderLock"));
}

TEST(BlockWarnTest, TheCallsResultAndErrnoAreThePrograms) {
  ReportCollector reports;
  BlockWarn warn(20);
  int sv[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  timeval timeout = {0, 80000};  // recv gives up after 80 ms: EAGAIN
  ASSERT_EQ(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout)), 0);
  Mutex m{"blocking.errno"};
  char c;
  ssize_t n;
  int err;
  {
    std::lock_guard lock(m);
    errno = 0;
    n = recv(sv[0], &c, 1, 0);
    err = errno;
  }
  EXPECT_EQ(n, -1);
  EXPECT_TRUE(err == EAGAIN || err == EWOULDBLOCK) << err;
  close(sv[0]);
  close(sv[1]);
  // Reporting it (symbolizing, formatting) did not touch the caller's errno.
  ASSERT_EQ(reports.reports(ReportKind::kBlockedWhileHolding).size(), 1u);
}

TEST(BlockWarnTest, AConditionWaitCountsTheOtherLocksHeldNotItsOwn) {
  ReportCollector reports;
  BlockWarn warn(20);
  Mutex outer{"blocking.outer"};
  Mutex inner{"blocking.inner"};
  ConditionVariable cv;
  {
    std::lock_guard hold_outer(outer);
    std::unique_lock lock(inner);
    cv.wait_for(lock, 80ms, [] { return false; });
  }
  const auto found = reports.reports(ReportKind::kBlockedWhileHolding);
  ASSERT_EQ(found.size(), 1u);
  const Report& r = found[0];
  EXPECT_NE(r.title.find("condition wait"), std::string::npos) << r.title;
  ASSERT_EQ(r.locks.size(), 1u);  // the wait releases "inner"
  EXPECT_EQ(r.locks[0].name, "blocking.outer");
}

TEST(BlockWarnTest, AnAnnotatedCallIsReportedUnderItsNameOnce) {
  ReportCollector reports;
  BlockWarn warn(20);
  Mutex m{"blocking.rpc"};
  {
    std::lock_guard lock(m);
    BlockingCall call("rpc to the metadata service");
    std::this_thread::sleep_for(60ms);  // inside the annotated call: not a second report
  }
  const auto found = reports.reports(ReportKind::kBlockedWhileHolding);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].title.find("in rpc to the metadata service"), std::string::npos)
      << found[0].title;
}

TEST(BlockWarnTest, TheCApiBracketsACall) {
  ReportCollector reports;
  BlockWarn warn(20);
  lockgraph_lock* h = lockgraph_lock_create("blocking.c_lock", 0);
  lockgraph_lock_before_lock(h, LOCKGRAPH_EXCLUSIVE, 0);
  lockgraph_lock_after_lock(h, LOCKGRAPH_EXCLUSIVE, 0);
  const long long token = lockgraph_blocking_begin("wait_for_device()");
  poll(nullptr, 0, 60);
  lockgraph_blocking_end(token);
  lockgraph_lock_after_unlock(h, LOCKGRAPH_EXCLUSIVE);
  lockgraph_lock_destroy(h);
  const auto found = reports.reports(ReportKind::kBlockedWhileHolding);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].title.find("wait_for_device()"), std::string::npos) << found[0].title;
}

__attribute__((noinline)) void WaitForeverUnderLock(Mutex& m, int fd, std::atomic<bool>* entered) {
  std::lock_guard lock(m);
  entered->store(true);
  char c;
  // Returns only when the test writes to the pipe, after the report.
  while (read(fd, &c, 1) < 0 && errno == EINTR) {
  }
}

TEST(BlockWarnTest, TheWatchdogReportsACallThatHasNotReturned) {
  ReportCollector reports;
  BlockWarn warn(50, /*watchdog=*/true, /*watchdog_ms=*/20);
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  Mutex m{"blocking.forever"};
  std::atomic<bool> entered{false};
  std::thread stuck([&] { WaitForeverUnderLock(m, fds[0], &entered); });
  const bool reported =
      Eventually([&] { return !reports.reports(ReportKind::kBlockedWhileHolding).empty(); });
  ASSERT_EQ(write(fds[1], "x", 1), 1);
  stuck.join();
  close(fds[0]);
  close(fds[1]);
  ASSERT_TRUE(reported);
  const auto found = reports.reports(ReportKind::kBlockedWhileHolding);
  ASSERT_EQ(found.size(), 1u);  // not again when the call returned
  const Report& r = found[0];
  EXPECT_NE(r.title.find("has been in read()"), std::string::npos) << r.title;
  ASSERT_EQ(r.locks.size(), 1u);
  EXPECT_EQ(r.locks[0].name, "blocking.forever");
#if defined(__SANITIZE_THREAD__)
  // TSan holds the sampling signal back until read() returns: the report
  // names the lock from what the thread published, without a stack.
  EXPECT_FALSE(r.threads[0].sampled);
#else
  EXPECT_TRUE(r.threads[0].sampled);
  EXPECT_TRUE(StackMentions(r.threads[0].stack, "WaitForeverUnderLock"));
#endif
}

// A program that exits right after the call the watchdog is reporting (the
// hang ended, the program finished) still gets the report: exit() waits for
// it. The slow callback stands in for symbolizing on a loaded machine.
TEST(BlockWarnDeathTest, AReportInProgressAtExitIsWritten) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        static std::atomic<bool> reporting{false};
        Options o = CurrentOptions();
        o.mode = Mode::kCallback;
        o.callback = [](const Report& r) {
          reporting.store(true);
          std::this_thread::sleep_for(300ms);
          std::fprintf(stderr, "report written: %s\n", r.title.c_str());
        };
        o.block_warn_ms = 50;
        o.watchdog = true;
        o.watchdog_ms = 20;
        Configure(o);
        int fds[2];
        if (pipe(fds) != 0) std::abort();
        Mutex m{"blocking.at_exit"};
        std::atomic<bool> entered{false};
        std::thread stuck([&] { WaitForeverUnderLock(m, fds[0], &entered); });
        while (!reporting.load()) std::this_thread::sleep_for(1ms);
        if (write(fds[1], "x", 1) != 1) std::abort();
        stuck.join();
        std::exit(0);
      },
      ::testing::ExitedWithCode(0),
      "report written: blocked while holding: .*has been in read\\(\\)");
}

TEST(BlockWarnDeathTest, AbortModeAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        Options o = CurrentOptions();
        o.mode = Mode::kAbort;
        o.block_warn_ms = 10;
        o.report_out = "stderr";
        Configure(o);
        Mutex m{"blocking.abort"};
        SleepUnderSession(m, 40ms);
      },
      "blocked while holding: thread [0-9]+ spent [0-9]+ ms in nanosleep\\(\\), holding "
      "\"blocking.abort\"");
}

TEST(BlockWarnTest, TheOptionParses) {
  Options o;
  std::string error;
  ASSERT_TRUE(ParseOptions("block_warn_ms=250", &o, &error)) << error;
  EXPECT_EQ(o.block_warn_ms, 250);
  EXPECT_TRUE(o.watchdog);  // for calls that never return
  EXPECT_FALSE(ParseOptions("block_warn_ms=-1", &o, &error));
  EXPECT_NE(error.find("block_warn_ms"), std::string::npos) << error;
}

}  // namespace
}  // namespace lockgraph
