// lockgraph/absl_mutex.h
// -----------------------------------------------------------------------------
// absl::Mutex with lockgraph's checks: lockgraph::AbslMutex has absl::Mutex's
// own interface (Lock, Unlock, ReaderLock, ReaderUnlock, TryLock,
// ReaderTryLock, AssertHeld, AssertReaderHeld) and its scoped guards
// lockgraph::AbslMutexLock / AbslReaderMutexLock, so replacing the type and
// the guard names is the whole change:
//
//   lockgraph::AbslMutex mu_{"cache.shard"};       // was: absl::Mutex mu_;
//   lockgraph::AbslMutexLock lock(&mu_);           // was: absl::MutexLock lock(&mu_);
//   cv_.Wait(&mu_.native());                       // was: cv_.Wait(&mu_);  -- see Wait below
//
// Orders are recorded per mode: reader and writer acquisitions are told apart
// (Abseil's own detector treats ReaderLock like Lock). absl::Mutex queues new
// readers behind a waiting writer, so every AbslMutex is writer-preferring
// (LockOptions::writer_preferring): two reader acquisitions in opposite orders
// are a cycle too, closed by a third thread's writer. absl::CondVar::Wait
// releases the mutex and takes it again inside Abseil: call mu.Wait(&cv) (or
// WaitWithTimeout) so that lockgraph sees the lock released during the wait
// and the re-acquisition's orders afterwards.
//
// The program links Abseil's synchronization library itself (absl::synchronization
// in CMake); lockgraph's own library does not need it.
#ifndef LOCKGRAPH_ABSL_MUTEX_H_
#define LOCKGRAPH_ABSL_MUTEX_H_

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "lockgraph/tracked.h"

