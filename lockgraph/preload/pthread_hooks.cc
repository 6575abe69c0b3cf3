// liblockgraph_preload.so: lockgraph for programs that were not built with
// its wrappers. LD_PRELOAD puts these definitions of the pthread lock
// functions in front of libc's; each forwards to the real one and feeds the
// same detector the wrappers use, so
//
//   LD_PRELOAD=liblockgraph_preload.so ./app
//
// reports lock-order cycles, actual deadlocks (watchdog) and long holds in
// an unmodified C or C++ binary (std::mutex is a pthread mutex; std::call_once
// is pthread_once), with the same reports and LOCKGRAPH_OPTIONS.
//
// Each lock object gets a LockState on first use (lock_table.h), named after
// its variable or the code that first takes it (lock_sites.h).
// pthread_mutex_destroy and pthread_rwlock_destroy retire it, so a lock made
// again at the same address is a new lock. (std::mutex never calls destroy: a
// heap std::mutex freed and reallocated at the same address stays the same
// lock. Prefer the wrappers where the source can change.)
//
// Safe inside any program: while lockgraph handles a call, the thread is in
// lockgraph code (reentrancy.h), so the locks that lockgraph's own callees
// take (libdw's, libunwind's, stdio's) go straight to libc, and its memory
// comes from its own heap (internal_alloc.h), never from an allocator that
// may be in the middle of taking the very lock being interposed.
#include <errno.h>
#include <pthread.h>

#include <cstdint>
#include <new>

#include "internal/fork_gate.h"
#include "internal/real_functions.h"
#include "internal/reentrancy.h"
#include "internal_alloc.h"
#include "lock_sites.h"
#include "lock_table.h"
#include "lockgraph/internal/lock_state.h"

