// Tracked<L> and the absl::Mutex adapter: the wrappers' checks on other lock
// types, with their modes, try-locks, assertions and condition-variable waits.
#include "lockgraph/tracked.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "lockgraph/absl_mutex.h"
#include "report_collector.h"

namespace lockgraph {
namespace {

using testing::ReportCollector;
using testing::RunInThread;
using testing::TakeBothWays;

// The spinlock example of the user guide.
class SpinLock {
 public:
  void lock() {
    while (held_.exchange(true, std::memory_order_acquire)) {
      while (held_.load(std::memory_order_relaxed)) {
      }
    }
  }
  bool try_lock() { return !held_.exchange(true, std::memory_order_acquire); }
  void unlock() { held_.store(false, std::memory_order_release); }

 private:
  std::atomic<bool> held_{false};
};

// Debian's Abseil is built without ThreadSanitizer, which then cannot see the
// ordering absl::Mutex provides and reports the data it protects as races
// (sanitizers/README.md).
#if defined(__SANITIZE_THREAD__)
#define SKIP_UNDER_TSAN() GTEST_SKIP() << "absl::Mutex is not instrumented for TSan here"
#else
#define SKIP_UNDER_TSAN() (void)0
#endif

TEST(TrackedTest, ASpinlockCycleIsReported) {
  ReportCollector collector;
  Tracked<SpinLock> a{"tracked.spin.a"}, b{"tracked.spin.b"};
  TakeBothWays(a, b);
  EXPECT_EQ(Inversions(collector), 1u);
}

TEST(TrackedTest, MixesWithTheWrappers) {
  ReportCollector collector;
  Tracked<SpinLock> spin{"tracked.mix.spin"};
  Mutex mu{"tracked.mix.mu"};
  TakeBothWays(spin, mu);
  EXPECT_EQ(Inversions(collector), 1u);
}

TEST(TrackedTest, SharedModesAndTryLocksKeepTheirMeaning) {
  ReportCollector collector;
  Tracked<std::shared_mutex> a{"tracked.rw.a"}, b{"tracked.rw.b"};
  RunInThread([&] {
    std::shared_lock ga(a);
    std::shared_lock gb(b);
  });
  RunInThread([&] {
    std::shared_lock gb(b);
    std::shared_lock ga(a);
  });
  EXPECT_EQ(Inversions(collector), 0u) << "readers do not block readers";
  Tracked<SpinLock> x{"tracked.try.x"}, y{"tracked.try.y"};
  RunInThread([&] { std::scoped_lock both(x, y); });
  RunInThread([&] { std::scoped_lock both(y, x); });
  EXPECT_EQ(Inversions(collector), 0u) << "std::scoped_lock takes a group, not an order";
}

TEST(TrackedTest, Assertions) {
  ReportCollector collector;
  Tracked<SpinLock> spin{"tracked.assert"};
  {
    std::lock_guard g(spin);
    spin.AssertHeld();
  }
  spin.AssertNotHeld();
  EXPECT_TRUE(collector.reports(ReportKind::kAssertionFailed).empty());
  spin.AssertHeld();
  EXPECT_EQ(collector.reports(ReportKind::kAssertionFailed).size(), 1u);
}

TEST(AbslMutexTest, WriterAndReaderCyclesAreReported) {
  SKIP_UNDER_TSAN();
  // Abseil's own detector (on in debug builds) would abort on the inversion
  // this test makes on purpose; lockgraph reports it instead.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  ReportCollector collector;
  AbslMutex a{"absl.a"}, b{"absl.b"};
  RunInThread([&] {
    AbslMutexLock ga(&a);
    AbslMutexLock gb(&b);
  });
  RunInThread([&] {
    AbslMutexLock gb(&b);
    AbslMutexLock ga(&a);
  });
  EXPECT_EQ(Inversions(collector), 1u);
  AbslMutex r{"absl.r"}, s{"absl.s"};
  RunInThread([&] {
    AbslReaderMutexLock gr(&r);
    AbslReaderMutexLock gs(&s);
  });
  RunInThread([&] {
    AbslReaderMutexLock gs(&s);
    AbslReaderMutexLock gr(&r);
  });
  // absl::Mutex queues readers behind a waiting writer: a third thread's
  // WriterLock(r) between them deadlocks the two readers.
  EXPECT_EQ(Inversions(collector), 2u) << "AbslMutex is writer-preferring";
  {
    AbslReaderMutexLock gr(&r);
    r.AssertReaderHeld();
  }
  EXPECT_TRUE(collector.reports(ReportKind::kAssertionFailed).empty());
}

// Waiting on a condition variable while holding another lock taken after the
// mutex: on wake-up the mutex is taken again under that lock, the order the
// other way round. Abseil takes it inside CondVar::Wait; AbslMutex::Wait
// tells lockgraph.
TEST(AbslMutexTest, TheReacquisitionAfterAConditionWaitIsAnOrder) {
  SKIP_UNDER_TSAN();
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  ReportCollector collector;
  AbslMutex mu{"absl.cv.mu"};
  Mutex other{"absl.cv.other"};
  absl::CondVar cv;
  bool ready = false;
  std::thread signaller;
  {
    AbslMutexLock g(&mu);
    std::lock_guard o(other);  // mu -> other
    // Started while mu is held: it can only signal once Wait released mu, so
    // the wait below always happens.
    signaller = std::thread([&] {
      AbslMutexLock g(&mu);
      ready = true;
      cv.Signal();
    });
    while (!ready) mu.Wait(&cv);  // wakes holding other: other -> mu
    mu.AssertHeld();
  }
  signaller.join();
  EXPECT_EQ(Inversions(collector), 1u);
}

// Readers in opposite orders: no cycle where a reader gets in while a writer
// waits (glibc, std::shared_mutex: the default), a cycle where it queues
// behind the writer (LockOptions::writer_preferring, or prefer_writers=1).
void ReadersBothWays(SharedMutex& r, SharedMutex& s) { TakeBothWays<std::shared_lock>(r, s); }

TEST(WriterPreferenceTest, ReaderPairsAreACycleOnlyWhereReadersQueueBehindWriters) {
  ReportCollector collector;
  SharedMutex r1{"prefer.default.r"}, s1{"prefer.default.s"};
  ReadersBothWays(r1, s1);
  EXPECT_EQ(Inversions(collector), 0u) << "readers pass a waiting writer by default";
  // One writer-preferring lock is not enough: at the other, the second
  // reader still gets in.
  SharedMutex r2{"prefer.one.r", LockOptions{.writer_preferring = true}};
  SharedMutex s2{"prefer.one.s"};
  ReadersBothWays(r2, s2);
  EXPECT_EQ(Inversions(collector), 0u) << "readers still pass at s2";
  SharedMutex r3{"prefer.both.r", LockOptions{.writer_preferring = true}};
  SharedMutex s3{"prefer.both.s", LockOptions{.writer_preferring = true}};
  ReadersBothWays(r3, s3);
  EXPECT_EQ(Inversions(collector), 1u) << "both queue their readers behind writers";
}

TEST(WriterPreferenceTest, TheOptionAssumesItOfEveryLock) {
  ReportCollector collector;
  Options o = CurrentOptions();
  o.prefer_writers = true;
  Configure(o);
  SharedMutex r{"prefer.option.r"}, s{"prefer.option.s"};
  ReadersBothWays(r, s);
  o.prefer_writers = false;
  Configure(o);
  EXPECT_EQ(Inversions(collector), 1u);
  std::string error;
  ASSERT_TRUE(ParseOptions("prefer_writers=1", &o, &error)) << error;
  EXPECT_TRUE(o.prefer_writers);
}

}  // namespace
}  // namespace lockgraph
