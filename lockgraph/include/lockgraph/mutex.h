// lockgraph/mutex.h
// -----------------------------------------------------------------------------
// Drop-in replacements for the standard mutex types that record a global
// lock-order graph and report any cycle in it (a deadlock that could happen)
// the moment the cycle appears, even if this run never hangs.
//
//   std::mutex               -> lockgraph::Mutex
//   std::shared_mutex        -> lockgraph::SharedMutex
//   std::recursive_mutex     -> lockgraph::RecursiveMutex
//   std::timed_mutex         -> lockgraph::TimedMutex
//   std::condition_variable  -> lockgraph::ConditionVariable (with std::unique_lock<Mutex>)
//
// Each type meets the standard Lockable / TimedLockable / SharedLockable
// requirements, so std::lock_guard, std::unique_lock, std::scoped_lock,
// std::shared_lock, std::lock and std::condition_variable_any work unchanged.
//
// A lock may be named; unnamed locks are identified by the source location of
// their construction. The name must outlive the lock (a string literal):
//
//   lockgraph::Mutex mu{"cache.shard"};
//   lockgraph::Mutex row_mu{"db.row", lockgraph::LockOptions{.rank = row_id}};
//
// Semantics the detector applies:
//   * B acquired (blocking) while A is held records the edge A -> B.
//   * A successful try_lock / try_lock_for / try_lock_until adds no edge into
//     the lock it took (it cannot wait forever), but the lock counts as held.
//     std::lock and std::scoped_lock of several locks therefore form a group,
//     not an order.
//   * Re-entering a RecursiveMutex adds nothing; re-locking a non-recursive
//     lock the thread holds is reported as a self-deadlock before it hangs.
//   * Two shared acquisitions never block each other: a cycle whose only
//     contention points are shared-shared is not reported.
//
// Held-lock assertions (as absl::Mutex and lockdep_assert_held): AssertHeld()
// claims the calling thread holds the lock exclusively, AssertReaderHeld() in
// either mode (SharedMutex), AssertNotHeld() that it does not hold it, and
// lockgraph::AssertNoLocksHeld() that it holds no lockgraph lock at all (before
// a blocking call, at the top of an event-loop iteration). A false claim is a
// report of kind kAssertionFailed through the configured mode (printed; with
// mode=abort the program aborts), once per call site and lock class. The
// check reads only the calling thread's own held-lock list. With the detector
// compiled out they are empty, and to clang's -Wthread-safety AssertHeld and
// AssertReaderHeld still say the capability is held from there on. Locks the
// detector does not see (LockOptions{.tracked = false}, or taken inside a
// report callback) are not judged: assertions on them never fail.
//
// Thread safety: every member is safe to call from any thread, as for the
// standard types. Destroying a lock that is held is undefined, as for them.
//
// With LOCKGRAPH_DISABLE defined (CMake -DLOCKGRAPH=OFF) every wrapper has the
// size and code of its standard type, which a static_assert below proves.
#ifndef LOCKGRAPH_MUTEX_H_
#define LOCKGRAPH_MUTEX_H_

#include <chrono>
#include <mutex>
#include <shared_mutex>
#include <type_traits>

#include "lockgraph/config.h"
#include "lockgraph/internal/lock_state.h"
#include "lockgraph/lock_options.h"
#include "lockgraph/source_location.h"
#include "lockgraph/thread_annotations.h"

