// liblockgraph_preload.so: lockgraph for programs that were not built with
// its wrappers. LD_PRELOAD puts these definitions of the pthread lock
// functions in front of libc's; each forwards to the real one and feeds the
// same detector the wrappers use, so
//
//   LD_PRELOAD=liblockgraph_preload.so ./app
//
// reports lock-order cycles, actual deadlocks (watchdog) and long holds in
// an unmodified C or C++ binary (std::mutex is a pthread mutex), with the same
// reports and LOCKGRAPH_OPTIONS.
//
// Each pthread object gets a LockState on first use, kept in an address map.
// Its class is the variable's symbol for a global lock (dladdr), otherwise
// the source line where it was first locked. pthread_mutex_destroy and
// pthread_rwlock_destroy retire it, so a lock re-created at the same address
// is a new lock. (std::mutex never calls destroy: a heap std::mutex freed and
// reallocated at the same address stays the same lock. Prefer the wrappers
// where the source can change.)
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "internal/raw_mutex.h"
#include "internal/reentrancy.h"
#include "internal/stack_depot.h"
#include "internal/symbolizer.h"
#include "lockgraph/internal/lock_state.h"

namespace lockgraph::preload {
namespace {

using internal::AccessMode;
using internal::LockState;
using internal::NativeKind;
using internal::RawLockGuard;
using internal::RawMutex;

// ----------------------------------------------------------------------------
// The real functions, found behind this library.

template <typename F>
F Real(const char* name, const char* version = nullptr) {
  void* p = version != nullptr ? dlvsym(RTLD_NEXT, name, version) : nullptr;
  if (p == nullptr) p = dlsym(RTLD_NEXT, name);
  if (p == nullptr) {
    std::fprintf(stderr, "lockgraph preload: cannot find the real %s; aborting\n", name);
    std::abort();
  }
  return reinterpret_cast<F>(p);
}

#define LOCKGRAPH_REAL(name, type, ...)                                  \
  type real_##name() {                                                   \
    static const type fn = Real<type>(#name __VA_OPT__(, ) __VA_ARGS__); \
    return fn;                                                           \
  }

using MutexFn = int (*)(pthread_mutex_t*);
using MutexTimedFn = int (*)(pthread_mutex_t*, const timespec*);
using MutexClockFn = int (*)(pthread_mutex_t*, clockid_t, const timespec*);
using RwFn = int (*)(pthread_rwlock_t*);
using RwTimedFn = int (*)(pthread_rwlock_t*, const timespec*);
using RwClockFn = int (*)(pthread_rwlock_t*, clockid_t, const timespec*);
using CondWaitFn = int (*)(pthread_cond_t*, pthread_mutex_t*);
using CondTimedFn = int (*)(pthread_cond_t*, pthread_mutex_t*, const timespec*);
using CondClockFn = int (*)(pthread_cond_t*, pthread_mutex_t*, clockid_t, const timespec*);

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

// ----------------------------------------------------------------------------
// Address -> lock state.

// Marks hook code as lockgraph's own: pthread calls made meanwhile (by the
// symbolizer or libunwind, say), or while the thread runs other lockgraph
// code (the watchdog), go straight to libc.
class HookScope {
 public:
  HookScope() : reentered_(internal::InLockgraphCode()) {}
  bool reentered() const { return reentered_; }

