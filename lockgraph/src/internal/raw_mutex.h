// A futex-based mutex for the detector's own state.
//
// The detector never uses what it instruments: std::mutex goes through
// pthread_mutex_lock, which an LD_PRELOAD build of lockgraph interposes, so the
// detector's locks are built directly on the futex system call.
#ifndef LOCKGRAPH_SRC_INTERNAL_RAW_MUTEX_H_
#define LOCKGRAPH_SRC_INTERNAL_RAW_MUTEX_H_

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>

namespace lockgraph::internal {

// Three states: 0 free, 1 locked, 2 locked with possible waiters (Drepper,
// "Futexes Are Tricky", mutex #3).
class RawMutex {
 public:
  constexpr RawMutex() = default;
  RawMutex(const RawMutex&) = delete;
  RawMutex& operator=(const RawMutex&) = delete;

  void lock() noexcept {
    uint32_t c = 0;
    if (state_.compare_exchange_strong(c, 1, std::memory_order_acquire)) return;
    if (c != 2) c = state_.exchange(2, std::memory_order_acquire);
    while (c != 0) {
      Wait();
      c = state_.exchange(2, std::memory_order_acquire);
    }
  }
  void unlock() noexcept {
    if (state_.exchange(0, std::memory_order_release) == 2) Wake();
  }

 private:
  void Wait() noexcept {
    syscall(SYS_futex, reinterpret_cast<uint32_t*>(&state_), FUTEX_WAIT_PRIVATE, 2, nullptr,
            nullptr, 0);
  }
  void Wake() noexcept {
    syscall(SYS_futex, reinterpret_cast<uint32_t*>(&state_), FUTEX_WAKE_PRIVATE, 1, nullptr,
            nullptr, 0);
  }

  std::atomic<uint32_t> state_{0};
};

class RawLockGuard {
 public:
  explicit RawLockGuard(RawMutex& mu) noexcept : mu_(mu) { mu_.lock(); }
  ~RawLockGuard() { mu_.unlock(); }
  RawLockGuard(const RawLockGuard&) = delete;
  RawLockGuard& operator=(const RawLockGuard&) = delete;

 private:
  RawMutex& mu_;
};

}  // namespace lockgraph::internal

#endif  // LOCKGRAPH_SRC_INTERNAL_RAW_MUTEX_H_
