// A futex-based mutex for the detector's own state.
//
// The detector never uses what it instruments: std::mutex goes through
// pthread_mutex_lock, which an LD_PRELOAD build of lockgraph interposes, so the
// detector's locks are built directly on the futex system call.
#ifndef LOCKGRAPH_SRC_INTERNAL_RAW_MUTEX_H_
#define LOCKGRAPH_SRC_INTERNAL_RAW_MUTEX_H_

#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <mutex>  // std::adopt_lock_t

#include "lockgraph/thread_annotations.h"

namespace lockgraph::internal {

// Three states: 0 free, 1 locked, 2 locked with possible waiters (Drepper,
// "Futexes Are Tricky", mutex #3).
class LOCKGRAPH_CAPABILITY("mutex") RawMutex {
 public:
  constexpr RawMutex() = default;
  RawMutex(const RawMutex&) = delete;
  RawMutex& operator=(const RawMutex&) = delete;

  void lock() noexcept LOCKGRAPH_ACQUIRE() {
    uint32_t c = 0;
    if (state_.compare_exchange_strong(c, 1, std::memory_order_acquire)) return;
    if (c != 2) c = state_.exchange(2, std::memory_order_acquire);
    while (c != 0) {
      Wait();
      c = state_.exchange(2, std::memory_order_acquire);
    }
  }
  void unlock() noexcept LOCKGRAPH_RELEASE() {
    if (state_.exchange(0, std::memory_order_release) == 2) Wake();
  }
  bool try_lock() noexcept LOCKGRAPH_TRY_ACQUIRE(true) {
    uint32_t c = 0;
    return state_.compare_exchange_strong(c, 1, std::memory_order_acquire);
  }
  // lock(), giving up after about `timeout_ms`: for paths that must never
  // hang (writing the graph at exit while another thread may be stopped
  // inside the detector). False: not acquired.
  bool LockFor(int timeout_ms) noexcept LOCKGRAPH_TRY_ACQUIRE(true) {
    if (try_lock()) return true;
    timespec slice = {0, 10 * 1000 * 1000};
    for (int waited = 0; waited < timeout_ms; waited += 10) {
      uint32_t c = state_.exchange(2, std::memory_order_acquire);
      if (c == 0) return true;
      Wait(&slice);
    }
    return state_.exchange(2, std::memory_order_acquire) == 0;
  }

 private:
  void Wait(const timespec* timeout = nullptr) noexcept {
    syscall(SYS_futex, reinterpret_cast<uint32_t*>(&state_), FUTEX_WAIT_PRIVATE, 2, timeout,
            nullptr, 0);
  }
  void Wake() noexcept {
    syscall(SYS_futex, reinterpret_cast<uint32_t*>(&state_), FUTEX_WAKE_PRIVATE, 1, nullptr,
            nullptr, 0);
  }

  std::atomic<uint32_t> state_{0};
};

class LOCKGRAPH_SCOPED_CAPABILITY RawLockGuard {
 public:
  explicit RawLockGuard(RawMutex& mu) noexcept LOCKGRAPH_ACQUIRE(mu) : mu_(mu) { mu_.lock(); }
  // Adopts `mu`, already locked by this thread (after a successful try_lock
  // or LockFor).
  RawLockGuard(RawMutex& mu, std::adopt_lock_t) noexcept LOCKGRAPH_REQUIRES(mu) : mu_(mu) {}
  ~RawLockGuard() LOCKGRAPH_RELEASE() { mu_.unlock(); }
  RawLockGuard(const RawLockGuard&) = delete;
  RawLockGuard& operator=(const RawLockGuard&) = delete;

 private:
  RawMutex& mu_;
};

}  // namespace lockgraph::internal

#endif  // LOCKGRAPH_SRC_INTERNAL_RAW_MUTEX_H_
