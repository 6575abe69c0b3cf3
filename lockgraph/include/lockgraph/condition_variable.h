// lockgraph/condition_variable.h
// -----------------------------------------------------------------------------
// lockgraph::ConditionVariable: std::condition_variable for
// std::unique_lock<lockgraph::Mutex>. Waiting releases the mutex in the
// detector's per-thread state and takes it back on wake-up, so locks taken
// around a wait are ordered correctly. For other lock types use
// std::condition_variable_any, which works with every lockgraph wrapper.
// Included by <lockgraph/mutex.h>.
#ifndef LOCKGRAPH_CONDITION_VARIABLE_H_
#define LOCKGRAPH_CONDITION_VARIABLE_H_

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "lockgraph/mutex.h"

namespace lockgraph {
inline namespace LOCKGRAPH_ABI_NAMESPACE {

class ConditionVariable {
 public:
  ConditionVariable() = default;
  ConditionVariable(const ConditionVariable&) = delete;
  ConditionVariable& operator=(const ConditionVariable&) = delete;

  void notify_one() noexcept { cv_.notify_one(); }
  void notify_all() noexcept { cv_.notify_all(); }

  // Requires: `lock` owns its mutex and this thread holds it.
  void wait(std::unique_lock<Mutex>& lock) {
    Released released(*lock.mutex());
    cv_.wait(released.native);
  }
  template <typename Predicate>
  void wait(std::unique_lock<Mutex>& lock, Predicate stop_waiting) {
    while (!stop_waiting()) wait(lock);
  }

  template <typename Clock, typename Duration>
  std::cv_status wait_until(std::unique_lock<Mutex>& lock,
                            const std::chrono::time_point<Clock, Duration>& deadline) {
    Released released(*lock.mutex());
    return cv_.wait_until(released.native, deadline);
  }
  template <typename Clock, typename Duration, typename Predicate>
  bool wait_until(std::unique_lock<Mutex>& lock,
                  const std::chrono::time_point<Clock, Duration>& deadline,
                  Predicate stop_waiting) {
    while (!stop_waiting()) {
      if (wait_until(lock, deadline) == std::cv_status::timeout) return stop_waiting();
    }
    return true;
  }

  template <typename Rep, typename Period>
  std::cv_status wait_for(std::unique_lock<Mutex>& lock,
                          const std::chrono::duration<Rep, Period>& timeout) {
    return wait_until(lock, std::chrono::steady_clock::now() + timeout);
  }
  template <typename Rep, typename Period, typename Predicate>
  bool wait_for(std::unique_lock<Mutex>& lock, const std::chrono::duration<Rep, Period>& timeout,
                Predicate stop_waiting) {
    return wait_until(lock, std::chrono::steady_clock::now() + timeout, std::move(stop_waiting));
  }

 private:
  // For the duration of a wait: the detector sees the mutex released, and the
  // native condition variable gets a std::unique_lock on the native mutex.
  // The destructor runs when the native wait returned with the mutex re-taken.
  struct Released {
    explicit Released(Mutex& m) : mutex(m), native(m.native_, std::adopt_lock) {
      internal::AfterUnlock(&mutex.state_);
      // The wait blocks: with block_warn_ms, the locks still held are timed across it.
      blocking = internal::BeginBlocking("condition wait", 0);
    }
    ~Released() {
      internal::EndBlocking(blocking);
      native.release();
      internal::BeforeLock(&mutex.state_, internal::AccessMode::kExclusive);
    }
    Mutex& mutex;
    std::unique_lock<std::mutex> native;
    int64_t blocking = 0;
  };

  std::condition_variable cv_;
};

#if !LOCKGRAPH_ON
static_assert(sizeof(ConditionVariable) == sizeof(std::condition_variable));
#endif

}  // namespace LOCKGRAPH_ABI_NAMESPACE
}  // namespace lockgraph

#endif  // LOCKGRAPH_CONDITION_VARIABLE_H_