namespace lockgraph::preload {
namespace {

using internal::AccessMode;
using internal::InternalScope;
using internal::LockState;
using internal::NativeKind;

using MutexFn = int (*)(pthread_mutex_t*);
using MutexTimedFn = int (*)(pthread_mutex_t*, const timespec*);
using MutexClockFn = int (*)(pthread_mutex_t*, clockid_t, const timespec*);
using RwFn = int (*)(pthread_rwlock_t*);
using RwTimedFn = int (*)(pthread_rwlock_t*, const timespec*);
using RwClockFn = int (*)(pthread_rwlock_t*, clockid_t, const timespec*);
using CondWaitFn = int (*)(pthread_cond_t*, pthread_mutex_t*);
using CondTimedFn = int (*)(pthread_cond_t*, pthread_mutex_t*, const timespec*);
using CondClockFn = int (*)(pthread_cond_t*, pthread_mutex_t*, clockid_t, const timespec*);
using OnceFn = int (*)(pthread_once_t*, void (*)());

LOCKGRAPH_REAL(pthread_mutex_lock, MutexFn)
LOCKGRAPH_REAL(pthread_mutex_trylock, MutexFn)
LOCKGRAPH_REAL(pthread_mutex_unlock, MutexFn)
LOCKGRAPH_REAL(pthread_mutex_destroy, MutexFn)
LOCKGRAPH_REAL(pthread_mutex_timedlock, MutexTimedFn)
LOCKGRAPH_REAL(pthread_mutex_clocklock, MutexClockFn)
LOCKGRAPH_REAL(pthread_rwlock_rdlock, RwFn)
LOCKGRAPH_REAL(pthread_rwlock_wrlock, RwFn)
LOCKGRAPH_REAL(pthread_rwlock_tryrdlock, RwFn)
LOCKGRAPH_REAL(pthread_rwlock_trywrlock, RwFn)
LOCKGRAPH_REAL(pthread_rwlock_unlock, RwFn)
LOCKGRAPH_REAL(pthread_rwlock_destroy, RwFn)
LOCKGRAPH_REAL(pthread_rwlock_timedrdlock, RwTimedFn)
LOCKGRAPH_REAL(pthread_rwlock_timedwrlock, RwTimedFn)
LOCKGRAPH_REAL(pthread_rwlock_clockrdlock, RwClockFn)
LOCKGRAPH_REAL(pthread_rwlock_clockwrlock, RwClockFn)
LOCKGRAPH_REAL(pthread_cond_wait, CondWaitFn, "GLIBC_2.3.2")
LOCKGRAPH_REAL(pthread_cond_timedwait, CondTimedFn, "GLIBC_2.3.2")
LOCKGRAPH_REAL(pthread_cond_clockwait, CondClockFn)
LOCKGRAPH_REAL(pthread_once, OnceFn)

// Whether this call goes straight to libc: lockgraph's own code is running on
// this thread, or fork() is running the program's atfork handlers.
inline bool PassThrough() { return internal::InLockgraphCode() || internal::InForkHandlers(); }

void RegisterForkLocksOnce() {
  static const bool done = [] {
    internal::RegisterForkLocks(LockSitesForFork, UnlockSitesAfterFork);
    internal::RegisterForkLocks(InternalAlloc::LockForFork, InternalAlloc::UnlockAfterFork);
    return true;
  }();
  (void)done;
}

LockState* MakeState(LockState* reuse, const void* address, uintptr_t caller, uint32_t kind_flags) {
  const LockSite* site = SiteOfLock(address, caller);
  void* mem = reuse != nullptr ? static_cast<void*>(reuse)
                               : InternalAlloc::Allocate(sizeof(LockState), alignof(LockState));
  if (mem == nullptr) return nullptr;
  auto* state = new (mem) LockState(site->name, LockOptions{}, kind_flags, SourceLocation{});
  state->file = site->file;
  state->function = site->function;
  state->line = site->line;
  return state;
}

// The state of the lock at `address`, made on first sight (`caller`: the
// return address of the interposed call, naming the class). nullptr: not
// tracked (the table is full, or a fork() is in progress on another thread).
// Requires an InternalScope.
LockState* StateOf(const void* address, uintptr_t caller, uint32_t kind_flags) {
  LockTable* table = LockTable::Get();
  if (table == nullptr) return nullptr;
  if (LockState* s = table->Find(address)) return s;
  internal::GatedScope gate;
  if (!gate.open()) return nullptr;
  RegisterForkLocksOnce();
  return table->FindOrInsert(
      address, [&](LockState* reuse) { return MakeState(reuse, address, caller, kind_flags); });
}

LockState* Lookup(const void* address) {
  LockTable* table = LockTable::Get();
  return table == nullptr ? nullptr : table->Find(address);
}

void Forget(const void* address) {
  LockTable* table = LockTable::Get();
  if (table == nullptr) return;
  internal::GatedScope gate;  // retiring the node takes the detector's lock
  if (!gate.open()) return;
  // The state stays allocated (a thread may still hold its pointer if the
  // program destroyed a lock it holds); the next lock at this address reuses
  // it as a new lock.
  if (LockState* state = table->Forget(address)) internal::OnDestroy(state);
}

uint32_t MutexKindFlags(const pthread_mutex_t* m) {
  // glibc keeps the type in the low bits of __kind.
  const bool recursive = (m->__data.__kind & 3) == PTHREAD_MUTEX_RECURSIVE;
  return recursive ? static_cast<uint32_t>(internal::kFlagRecursive) : 0u;
}

uint32_t RwlockKindFlags(const pthread_rwlock_t* l) {
  // An rwlock made with PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP queues
  // readers behind a waiting writer (glibc's other kinds let them in).
  const bool writer_preferring = l->__data.__flags == PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP;
  return writer_preferring ? static_cast<uint32_t>(internal::kFlagWriterPreferring) : 0u;
}

#define CALLER reinterpret_cast<uintptr_t>(__builtin_return_address(0))

// A blocking acquisition through `lock_fn`, with the detector around it. The
// real calls run outside lockgraph code; only the detector's parts are in it.
template <typename Native, typename TryFn, typename LockFn>
int Acquire(Native* native, uintptr_t caller, uint32_t kind_flags, AccessMode mode, NativeKind kind,
            TryFn try_fn, LockFn lock_fn) {
  LockState* state;
  {
    InternalScope scope;
    state = StateOf(native, caller, kind_flags);
    if (state != nullptr) internal::BeforeLock(state, mode);
  }
  if (state == nullptr) return lock_fn(native);
  int rc = try_fn(native);
  if (rc == 0) return 0;
  if (rc == EBUSY) {
    int64_t started;
    {
      InternalScope scope;
      started = internal::BeginWait(state, mode, native, kind);
    }
    rc = lock_fn(native);
    InternalScope scope;
    internal::EndWait(state, started);
  }
  if (rc != 0) {
    InternalScope scope;
    internal::AfterUnlock(state);  // not acquired (EDEADLK, EINVAL, ...)
  }
  return rc;
}

// After a successful non-blocking or timed acquisition: held, no edge into it.
void Acquired(const void* native, uintptr_t caller, uint32_t kind_flags, AccessMode mode) {
  InternalScope scope;
  if (LockState* s = StateOf(native, caller, kind_flags)) internal::AfterTryLock(s, mode);
}

void Released(const void* native) {
  InternalScope scope;
  if (LockState* s = Lookup(native)) internal::AfterUnlock(s);
}

// An unlock through `unlock_fn`; the detector hears of it only once it
// succeeded.
template <typename Native, typename UnlockFn>
int Unlock(Native* native, UnlockFn unlock_fn) {
  const int rc = unlock_fn(native);
  if (rc == 0 && !PassThrough()) Released(native);
  return rc;
}

// A destruction through `destroy_fn`: the lock's state is retired first, so
// a lock made again at this address is a new lock.
template <typename Native, typename DestroyFn>
int Destroy(Native* native, DestroyFn destroy_fn) {
  if (!PassThrough()) {
    InternalScope scope;
    Forget(native);
  }
  return destroy_fn(native);
}

// Releases `state` when the once-routine returns or unwinds (a C++
// exception, thread cancellation).
class OnceHold {
 public:
  explicit OnceHold(LockState* state) : state_(state) {}
  ~OnceHold() {
    if (state_ == nullptr) return;
    InternalScope scope;
    internal::AfterUnlock(state_);
  }
  OnceHold(const OnceHold&) = delete;
  OnceHold& operator=(const OnceHold&) = delete;