namespace lockgraph {
namespace internal {
inline namespace LOCKGRAPH_ABI_NAMESPACE {
// absl::Mutex under the standard names Tracked<L> calls.
struct AbslMutexAsLockable {
  void lock() ABSL_NO_THREAD_SAFETY_ANALYSIS { mu.Lock(); }
  bool try_lock() ABSL_NO_THREAD_SAFETY_ANALYSIS { return mu.TryLock(); }
  void unlock() ABSL_NO_THREAD_SAFETY_ANALYSIS { mu.Unlock(); }
  void lock_shared() ABSL_NO_THREAD_SAFETY_ANALYSIS { mu.ReaderLock(); }
  bool try_lock_shared() ABSL_NO_THREAD_SAFETY_ANALYSIS { return mu.ReaderTryLock(); }
  void unlock_shared() ABSL_NO_THREAD_SAFETY_ANALYSIS { mu.ReaderUnlock(); }
  absl::Mutex mu;
};
}  // namespace LOCKGRAPH_ABI_NAMESPACE
}  // namespace internal

inline namespace LOCKGRAPH_ABI_NAMESPACE {

class LOCKGRAPH_CAPABILITY("mutex") AbslMutex {
 public:
  AbslMutex(const SourceLocation& site = SourceLocation::current())
      : tracked_(nullptr, WriterPreferring({}), site) {}
  explicit AbslMutex(const char* name, const SourceLocation& site = SourceLocation::current())
      : tracked_(name, WriterPreferring({}), site) {}
  AbslMutex(const char* name, LockOptions options,
            const SourceLocation& site = SourceLocation::current())
      : tracked_(name, WriterPreferring(options), site) {}

  void Lock() LOCKGRAPH_ACQUIRE() { tracked_.lock(); }
  bool TryLock() LOCKGRAPH_TRY_ACQUIRE(true) { return tracked_.try_lock(); }
  void Unlock() LOCKGRAPH_RELEASE() { tracked_.unlock(); }
  void ReaderLock() LOCKGRAPH_ACQUIRE_SHARED() { tracked_.lock_shared(); }
  bool ReaderTryLock() LOCKGRAPH_TRY_ACQUIRE_SHARED(true) { return tracked_.try_lock_shared(); }
  void ReaderUnlock() LOCKGRAPH_RELEASE_SHARED() { tracked_.unlock_shared(); }
  // The standard names too, for std::lock_guard, std::scoped_lock, std::shared_lock.
  void lock() LOCKGRAPH_ACQUIRE() { tracked_.lock(); }
  bool try_lock() LOCKGRAPH_TRY_ACQUIRE(true) { return tracked_.try_lock(); }
  void unlock() LOCKGRAPH_RELEASE() { tracked_.unlock(); }
  void lock_shared() LOCKGRAPH_ACQUIRE_SHARED() { tracked_.lock_shared(); }
  bool try_lock_shared() LOCKGRAPH_TRY_ACQUIRE_SHARED(true) { return tracked_.try_lock_shared(); }
  void unlock_shared() LOCKGRAPH_RELEASE_SHARED() { tracked_.unlock_shared(); }

  // Abseil's own check (a fatal error when false) and lockgraph's (a report
  // through the configured mode).
  void AssertHeld() const LOCKGRAPH_ASSERT_CAPABILITY(this) {
    tracked_.AssertHeld();
    native().AssertHeld();
  }
  void AssertReaderHeld() const LOCKGRAPH_ASSERT_SHARED_CAPABILITY(this) {
    tracked_.AssertReaderHeld();
    native().AssertReaderHeld();
  }
  void AssertNotHeld() const { tracked_.AssertNotHeld(); }

  // cv->Wait on this mutex, held exclusively: lockgraph sees it released
  // while waiting and taken again, after the locks still held, when it wakes.
  void Wait(absl::CondVar* cv) LOCKGRAPH_REQUIRES(this) {
    Released released(this);
    cv->Wait(&native());
  }
  // As Wait, with a timeout; true if it timed out (absl::CondVar::WaitWithTimeout).
  bool WaitWithTimeout(absl::CondVar* cv, absl::Duration timeout) LOCKGRAPH_REQUIRES(this) {
    Released released(this);
    return cv->WaitWithTimeout(&native(), timeout);
  }

  absl::Mutex& native() const { return tracked_.native().mu; }

 private:
  friend class PrivateScope;
  static constexpr LockOptions WriterPreferring(LockOptions options) {
    options.writer_preferring = true;
    return options;
  }
  // Tells lockgraph the lock is released for the scope, and re-taken at its end.
  class Released {
   public:
    explicit Released(AbslMutex* mu) : state_(&mu->tracked_.state_) {
      internal::AfterUnlock(state_);
      blocking_ = internal::BeginBlocking("absl::CondVar wait", 0);
    }
    // Taken again inside Abseil before this runs; its orders (the locks
    // still held, then this one) are recorded now, as for any blocking lock.
    ~Released() {
      internal::EndBlocking(blocking_);
      internal::BeforeLock(state_, internal::AccessMode::kExclusive);
    }

   private:
    internal::LockState* state_;
    int64_t blocking_;
  };
  mutable Tracked<internal::AbslMutexAsLockable> tracked_;
};

// absl::MutexLock and absl::ReaderMutexLock for lockgraph::AbslMutex.
class LOCKGRAPH_SCOPED_CAPABILITY AbslMutexLock {
 public:
  explicit AbslMutexLock(AbslMutex* mu) LOCKGRAPH_ACQUIRE(mu) : mu_(mu) { mu_->Lock(); }
  ~AbslMutexLock() LOCKGRAPH_RELEASE() { mu_->Unlock(); }
  AbslMutexLock(const AbslMutexLock&) = delete;
  AbslMutexLock& operator=(const AbslMutexLock&) = delete;

 private:
  AbslMutex* mu_;
};

class LOCKGRAPH_SCOPED_CAPABILITY AbslReaderMutexLock {
 public:
  explicit AbslReaderMutexLock(AbslMutex* mu) LOCKGRAPH_ACQUIRE_SHARED(mu) : mu_(mu) {
    mu_->ReaderLock();
  }
  ~AbslReaderMutexLock() LOCKGRAPH_RELEASE() { mu_->ReaderUnlock(); }
  AbslReaderMutexLock(const AbslReaderMutexLock&) = delete;
  AbslReaderMutexLock& operator=(const AbslReaderMutexLock&) = delete;

 private:
  AbslMutex* mu_;
};

}  // namespace LOCKGRAPH_ABI_NAMESPACE
}  // namespace lockgraph

#endif  // LOCKGRAPH_ABSL_MUTEX_H_
