// The public API, compiled twice: with the detector (lockgraph_api_on_test)
// and with LOCKGRAPH_DISABLE (lockgraph_api_off_test), where every wrapper
// must be its standard type in size and behaviour.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <type_traits>

#include "lockgraph/mutex.h"

namespace {

using namespace std::chrono_literals;

#if LOCKGRAPH_ON
static_assert(sizeof(lockgraph::Mutex) > sizeof(std::mutex));
#else
static_assert(sizeof(lockgraph::Mutex) == sizeof(std::mutex));
static_assert(sizeof(lockgraph::SharedMutex) == sizeof(std::shared_mutex));
static_assert(sizeof(lockgraph::RecursiveMutex) == sizeof(std::recursive_mutex));
static_assert(sizeof(lockgraph::TimedMutex) == sizeof(std::timed_mutex));
static_assert(sizeof(lockgraph::ConditionVariable) == sizeof(std::condition_variable));
#endif
static_assert(!std::is_copy_constructible_v<lockgraph::Mutex>);
static_assert(!std::is_move_constructible_v<lockgraph::SharedMutex>);

// Constant-initialized: safe to use from other static initializers.
constinit lockgraph::Mutex g_static_mutex{"api.static"};

struct Aggregate {
  lockgraph::Mutex mu;
  int value = 0;
};

TEST(ApiSurfaceTest, StandardLockHelpersWork) {
  lockgraph::Mutex a{"api.a"};
  lockgraph::Mutex b{"api.b", lockgraph::LockOptions{.rank = 3}};
  lockgraph::Mutex c{lockgraph::LockOptions{.tracked = false}};
  lockgraph::Mutex unnamed;
  { std::lock_guard g(a); }
  {
    std::unique_lock u(b, std::defer_lock);
    u.lock();
    EXPECT_TRUE(u.owns_lock());
  }
  { std::scoped_lock s(a, b, c); }
  std::lock(a, unnamed);
  a.unlock();
  unnamed.unlock();
  EXPECT_TRUE(a.try_lock());
  a.unlock();
  { std::lock_guard g(g_static_mutex); }
  Aggregate agg{};
  {
    std::lock_guard g(agg.mu);
    agg.value = 1;
  }
  EXPECT_EQ(agg.value, 1);
}

// True claims hold in both builds; compiled out, even false ones do nothing.
TEST(ApiSurfaceTest, AssertionsCompileAndTrueClaimsPass) {
  lockgraph::Mutex mu{"api.assert"};
  lockgraph::SharedMutex rw{"api.assert.rw"};
  lockgraph::RecursiveMutex rec{"api.assert.rec"};
  lockgraph::TimedMutex timed{"api.assert.timed"};
  lockgraph::AssertNoLocksHeld();
  {
    std::lock_guard g(mu);
    mu.AssertHeld();
    rw.AssertNotHeld();
  }
  {
    std::shared_lock r(rw);
    rw.AssertReaderHeld();
  }
  {
    std::scoped_lock both(rec, timed);
    rec.AssertHeld();
    timed.AssertHeld();
  }
  mu.AssertNotHeld();
#if !LOCKGRAPH_ON
  mu.AssertHeld();  // false, and compiled out: nothing happens
#endif
}

TEST(ApiSurfaceTest, SharedMutexHelpersWork) {
  lockgraph::SharedMutex m{"api.shared"};
  {
    std::shared_lock r1(m);
    EXPECT_TRUE(m.try_lock_shared());  // readers share
    m.unlock_shared();
    EXPECT_FALSE(m.try_lock());  // a writer does not get in
  }
  { std::unique_lock w(m); }
  EXPECT_TRUE(m.try_lock());
  m.unlock();
}

TEST(ApiSurfaceTest, RecursiveMutexReenters) {
  lockgraph::RecursiveMutex m{"api.recursive"};
  std::lock_guard a(m);
  std::lock_guard b(m);
  EXPECT_TRUE(m.try_lock());
  m.unlock();
}

TEST(ApiSurfaceTest, TimedMutexTimesOut) {
  lockgraph::TimedMutex m{"api.timed"};
  std::lock_guard held(m);
  bool got = true;
  std::thread([&] { got = m.try_lock_for(5ms); }).join();
  EXPECT_FALSE(got);
  std::thread([&] { got = m.try_lock_until(std::chrono::steady_clock::now() + 5ms); }).join();
  EXPECT_FALSE(got);
}

TEST(ApiSurfaceTest, ConditionVariableWaitsAndTimesOut) {
  lockgraph::Mutex m{"api.cv"};
  lockgraph::ConditionVariable cv;
  int stage = 0;
  std::thread t([&] {
    std::unique_lock l(m);
    cv.wait(l, [&] { return stage == 1; });
    stage = 2;
    cv.notify_one();
  });
  {
    std::unique_lock l(m);
    stage = 1;
    cv.notify_all();
    EXPECT_TRUE(cv.wait_for(l, 10s, [&] { return stage == 2; }));
    EXPECT_FALSE(cv.wait_for(l, 1ms, [] { return false; }));
    EXPECT_EQ(cv.wait_for(l, 1ms), std::cv_status::timeout);
    EXPECT_TRUE(l.owns_lock());
  }
  t.join();
}

TEST(ApiSurfaceTest, ConditionVariableAnyAcceptsEveryWrapper) {
  lockgraph::SharedMutex m{"api.cvany"};
  std::condition_variable_any cv;
  std::unique_lock l(m);
  EXPECT_EQ(cv.wait_for(l, 1ms), std::cv_status::timeout);
}

}  // namespace