namespace lockgraph {
namespace internal {
inline namespace LOCKGRAPH_ABI_NAMESPACE {

// Storage and construction shared by every wrapper: the standard lock and the
// detector's state (an empty type when the detector is compiled out).
template <typename Native, uint32_t kKindFlags>
class LockBase {
 public:
  // Unnamed: the class of the lock is its construction site.
  constexpr LockBase(
      const lockgraph::SourceLocation& site = lockgraph::SourceLocation::current()) noexcept
      : state_(nullptr, LockOptions{}, kKindFlags, site) {}
  constexpr explicit LockBase(const char* name, const lockgraph::SourceLocation& site =
                                                    lockgraph::SourceLocation::current()) noexcept
      : state_(name, LockOptions{}, kKindFlags, site) {}
  constexpr LockBase(
      const char* name, LockOptions options,
      const lockgraph::SourceLocation& site = lockgraph::SourceLocation::current()) noexcept
      : state_(name, options, kKindFlags, site) {}
  constexpr explicit LockBase(
      LockOptions options,
      const lockgraph::SourceLocation& site = lockgraph::SourceLocation::current()) noexcept
      : state_(nullptr, options, kKindFlags, site) {}

  ~LockBase() { OnDestroy(&state_); }
  LockBase(const LockBase&) = delete;
  LockBase& operator=(const LockBase&) = delete;

 protected:
  void AssertThat(AssertKind kind) const noexcept { Assert(&state_, kind); }

  // Where glibc records the owner: a pthread mutex, or a pthread rwlock.
  static constexpr NativeKind kNativeKind =
      std::is_same_v<Native, std::shared_mutex> ? NativeKind::kRwlock : NativeKind::kMutex;

  template <AccessMode kMode>
  void Lock() {
    BeforeLock(&state_, kMode);
    AcquireNative<kMode>(kNativeKind);
  }
  template <AccessMode kMode>
  bool TryLock() {
    if constexpr (kMode == AccessMode::kShared) {
      if (!native_.try_lock_shared()) return false;
    } else {
      if (!native_.try_lock()) return false;
    }
    AfterTryLock(&state_, kMode);
    return true;
  }
  template <AccessMode kMode>
  void Unlock() {
    if constexpr (kMode == AccessMode::kShared) {
      native_.unlock_shared();
    } else {
      native_.unlock();
    }
    AfterUnlock(&state_);
  }

  // The blocking acquisition, after BeforeLock. Only a contended one
  // publishes what the thread waits for (the watchdog reads it) and times
  // the wait. A plain or timed mutex whose lock word (glibc's
  // pthread_mutex_t::__lock) reads free is simply locked: glibc's trylock
  // costs more than its lock on some machines (3.4 ns on the CI host, see
  // docs/benchmarks.md). A wait that starts in the
  // instant between that read and the lock goes unpublished; the order
  // check has already run. The other types start with a try_lock.
  template <AccessMode kMode>
  void AcquireNative(NativeKind kind) {
#if LOCKGRAPH_ON
    if constexpr (kMode == AccessMode::kExclusive && (std::is_same_v<Native, std::mutex> ||
                                                      std::is_same_v<Native, std::timed_mutex>)) {
      if (__atomic_load_n(&native_.native_handle()->__data.__lock, __ATOMIC_RELAXED) == 0) {
        native_.lock();
        return;
      }
    } else if constexpr (kMode == AccessMode::kShared) {
      if (native_.try_lock_shared()) return;
    } else {
      if (native_.try_lock()) return;
    }
    AcquireContended<kMode>(kind);
#else
    (void)kind;
    if constexpr (kMode == AccessMode::kShared) {
      native_.lock_shared();
    } else {
      native_.lock();
    }
#endif
  }

#if LOCKGRAPH_ON
  // Out of line and cold, so that lock() itself stays small enough to inline.
  template <AccessMode kMode>
  [[gnu::noinline, gnu::cold]] void AcquireContended(NativeKind kind) {
    WaitScope wait(&state_, kMode, native_.native_handle(), kind);
    if constexpr (kMode == AccessMode::kShared) {
      native_.lock_shared();
    } else {
      native_.lock();
    }
  }
#endif

  Native native_;
  [[no_unique_address]] LockState state_;
};

}  // namespace LOCKGRAPH_ABI_NAMESPACE
}  // namespace internal

inline namespace LOCKGRAPH_ABI_NAMESPACE {

class ConditionVariable;
class PrivateScope;

// A non-recursive exclusive lock (std::mutex).
class LOCKGRAPH_CAPABILITY("mutex") Mutex : private internal::LockBase<std::mutex, 0> {
 public:
  using LockBase::LockBase;
  friend class PrivateScope;
  // Declared here, not inherited, so the default argument names the caller.
  constexpr Mutex(
      const lockgraph::SourceLocation& site = lockgraph::SourceLocation::current()) noexcept
      : LockBase(site) {}

  void lock() LOCKGRAPH_ACQUIRE() { Lock<internal::AccessMode::kExclusive>(); }
  bool try_lock() LOCKGRAPH_TRY_ACQUIRE(true) {
    return TryLock<internal::AccessMode::kExclusive>();
  }
  void unlock() LOCKGRAPH_RELEASE() { Unlock<internal::AccessMode::kExclusive>(); }

  // See "Held-lock assertions" above.
  void AssertHeld() const noexcept LOCKGRAPH_ASSERT_CAPABILITY(this) {
    AssertThat(internal::AssertKind::kHeld);
  }
  void AssertNotHeld() const noexcept { AssertThat(internal::AssertKind::kNotHeld); }

 private:
  friend class ConditionVariable;
};

// A reader/writer lock (std::shared_mutex).
class LOCKGRAPH_CAPABILITY("shared_mutex") SharedMutex
    : private internal::LockBase<std::shared_mutex, 0> {
 public:
  using LockBase::LockBase;
  friend class PrivateScope;
  // Declared here, not inherited, so the default argument names the caller.
  constexpr SharedMutex(
      const lockgraph::SourceLocation& site = lockgraph::SourceLocation::current()) noexcept
      : LockBase(site) {}

  void lock() LOCKGRAPH_ACQUIRE() { Lock<internal::AccessMode::kExclusive>(); }
  bool try_lock() LOCKGRAPH_TRY_ACQUIRE(true) {
    return TryLock<internal::AccessMode::kExclusive>();
  }
  void unlock() LOCKGRAPH_RELEASE() { Unlock<internal::AccessMode::kExclusive>(); }
  void lock_shared() LOCKGRAPH_ACQUIRE_SHARED() { Lock<internal::AccessMode::kShared>(); }
  bool try_lock_shared() LOCKGRAPH_TRY_ACQUIRE_SHARED(true) {
    return TryLock<internal::AccessMode::kShared>();
  }
  void unlock_shared() LOCKGRAPH_RELEASE_SHARED() { Unlock<internal::AccessMode::kShared>(); }

  // See "Held-lock assertions" above. AssertHeld: held exclusively;
  // AssertReaderHeld: held in either mode.
  void AssertHeld() const noexcept LOCKGRAPH_ASSERT_CAPABILITY(this) {
    AssertThat(internal::AssertKind::kHeld);
  }
  void AssertReaderHeld() const noexcept LOCKGRAPH_ASSERT_SHARED_CAPABILITY(this) {
    AssertThat(internal::AssertKind::kReaderHeld);
  }
  void AssertNotHeld() const noexcept { AssertThat(internal::AssertKind::kNotHeld); }
};

// A lock its holder may take again (std::recursive_mutex).
class LOCKGRAPH_CAPABILITY("mutex") RecursiveMutex
    : private internal::LockBase<std::recursive_mutex, internal::kFlagRecursive> {
 public:
  using LockBase::LockBase;
  friend class PrivateScope;
  // Declared here, not inherited, so the default argument names the caller.
  constexpr RecursiveMutex(
      const lockgraph::SourceLocation& site = lockgraph::SourceLocation::current()) noexcept
      : LockBase(site) {}

  void lock() LOCKGRAPH_ACQUIRE() { Lock<internal::AccessMode::kExclusive>(); }
  bool try_lock() LOCKGRAPH_TRY_ACQUIRE(true) {
    return TryLock<internal::AccessMode::kExclusive>();
  }
  void unlock() LOCKGRAPH_RELEASE() { Unlock<internal::AccessMode::kExclusive>(); }

  // See "Held-lock assertions" above.
  void AssertHeld() const noexcept LOCKGRAPH_ASSERT_CAPABILITY(this) {
    AssertThat(internal::AssertKind::kHeld);
  }
  void AssertNotHeld() const noexcept { AssertThat(internal::AssertKind::kNotHeld); }
};

// A lock with timed acquisition (std::timed_mutex). A timed acquisition that
// succeeds is treated like try_lock: it cannot wait forever.
class LOCKGRAPH_CAPABILITY("mutex") TimedMutex : private internal::LockBase<std::timed_mutex, 0> {
 public:
  using LockBase::LockBase;
  friend class PrivateScope;
  // Declared here, not inherited, so the default argument names the caller.
  constexpr TimedMutex(
      const lockgraph::SourceLocation& site = lockgraph::SourceLocation::current()) noexcept
      : LockBase(site) {}

  void lock() LOCKGRAPH_ACQUIRE() { Lock<internal::AccessMode::kExclusive>(); }
  bool try_lock() LOCKGRAPH_TRY_ACQUIRE(true) {
    return TryLock<internal::AccessMode::kExclusive>();
  }
  template <typename Rep, typename Period>
  bool try_lock_for(const std::chrono::duration<Rep, Period>& timeout) LOCKGRAPH_TRY_ACQUIRE(true) {
    if (!native_.try_lock_for(timeout)) return false;
    internal::AfterTryLock(&state_, internal::AccessMode::kExclusive);
    return true;
  }
  template <typename Clock, typename Duration>
  bool try_lock_until(const std::chrono::time_point<Clock, Duration>& deadline)
      LOCKGRAPH_TRY_ACQUIRE(true) {
    if (!native_.try_lock_until(deadline)) return false;
    internal::AfterTryLock(&state_, internal::AccessMode::kExclusive);
    return true;
  }
  void unlock() LOCKGRAPH_RELEASE() { Unlock<internal::AccessMode::kExclusive>(); }

  // See "Held-lock assertions" above.
  void AssertHeld() const noexcept LOCKGRAPH_ASSERT_CAPABILITY(this) {
    AssertThat(internal::AssertKind::kHeld);
  }
  void AssertNotHeld() const noexcept { AssertThat(internal::AssertKind::kNotHeld); }
};

// Scoped guards annotated for clang's -Wthread-safety. libstdc++'s
// std::lock_guard carries no annotations, so code checked with
// -Wthread-safety uses these; they are otherwise the same as
// std::lock_guard / std::shared_lock.
template <typename M>
class LOCKGRAPH_SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(M& mu) LOCKGRAPH_ACQUIRE(mu) : mu_(mu) { mu_.lock(); }
  ~MutexLock() LOCKGRAPH_RELEASE() { mu_.unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  M& mu_;
};

class LOCKGRAPH_SCOPED_CAPABILITY ReaderLock {
 public:
  explicit ReaderLock(SharedMutex& mu) LOCKGRAPH_ACQUIRE_SHARED(mu) : mu_(mu) { mu_.lock_shared(); }
  ~ReaderLock() LOCKGRAPH_RELEASE() { mu_.unlock_shared(); }
  ReaderLock(const ReaderLock&) = delete;
  ReaderLock& operator=(const ReaderLock&) = delete;

 private:
  SharedMutex& mu_;
};

// Claims the calling thread holds no lockgraph lock (see "Held-lock
// assertions" above): before a call that blocks, at the top of an event loop's
// iteration, where holding any lock would stall every thread that wants it.
inline void AssertNoLocksHeld() noexcept {
  internal::Assert(nullptr, internal::AssertKind::kNoLocksHeld);
}

// Marks the locks of an object that is still private to the calling thread
// (being constructed or initialized, not yet published to other threads):
// until the scope ends, this thread's acquisitions of them record no lock
// order, neither into them nor out of them while they are held. No other
// thread can hold such a lock yet, so no wait on it can be part of a
// deadlock, and the orders an initializer takes (the new object's lock, then
// a registry's) must not later read as a cycle with the published object's
// usual order (the registry's lock, then the object's).
//
//   auto* conn = new Connection;            // conn->mu_ is private to us
//   {
//     lockgraph::PrivateScope unpublished(conn->mu_);
//     std::lock_guard g(conn->mu_);
//     registry.Add(conn);                    // takes registry_mu_: no order recorded
//   }
//
// Everything else is checked as usual: other locks' orders, self-deadlocks,
// assertions. A lock still held when the scope ends stays unrecorded until it
// is released. A thread's open scopes name at most 8 locks together; beyond
// that, locks are tracked as usual. Scopes are per thread and must end on the
// thread that opened them, in reverse order of opening (as a local variable).
class PrivateScope {
 public:
  template <typename... Locks>
  explicit PrivateScope(Locks&... locks) noexcept
#if LOCKGRAPH_ON
      : states_{StateOf(locks)...},
        count_(internal::EnterPrivate(states_, sizeof...(Locks)))
#endif
  {
    static_assert(sizeof...(Locks) > 0 && sizeof...(Locks) <= internal::kMaxPrivateLocks,
                  "PrivateScope names between 1 and 8 locks");
    (static_cast<void>(locks), ...);
  }
  ~PrivateScope() {
#if LOCKGRAPH_ON
    internal::LeavePrivate(states_, count_);
#endif
  }
  PrivateScope(const PrivateScope&) = delete;
  PrivateScope& operator=(const PrivateScope&) = delete;

 private:
#if LOCKGRAPH_ON
  // The wrappers and Tracked<L> hold their state; AbslMutex holds a Tracked.
  template <typename L>
  static internal::LockState* StateOf(L& lock) noexcept {
    if constexpr (requires { lock.tracked_; }) {
      return &lock.tracked_.state_;
    } else {
      return &lock.state_;
    }
  }
  internal::LockState* states_[internal::kMaxPrivateLocks];
  size_t count_;
#endif
};

#if !LOCKGRAPH_ON
// Compiled out, each wrapper is exactly its standard type in size.
static_assert(sizeof(Mutex) == sizeof(std::mutex));
static_assert(sizeof(SharedMutex) == sizeof(std::shared_mutex));
static_assert(sizeof(RecursiveMutex) == sizeof(std::recursive_mutex));
static_assert(sizeof(TimedMutex) == sizeof(std::timed_mutex));
#endif

}  // namespace LOCKGRAPH_ABI_NAMESPACE
}  // namespace lockgraph

#include "lockgraph/blocking.h"            // IWYU pragma: export
#include "lockgraph/condition_variable.h"  // IWYU pragma: export
#include "lockgraph/options.h"             // IWYU pragma: export

#endif  // LOCKGRAPH_MUTEX_H_