 private:
  LockState* state_;
};

// glibc's pthread_once_t: bit 1 set once the routine has run.
constexpr int kOnceDone = 2;

__attribute__((constructor)) void Init() {
  InternalScope scope;
  RegisterForkLocksOnce();
  internal::InstallForkHandlers();
}

}  // namespace
}  // namespace lockgraph::preload

using namespace lockgraph::preload;  // NOLINT: the C entry points below
using lockgraph::internal::AccessMode;
using lockgraph::internal::NativeKind;

extern "C" {

int pthread_mutex_lock(pthread_mutex_t* m) {
  if (PassThrough()) return real_pthread_mutex_lock()(m);
  return Acquire(m, CALLER, MutexKindFlags(m), AccessMode::kExclusive, NativeKind::kMutex,
                 real_pthread_mutex_trylock(), real_pthread_mutex_lock());
}

int pthread_mutex_trylock(pthread_mutex_t* m) {
  const int rc = real_pthread_mutex_trylock()(m);
  if (rc == 0 && !PassThrough()) Acquired(m, CALLER, MutexKindFlags(m), AccessMode::kExclusive);
  return rc;
}

int pthread_mutex_timedlock(pthread_mutex_t* m, const timespec* deadline) {
  const int rc = real_pthread_mutex_timedlock()(m, deadline);
  if (rc == 0 && !PassThrough()) Acquired(m, CALLER, MutexKindFlags(m), AccessMode::kExclusive);
  return rc;
}

int pthread_mutex_clocklock(pthread_mutex_t* m, clockid_t clock, const timespec* deadline) {
  const int rc = real_pthread_mutex_clocklock()(m, clock, deadline);
  if (rc == 0 && !PassThrough()) Acquired(m, CALLER, MutexKindFlags(m), AccessMode::kExclusive);
  return rc;
}

int pthread_mutex_unlock(pthread_mutex_t* m) { return Unlock(m, real_pthread_mutex_unlock()); }

int pthread_mutex_destroy(pthread_mutex_t* m) { return Destroy(m, real_pthread_mutex_destroy()); }

int pthread_rwlock_rdlock(pthread_rwlock_t* l) {
  if (PassThrough()) return real_pthread_rwlock_rdlock()(l);
  return Acquire(l, CALLER, RwlockKindFlags(l), AccessMode::kShared, NativeKind::kRwlock,
                 real_pthread_rwlock_tryrdlock(), real_pthread_rwlock_rdlock());
}

int pthread_rwlock_wrlock(pthread_rwlock_t* l) {
  if (PassThrough()) return real_pthread_rwlock_wrlock()(l);
  return Acquire(l, CALLER, RwlockKindFlags(l), AccessMode::kExclusive, NativeKind::kRwlock,
                 real_pthread_rwlock_trywrlock(), real_pthread_rwlock_wrlock());
}

#define LOCKGRAPH_TRY_RW(name, mode, ...)                                                     \
  int name(pthread_rwlock_t* l __VA_OPT__(, ) __VA_ARGS__) {                                  \
    const int rc = real_##name()(l LOCKGRAPH_ARGS_##name);                                    \
    if (rc == 0 && !PassThrough()) Acquired(l, CALLER, RwlockKindFlags(l), AccessMode::mode); \
    return rc;                                                                                \
  }
#define LOCKGRAPH_ARGS_pthread_rwlock_tryrdlock
#define LOCKGRAPH_ARGS_pthread_rwlock_trywrlock
#define LOCKGRAPH_ARGS_pthread_rwlock_timedrdlock , deadline
#define LOCKGRAPH_ARGS_pthread_rwlock_timedwrlock , deadline
#define LOCKGRAPH_ARGS_pthread_rwlock_clockrdlock , clock, deadline
#define LOCKGRAPH_ARGS_pthread_rwlock_clockwrlock , clock, deadline
LOCKGRAPH_TRY_RW(pthread_rwlock_tryrdlock, kShared)
LOCKGRAPH_TRY_RW(pthread_rwlock_trywrlock, kExclusive)
LOCKGRAPH_TRY_RW(pthread_rwlock_timedrdlock, kShared, const timespec* deadline)
LOCKGRAPH_TRY_RW(pthread_rwlock_timedwrlock, kExclusive, const timespec* deadline)
LOCKGRAPH_TRY_RW(pthread_rwlock_clockrdlock, kShared, clockid_t clock, const timespec* deadline)
LOCKGRAPH_TRY_RW(pthread_rwlock_clockwrlock, kExclusive, clockid_t clock, const timespec* deadline)

int pthread_rwlock_unlock(pthread_rwlock_t* l) { return Unlock(l, real_pthread_rwlock_unlock()); }

int pthread_rwlock_destroy(pthread_rwlock_t* l) {
  return Destroy(l, real_pthread_rwlock_destroy());
}

// Waiting on a condition variable releases the mutex and takes it back; the
// wait is a blocking call for the locks still held (block_warn_ms).
#define LOCKGRAPH_COND_WAIT(name, call)                                           \
  if (PassThrough()) return call;                                                 \
  lockgraph::internal::LockState* s;                                              \
  {                                                                               \
    InternalScope scope;                                                          \
    s = Lookup(m);                                                                \
    if (s != nullptr) lockgraph::internal::AfterUnlock(s);                        \
  }                                                                               \
  const int64_t blocking = lockgraph::internal::BeginBlocking(name "()", CALLER); \
  const int rc = call;                                                            \
  lockgraph::internal::EndBlocking(blocking);                                     \
  if (s != nullptr) {                                                             \
    InternalScope scope;                                                          \
    lockgraph::internal::BeforeLock(s, AccessMode::kExclusive);                   \
  }                                                                               \
  return rc

int pthread_cond_wait(pthread_cond_t* c, pthread_mutex_t* m) {
  LOCKGRAPH_COND_WAIT("pthread_cond_wait", real_pthread_cond_wait()(c, m));
}
int pthread_cond_timedwait(pthread_cond_t* c, pthread_mutex_t* m, const timespec* deadline) {
  LOCKGRAPH_COND_WAIT("pthread_cond_timedwait", real_pthread_cond_timedwait()(c, m, deadline));
}
int pthread_cond_clockwait(pthread_cond_t* c, pthread_mutex_t* m, clockid_t clock,
                           const timespec* deadline) {
  LOCKGRAPH_COND_WAIT("pthread_cond_clockwait",
                      real_pthread_cond_clockwait()(c, m, clock, deadline));
}

// A first call of pthread_once (and so std::call_once) is an acquisition:
// the thread that runs the routine holds the once-control while it runs, and
// the others wait for it. A lock held around the call and taken again inside
// the routine is an order like any other (the static-initialization
// deadlock). Calls after the routine has run never wait and record nothing.
int pthread_once(pthread_once_t* once, void (*routine)()) {
  if (PassThrough() || (__atomic_load_n(once, __ATOMIC_ACQUIRE) & kOnceDone) != 0) {
    return real_pthread_once()(once, routine);
  }
  LockState* state;
  {
    InternalScope scope;
    state = StateOf(once, CALLER, 0);
    if (state != nullptr) lockgraph::internal::BeforeLock(state, AccessMode::kExclusive);
  }
  OnceHold hold(state);
  return real_pthread_once()(once, routine);
}

}  // extern "C"