 private:
  const bool reentered_;
  internal::InternalScope scope_;
};

struct Site {
  std::string name;  // empty: unnamed (class = file:line)
  std::string file;
  std::string function;
  uint32_t line = 0;
};

// Where a lock was first taken, in user code: the first frame above the
// pthread call that is not the standard library's lock wrappers (std::mutex
// lives in headers, so its frames would name every lock alike).
bool InThisLibrary(uintptr_t pc) {
  static const void* self_base = [] {
    Dl_info info;
    return dladdr(reinterpret_cast<const void*>(&InThisLibrary), &info) != 0 ? info.dli_fbase
                                                                             : nullptr;
  }();
  Dl_info info;
  return dladdr(reinterpret_cast<const void*>(pc), &info) != 0 && info.dli_fbase == self_base;
}

uintptr_t UserSitePc(uintptr_t caller) {
  internal::CapturedStack stack;
  internal::StackDepot::Capture(0, 12, &stack);
  for (int i = 0; i < stack.depth; ++i) {
    if (InThisLibrary(stack.pcs[i])) continue;
    const StackFrame f = internal::Symbolize(stack.pcs[i], /*is_return_address=*/true, true);
    const bool library = f.file.rfind("/usr/include/", 0) == 0 ||
                         f.function.rfind("std::", 0) == 0 ||
                         f.function.rfind("__gthread", 0) == 0 || f.function.empty();
    if (!library) return stack.pcs[i];
  }
  return caller;
}

// Interned per site: names must outlive every lock of the site.
const Site* SiteFor(const void* address, uintptr_t caller) {
  static RawMutex mu;
  static auto* by_pc = new absl::flat_hash_map<uintptr_t, const Site*>();
  static auto* by_symbol = new absl::flat_hash_map<std::string, const Site*>();
  // A global lock: its variable names it.
  std::string symbol = internal::SymbolStartingAt(reinterpret_cast<uintptr_t>(address));
  const uintptr_t pc = symbol.empty() ? UserSitePc(caller) : caller;
  {
    RawLockGuard guard(mu);
    if (!symbol.empty()) {
      if (auto it = by_symbol->find(symbol); it != by_symbol->end()) return it->second;
    } else if (auto it = by_pc->find(pc); it != by_pc->end()) {
      return it->second;
    }
  }
  auto* site = new Site;
  const StackFrame f = internal::Symbolize(pc, /*is_return_address=*/true, true);
  site->name = symbol;
  site->file = f.file.empty() ? (f.module.empty() ? "?" : f.module) : f.file;
  site->function = f.function;
  site->line = static_cast<uint32_t>(f.line);
  RawLockGuard guard(mu);
  const Site*& slot = symbol.empty() ? (*by_pc)[pc] : (*by_symbol)[symbol];
  if (slot == nullptr) {
    slot = site;
  } else {
    delete site;
  }
  return slot;
}

class LockTable {
 public:
  // The state for the lock at `address`, created on first sight (`pc`: the
  // caller's return address, naming the class). nullptr when re-entered.
  LockState* Get(const void* address, uintptr_t pc, uint32_t kind_flags) {
    Shard& shard = ShardOf(address);
    {
      RawLockGuard guard(shard.mu);
      if (auto it = shard.map.find(address); it != shard.map.end()) return it->second;
    }
    const Site* site = SiteFor(address, pc);
    auto* state = new LockState(site->name.empty() ? nullptr : site->name.c_str(), LockOptions{},
                                kind_flags, SourceLocation{});
    state->file = site->file.c_str();
    state->function = site->function.c_str();
    state->line = site->line;
    RawLockGuard guard(shard.mu);
    auto [it, inserted] = shard.map.try_emplace(address, state);
    if (!inserted) delete state;
    return it->second;
  }
  LockState* Find(const void* address) {
    Shard& shard = ShardOf(address);
    RawLockGuard guard(shard.mu);
    auto it = shard.map.find(address);
    return it == shard.map.end() ? nullptr : it->second;
  }
  void Forget(const void* address) {
    LockState* state = nullptr;
    {
      Shard& shard = ShardOf(address);
      RawLockGuard guard(shard.mu);
      auto it = shard.map.find(address);
      if (it == shard.map.end()) return;
      state = it->second;
      shard.map.erase(it);
    }
    internal::OnDestroy(state);
    // The state itself is kept: a thread may still hold its pointer in its
    // held-lock stack if the program destroyed a lock it holds.
  }

 private:
  struct Shard {
    RawMutex mu;
    absl::flat_hash_map<const void*, LockState*> map;
  };
  Shard& ShardOf(const void* address) {
    const auto a = reinterpret_cast<uintptr_t>(address);
    return shards_[(a >> 4 ^ a >> 12) % kShards];
  }
  static constexpr size_t kShards = 64;
  Shard shards_[kShards];
};

LockTable& Table() {
  static auto* table = new LockTable();
  return *table;
}

uint32_t MutexKindFlags(const pthread_mutex_t* m) {
  // glibc keeps the type in the low bits of __kind.
  const bool recursive = (m->__data.__kind & 3) == PTHREAD_MUTEX_RECURSIVE;
  return recursive ? static_cast<uint32_t>(internal::kFlagRecursive) : 0u;
}

#define CALLER reinterpret_cast<uintptr_t>(__builtin_return_address(0))

// A blocking acquisition through `lock_fn`, with the detector around it.
template <typename Native, typename TryFn, typename LockFn>
int Acquire(Native* native, LockState* state, AccessMode mode, NativeKind kind, TryFn try_fn,
            LockFn lock_fn) {
  internal::BeforeLock(state, mode);
  int rc = try_fn(native);
  if (rc == 0) return 0;
  if (rc == EBUSY) {
    internal::WaitScope wait(state, mode, native, kind);
    rc = lock_fn(native);
  }
  if (rc != 0) internal::AfterUnlock(state);  // not acquired (EDEADLK, EINVAL, ...)
  return rc;
}

}  // namespace
}  // namespace lockgraph::preload

using namespace lockgraph::preload;  // NOLINT: the C entry points below
using lockgraph::internal::AccessMode;
using lockgraph::internal::NativeKind;

