// Every thread that has used a lockgraph lock, for the watchdog: the list of
// ThreadStates, and sampling a thread's current stack and held locks from
// outside it (a signal the thread answers in its own handler, unwinding with
// libunwind's async-signal-safe local unwinder).
#ifndef LOCKGRAPH_SRC_INTERNAL_THREAD_REGISTRY_H_
#define LOCKGRAPH_SRC_INTERNAL_THREAD_REGISTRY_H_

#include <cstdint>
#include <vector>

#include "internal/raw_mutex.h"
#include "lockgraph/internal/lock_state.h"
#include "lockgraph/internal/thread_state.h"

namespace lockgraph::internal {

struct SampledThread {
  int tid = 0;
  bool answered = false;  // false: the thread did not answer the signal in time
  std::vector<uintptr_t> pcs;
  std::vector<std::pair<LockState*, AccessMode>> held;
};

class ThreadRegistry {
 public:
  static ThreadRegistry& Get();

  void Add(ThreadState* ts);
  void Remove(ThreadState* ts);

  // Calls f(ThreadState*) for every registered thread, under the registry's
  // lock (threads cannot exit meanwhile). f must not lock or allocate.
  template <typename F>
  void ForEach(F&& f) {
    RawLockGuard guard(mu_);
    for (ThreadState* ts = head_; ts != nullptr; ts = ts->registry_next) f(ts);
  }

  // Samples thread `tid` (its stack and held locks), waiting at most
  // `timeout_ms` for its signal handler to answer.
  SampledThread Sample(int tid, int timeout_ms);

  // Sets or clears kBypassTimed in every thread's state (and for new threads).
  void SetTimed(bool timed);
  bool timed() const { return timed_.load(std::memory_order_relaxed); }

  // fork(): the forking thread holds the lock across it (fork_gate.h).
  void LockForFork() LOCKGRAPH_ACQUIRE(mu_);
  void UnlockAfterFork() LOCKGRAPH_RELEASE(mu_);
  // In a forked child only the forking thread (`self`, or none) exists. Forgets the
  // others and returns what they held: (lock, holder's thread id) pairs.
  std::vector<std::pair<LockState*, int>> ResetAfterFork(ThreadState* self);

 private:
  ThreadRegistry();
  RawMutex mu_;
  ThreadState* head_ LOCKGRAPH_GUARDED_BY(mu_) = nullptr;
  std::atomic<bool> timed_{false};
  int signal_ = 0;
};

// Current time for wait and hold measurements (CLOCK_MONOTONIC), in ns.
int64_t MonotonicNanos();

}  // namespace lockgraph::internal

#endif  // LOCKGRAPH_SRC_INTERNAL_THREAD_REGISTRY_H_
