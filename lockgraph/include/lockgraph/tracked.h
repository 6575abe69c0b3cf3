// lockgraph/tracked.h
// -----------------------------------------------------------------------------
// lockgraph::Tracked<L>: the wrappers' checks for any lock type. L needs
// lock()/unlock() (BasicLockable); try_lock(), lock_shared(),
// try_lock_shared() and unlock_shared() forward to L's and compile only
// where they are used, so L needs them only if the program calls them. The
// wrapper holds an L and calls the same hooks in the same places as
// lockgraph::Mutex, so it costs the same on top of L, and has the same
// semantics (see mutex.h): orders and cycles, try-locks forming groups, shared
// modes, ranks, assertions, PrivateScope.
//
//   struct SpinLock { void lock(); bool try_lock(); void unlock(); ... };
//   lockgraph::Tracked<SpinLock> table_lock{"engine.table"};
//   std::lock_guard g(table_lock);
//
// A lock whose member names differ (absl::Mutex: Lock, ReaderLock...) gets a
// small adapter: lockgraph/absl_mutex.h is the one shipped. For locks in C
// code, or whose acquisitions cannot be wrapped, lockgraph/lockgraph.h has
// the same hooks as C functions.
//
// What it does not see: blocking waits inside L (the watchdog sees a thread
// waiting for a Tracked lock only through what glibc records, so not for a
// spinlock), and a lock()/unlock() on the inner lock through native().
//
// With LOCKGRAPH_DISABLE the wrapper is L plus nothing (no detector state).
#ifndef LOCKGRAPH_TRACKED_H_
#define LOCKGRAPH_TRACKED_H_

#include <utility>

#include "lockgraph/config.h"
#include "lockgraph/internal/lock_state.h"
#include "lockgraph/lock_options.h"
#include "lockgraph/mutex.h"
#include "lockgraph/source_location.h"
#include "lockgraph/thread_annotations.h"

namespace lockgraph {
inline namespace LOCKGRAPH_ABI_NAMESPACE {

class AbslMutex;

template <typename L>
class LOCKGRAPH_CAPABILITY("mutex") Tracked {
 public:
  constexpr Tracked(const SourceLocation& site = SourceLocation::current()) noexcept
      : state_(nullptr, LockOptions{}, 0, site) {}
  constexpr explicit Tracked(const char* name,
                             const SourceLocation& site = SourceLocation::current()) noexcept
      : state_(name, LockOptions{}, 0, site) {}
  constexpr Tracked(const char* name, LockOptions options,
                    const SourceLocation& site = SourceLocation::current()) noexcept
      : state_(name, options, 0, site) {}
  ~Tracked() { internal::OnDestroy(&state_); }
  Tracked(const Tracked&) = delete;
  Tracked& operator=(const Tracked&) = delete;

  void lock() LOCKGRAPH_ACQUIRE() {
    internal::BeforeLock(&state_, internal::AccessMode::kExclusive);
    native_.lock();
  }
  bool try_lock() LOCKGRAPH_TRY_ACQUIRE(true) {
    if (!native_.try_lock()) return false;
    internal::AfterTryLock(&state_, internal::AccessMode::kExclusive);
    return true;
  }
  void unlock() LOCKGRAPH_RELEASE() {
    native_.unlock();
    internal::AfterUnlock(&state_);
  }
  void lock_shared() LOCKGRAPH_ACQUIRE_SHARED() {
    internal::BeforeLock(&state_, internal::AccessMode::kShared);
    native_.lock_shared();
  }
  bool try_lock_shared() LOCKGRAPH_TRY_ACQUIRE_SHARED(true) {
    if (!native_.try_lock_shared()) return false;
    internal::AfterTryLock(&state_, internal::AccessMode::kShared);
    return true;
  }
  void unlock_shared() LOCKGRAPH_RELEASE_SHARED() {
    native_.unlock_shared();
    internal::AfterUnlock(&state_);
  }

  // Held-lock assertions, as on lockgraph::Mutex (see mutex.h).
  void AssertHeld() const noexcept LOCKGRAPH_ASSERT_CAPABILITY(this) {
    internal::Assert(&state_, internal::AssertKind::kHeld);
  }
  void AssertReaderHeld() const noexcept LOCKGRAPH_ASSERT_SHARED_CAPABILITY(this) {
    internal::Assert(&state_, internal::AssertKind::kReaderHeld);
  }
  void AssertNotHeld() const noexcept { internal::Assert(&state_, internal::AssertKind::kNotHeld); }

  // The wrapped lock, for APIs that need it (a condition variable's wait).
  // Locking it directly bypasses the checks.
  L& native() noexcept { return native_; }

 private:
  friend class PrivateScope;
  friend class AbslMutex;  // its condition-variable wait updates the state
  L native_;
  [[no_unique_address]] internal::LockState state_;
};

}  // namespace LOCKGRAPH_ABI_NAMESPACE
}  // namespace lockgraph

#endif  // LOCKGRAPH_TRACKED_H_