extern "C" {

int pthread_mutex_lock(pthread_mutex_t* m) {
  HookScope hook;
  if (hook.reentered()) return real_pthread_mutex_lock()(m);
  LockState* s = Table().Get(m, CALLER, MutexKindFlags(m));
  return Acquire(m, s, AccessMode::kExclusive, NativeKind::kMutex, real_pthread_mutex_trylock(),
                 real_pthread_mutex_lock());
}

int pthread_mutex_trylock(pthread_mutex_t* m) {
  HookScope hook;
  const int rc = real_pthread_mutex_trylock()(m);
  if (rc == 0 && !hook.reentered()) {
    lockgraph::internal::AfterTryLock(Table().Get(m, CALLER, MutexKindFlags(m)),
                                      AccessMode::kExclusive);
  }
  return rc;
}

int pthread_mutex_timedlock(pthread_mutex_t* m, const timespec* deadline) {
  HookScope hook;
  const int rc = real_pthread_mutex_timedlock()(m, deadline);
  if (rc == 0 && !hook.reentered()) {
    lockgraph::internal::AfterTryLock(Table().Get(m, CALLER, MutexKindFlags(m)),
                                      AccessMode::kExclusive);
  }
  return rc;
}

int pthread_mutex_clocklock(pthread_mutex_t* m, clockid_t clock, const timespec* deadline) {
  HookScope hook;
  const int rc = real_pthread_mutex_clocklock()(m, clock, deadline);
  if (rc == 0 && !hook.reentered()) {
    lockgraph::internal::AfterTryLock(Table().Get(m, CALLER, MutexKindFlags(m)),
                                      AccessMode::kExclusive);
  }
  return rc;
}

int pthread_mutex_unlock(pthread_mutex_t* m) {
  HookScope hook;
  const int rc = real_pthread_mutex_unlock()(m);
  if (rc == 0 && !hook.reentered()) {
    if (LockState* s = Table().Find(m)) lockgraph::internal::AfterUnlock(s);
  }
  return rc;
}

int pthread_mutex_destroy(pthread_mutex_t* m) {
  HookScope hook;
  if (!hook.reentered()) Table().Forget(m);
  return real_pthread_mutex_destroy()(m);
}

int pthread_rwlock_rdlock(pthread_rwlock_t* l) {
  HookScope hook;
  if (hook.reentered()) return real_pthread_rwlock_rdlock()(l);
  LockState* s = Table().Get(l, CALLER, 0);
  return Acquire(l, s, AccessMode::kShared, NativeKind::kRwlock, real_pthread_rwlock_tryrdlock(),
                 real_pthread_rwlock_rdlock());
}

int pthread_rwlock_wrlock(pthread_rwlock_t* l) {
  HookScope hook;
  if (hook.reentered()) return real_pthread_rwlock_wrlock()(l);
  LockState* s = Table().Get(l, CALLER, 0);
  return Acquire(l, s, AccessMode::kExclusive, NativeKind::kRwlock, real_pthread_rwlock_trywrlock(),
                 real_pthread_rwlock_wrlock());
}

#define LOCKGRAPH_TRY_RW(name, mode, ...)                                             \
  int name(pthread_rwlock_t* l __VA_OPT__(, ) __VA_ARGS__) {                          \
    HookScope hook;                                                                   \
    const int rc = real_##name()(l LOCKGRAPH_ARGS_##name);                            \
    if (rc == 0 && !hook.reentered()) {                                               \
      lockgraph::internal::AfterTryLock(Table().Get(l, CALLER, 0), AccessMode::mode); \
    }                                                                                 \
    return rc;                                                                        \
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

int pthread_rwlock_unlock(pthread_rwlock_t* l) {
  HookScope hook;
  const int rc = real_pthread_rwlock_unlock()(l);
  if (rc == 0 && !hook.reentered()) {
    if (LockState* s = Table().Find(l)) lockgraph::internal::AfterUnlock(s);
  }
  return rc;
}

int pthread_rwlock_destroy(pthread_rwlock_t* l) {
  HookScope hook;
  if (!hook.reentered()) Table().Forget(l);
  return real_pthread_rwlock_destroy()(l);
}

// Waiting on a condition variable releases the mutex and takes it back.
#define LOCKGRAPH_COND_WAIT(call)                                               \
  HookScope hook;                                                               \
  if (hook.reentered()) return call;                                            \
  LockState* s = Table().Find(m);                                               \
  if (s != nullptr) lockgraph::internal::AfterUnlock(s);                        \
  const int rc = call;                                                          \
  if (s != nullptr) lockgraph::internal::BeforeLock(s, AccessMode::kExclusive); \
  return rc

int pthread_cond_wait(pthread_cond_t* c, pthread_mutex_t* m) {
  LOCKGRAPH_COND_WAIT(real_pthread_cond_wait()(c, m));
}
int pthread_cond_timedwait(pthread_cond_t* c, pthread_mutex_t* m, const timespec* deadline) {
  LOCKGRAPH_COND_WAIT(real_pthread_cond_timedwait()(c, m, deadline));
}
int pthread_cond_clockwait(pthread_cond_t* c, pthread_mutex_t* m, clockid_t clock,
                           const timespec* deadline) {
  LOCKGRAPH_COND_WAIT(real_pthread_cond_clockwait()(c, m, clock, deadline));
}

}  // extern "C"
