// The wrappers' out-of-line hooks: thread-state lifetime, the slow paths of
// acquisition and release, and the contended-wait bracket.
//
// The fast paths are inline in lockgraph/internal/lock_state.h: an
// acquisition with nothing held, or whose lock chain this thread has seen
// before, touches only thread-local memory. Everything else comes here.
#include <errno.h>
#include <pthread.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <new>

#include "internal/detector.h"
#include "internal/fork_gate.h"
#include "internal/reentrancy.h"
#include "internal/stack_depot.h"
#include "internal/thread_registry.h"
#include "lockgraph/internal/thread_state.h"

namespace lockgraph {
namespace internal {
inline namespace LOCKGRAPH_ABI_NAMESPACE {

// Asks gdb to auto-load lockgraph's extension (lockgraph_gdb.py, installed in
// share/gdb/auto-load) for every program linked with lockgraph.
asm(".pushsection \".debug_gdb_scripts\", \"MS\",@progbits,1\n"
    ".byte 1\n"  // a Python script, found by name in gdb's auto-load directories
    ".asciz \"lockgraph_gdb.py\"\n"
    ".popsection\n");

// Initial-exec TLS: a direct %fs-relative load, not a __tls_get_addr call.
__thread ThreadState* tls_thread_state __attribute__((tls_model("initial-exec"))) = nullptr;

// blocking_calls.cc: nothing to do, but hooks.o referring to it makes a
// static link bring in the blocking calls block_warn_ms watches.
void LinkBlockingCalls();

namespace {

// Set once this thread's state was torn down: lock operations in later
// thread-exit destructors pass through untracked instead of leaking a new state.
__thread bool tls_exited __attribute__((tls_model("initial-exec"))) = false;

pthread_key_t g_thread_key;

void DestroyThreadState(void* p) {
  tls_thread_state = nullptr;
  tls_exited = true;
  ThreadState* ts = static_cast<ThreadState*>(p);
  ThreadRegistry::Get().Remove(ts);
  if (ts->held != ts->inline_held) std::free(ts->held);
  ts->~ThreadState();
  std::free(ts);
}

ThreadState* CreateThreadState() {
  if (tls_exited) return nullptr;
  GatedScope gate;
  if (!gate.open()) return nullptr;
  // The detector (and LOCKGRAPH_OPTIONS) is set up before the first state.
  Detector& detector = Detector::Get();
  static const bool key_ok = pthread_key_create(&g_thread_key, DestroyThreadState) == 0;
  void* mem = std::malloc(sizeof(ThreadState));
  if (mem == nullptr) return nullptr;
  ThreadState* ts = new (mem) ThreadState();
  ts->tid = static_cast<int>(gettid());
  LinkBlockingCalls();
  if (detector.mode() == Mode::kOff) ts->bypass.fetch_add(kBypassBusyOne);
  if (key_ok) pthread_setspecific(g_thread_key, ts);
  ThreadRegistry::Get().Add(ts);
  tls_thread_state = ts;
  return ts;
}

inline bool Busy(const ThreadState* ts) {
  return (ts->bypass.load(std::memory_order_relaxed) & kBypassBusyMask) != 0;
}
inline bool Timed(const ThreadState* ts) {
  return (ts->bypass.load(std::memory_order_relaxed) & kBypassTimed) != 0;
}

// Marks this thread as inside detector code for the scope's duration.
class BusyScope {
 public:
  explicit BusyScope(ThreadState* ts) : ts_(ts) {
    ts_->bypass.fetch_add(kBypassBusyOne, std::memory_order_relaxed);
  }
  ~BusyScope() { ts_->bypass.fetch_sub(kBypassBusyOne, std::memory_order_relaxed); }
  BusyScope(const BusyScope&) = delete;
  BusyScope& operator=(const BusyScope&) = delete;

 private:
  ThreadState* ts_;
};

// Doubles the held-lock stack; false when memory is exhausted (the lock is
// then taken untracked).
bool Grow(ThreadState* ts) {
  GatedScope gate;
  if (!gate.open()) return false;
  const uint32_t capacity = ts->capacity * 2;
  auto* held = static_cast<HeldLock*>(std::malloc(sizeof(HeldLock) * capacity));
  if (held == nullptr) return false;
  std::memcpy(held, ts->held, sizeof(HeldLock) * ts->depth);
  if (ts->held != ts->inline_held) std::free(ts->held);
  ts->held = held;
  ts->capacity = capacity;
  return true;
}

// Whether `lock` is named by one of this thread's open PrivateScopes.
inline bool IsPrivate(const ThreadState* ts, const LockState* lock) {
  if ((ts->bypass.load(std::memory_order_relaxed) & kBypassPrivate) == 0) return false;
  for (uint32_t i = 0; i < ts->private_count; ++i) {
    if (ts->private_locks[i] == lock) return true;
  }
  return false;
}

inline void Push(ThreadState* ts, LockState* lock, uint64_t chain, AccessMode mode, bool by_try) {
  ts->held[ts->depth++] = HeldLock{lock, chain, 0, mode, by_try, IsPrivate(ts, lock), 0, 0};
}

inline uint64_t ChainBelow(const ThreadState* ts) {
  return ts->depth == 0 ? kChainSeed : ts->held[ts->depth - 1].chain;
}

// Recursive re-entry: counted on the existing entry, nothing else happens.
bool Reenter(ThreadState* ts, LockState* lock) {
  for (uint32_t i = ts->depth; i-- > 0;) {
    if (ts->held[i].lock == lock) {
      ++ts->held[i].reentries;
      return true;
    }
  }
  return false;
}

// Timing mode: counts the acquisition and stamps the new top entry; with
// hold_warn_ms also records where it was taken (an unwind: this mode is a
// diagnostic, not for production).
__attribute__((noinline)) void StampAcquisition(ThreadState* ts, LockState* lock) {
  const uint32_t i = ts->depth - 1;
  GatedScope gate;
  if (!gate.open()) return;  // a fork() is in progress: this hold goes untimed
  BusyScope busy(ts);
  Detector& detector = Detector::Get();
  if (i < kInlineHeld) {
    ts->acquire_stacks[i][0] = 0;
    if (detector.hold_warn_enabled()) {
      CapturedStack stack;
      StackDepot::Capture(2, kAcquireFrames, &stack);  // StampAcquisition, the hook
      for (int k = 0; k < stack.depth && k < static_cast<int>(kAcquireFrames); ++k) {
        ts->acquire_stacks[i][k] = stack.pcs[k];
      }
      if (stack.depth < static_cast<int>(kAcquireFrames)) ts->acquire_stacks[i][stack.depth] = 0;
    }
  }
  detector.RecordAcquisition(lock);
  ts->held[i].acquired_ns = MonotonicNanos();
}

void SlowUnlock(ThreadState* ts, const LockState* lock) {
  for (uint32_t i = ts->depth; i-- > 0;) {
    HeldLock& h = ts->held[i];
    if (h.lock != lock) continue;
    if (h.reentries > 0) {
      --h.reentries;
      return;
    }
    if (Timed(ts) && h.acquired_ns != 0 && !Busy(ts)) {
      const HeldLock released = h;
      GatedScope gate;
      if (gate.open()) {
        BusyScope busy(ts);
        const uintptr_t* site = i < kInlineHeld ? ts->acquire_stacks[i] : nullptr;
        Detector::Get().OnRelease(ts, released, site, MonotonicNanos() - released.acquired_ns);
      }
    }
    // Close the gap (a release out of order) and recompute the chain keys above.
    std::memmove(&ts->held[i], &ts->held[i + 1], sizeof(HeldLock) * (ts->depth - i - 1));
    for (uint32_t k = i; k + 1 < ts->depth && k + 1 < kInlineHeld; ++k) {
      std::memcpy(ts->acquire_stacks[k], ts->acquire_stacks[k + 1], sizeof(ts->acquire_stacks[k]));
    }
    --ts->depth;
    uint64_t chain = i == 0 ? kChainSeed : ts->held[i - 1].chain;
    for (uint32_t k = i; k < ts->depth; ++k) {
      chain =
          MixChain(chain, ts->held[k].lock->node.load(std::memory_order_relaxed), ts->held[k].mode);
      ts->held[k].chain = chain;
    }
    return;
  }
  // Not found: taken while the detector was busy or off, or in another thread.
}

}  // namespace

__attribute__((noinline)) void BeforeLockSlow(LockState* lock, AccessMode mode) noexcept {
  ThreadState* ts = tls_thread_state;
  if (ts == nullptr) {
    ts = CreateThreadState();
    if (ts == nullptr) return;
  }
  if (Busy(ts) || (lock->flags & kFlagUntracked)) return;
  if ((lock->flags & kFlagRecursive) && Reenter(ts, lock)) return;
  if (ts->depth == ts->capacity && !Grow(ts)) return;
  Detector& detector = Detector::Get();
  if ((lock->flags & kFlagHeldAtFork) && detector.mode() != Mode::kOff) {
    GatedScope gate;
    if (gate.open()) {
      BusyScope busy(ts);
      detector.OnHeldAtFork(ts, lock);
    }
  }
  // No order leads into a lock of an object not yet published: no other
  // thread can hold it, so waiting for it cannot be part of a deadlock.
  if (ts->depth > 0 && detector.mode() != Mode::kOff && !IsPrivate(ts, lock)) {
    BusyScope busy(ts);
    const int64_t start = Timed(ts) ? MonotonicNanos() : 0;
    detector.OnAcquire(ts, lock, mode);
    if (start != 0) {
      // Time spent here (recording an edge, or writing a report with its
      // symbolized stacks) is lockgraph's, not the program's: the locks this
      // thread holds must not show it as a long hold.
      const int64_t spent = MonotonicNanos() - start;
      for (uint32_t i = 0; i < ts->depth; ++i) {
        if (ts->held[i].acquired_ns != 0) ts->held[i].acquired_ns += spent;
      }
    }
  }
  const uint64_t chain = MixChain(ChainBelow(ts), lock->node.load(std::memory_order_relaxed), mode);
  Push(ts, lock, chain, mode, false);
  if (Timed(ts)) StampAcquisition(ts, lock);
}

__attribute__((noinline)) void AfterTryLock(LockState* lock, AccessMode mode) noexcept {
  ThreadState* ts = tls_thread_state;
  if (__builtin_expect(ts == nullptr, 0)) {
    ts = CreateThreadState();
    if (ts == nullptr) return;
  }
  if (Busy(ts) || (lock->flags & kFlagUntracked)) return;
  if ((lock->flags & kFlagRecursive) && Reenter(ts, lock)) return;
  if (ts->depth == ts->capacity && !Grow(ts)) return;
  // No edge leads into a lock taken without waiting.
  Push(ts, lock, MixChain(ChainBelow(ts), lock->node.load(std::memory_order_relaxed), mode), mode,
       true);
  if (Timed(ts)) StampAcquisition(ts, lock);
}

void AfterUnlockSlow(ThreadState* ts, const LockState* lock) noexcept { SlowUnlock(ts, lock); }

int64_t BeginWait(LockState* lock, AccessMode mode, const void* native, NativeKind kind) noexcept {
  ThreadState* ts = tls_thread_state;
  if (ts == nullptr) ts = CreateThreadState();
  if (ts == nullptr || Busy(ts) || (lock->flags & kFlagUntracked)) return 0;
  // Waits are timed only in timing mode (profile / hold_warn_ms); otherwise
  // the watchdog times them from when it first sees them, and the contended
  // path reads no clock.
  const int64_t now = Timed(ts) ? MonotonicNanos() : 0;
  ts->wait_seq.store(ts->wait_seq.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  ts->waiting_native.store(native, std::memory_order_relaxed);
  ts->waiting_kind.store(kind, std::memory_order_relaxed);
  ts->waiting_mode.store(mode, std::memory_order_relaxed);
  ts->waiting_for.store(lock, std::memory_order_release);  // publishes the fields above
  return now;
}

void EndWait(LockState* lock, int64_t started_ns) noexcept {
  ThreadState* ts = tls_thread_state;
  if (ts == nullptr || Busy(ts) || (lock->flags & kFlagUntracked)) return;
  ts->waiting_for.store(nullptr, std::memory_order_release);
  if (started_ns == 0) return;
  const int64_t now = MonotonicNanos();
  // A timed hold starts when the lock is really held, not when the wait began.
  if (ts->depth > 0 && ts->held[ts->depth - 1].lock == lock &&
      ts->held[ts->depth - 1].acquired_ns != 0) {
    ts->held[ts->depth - 1].acquired_ns = now;
  }
  GatedScope gate;
  if (!gate.open()) return;
  BusyScope busy(ts);
  Detector::Get().RecordWait(lock, static_cast<uint64_t>(now - started_ns));
}

void RetireNode(LockState* lock) noexcept { Detector::Get().Retire(lock); }

std::atomic<int64_t> g_block_warn_ns{0};

int64_t BeginBlockingSlow(ThreadState* ts, const char* what, uintptr_t caller) noexcept {
  // lockgraph's own I/O (symbolizing, writing a report) is not the program's;
  // a blocking call inside another one (an annotated scope around a read) is
  // part of the outer one.
  if (InLockgraphCode() || ts->blocked_in.load(std::memory_order_relaxed) != nullptr) return 0;
  const int64_t now = MonotonicNanos();
  ts->block_seq.store(ts->block_seq.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  ts->blocked_since_ns.store(now, std::memory_order_relaxed);
  ts->blocked_caller.store(caller, std::memory_order_relaxed);
  const LockState* innermost = ts->held[ts->depth - 1].lock;
  ts->blocked_lock_name.store(innermost->name, std::memory_order_relaxed);
  ts->blocked_lock_file.store(innermost->file, std::memory_order_relaxed);
  ts->blocked_lock_line.store(innermost->line, std::memory_order_relaxed);
  ts->blocked_depth.store(ts->depth, std::memory_order_relaxed);
  ts->blocked_in.store(what, std::memory_order_release);  // publishes the fields above
  return now;
}

void EndBlockingSlow(int64_t started_ns) noexcept {
  ThreadState* ts = tls_thread_state;
  if (ts == nullptr) return;
  const char* what = ts->blocked_in.load(std::memory_order_relaxed);
  ts->blocked_in.store(nullptr, std::memory_order_release);
  const int64_t elapsed = MonotonicNanos() - started_ns;
  const int64_t threshold = g_block_warn_ns.load(std::memory_order_relaxed);
  if (what == nullptr || threshold == 0 || elapsed < threshold || ts->depth == 0 || Busy(ts)) {
    return;
  }
  // The watchdog already reported this call while it was blocked.
  if (ts->block_reported.load(std::memory_order_acquire) ==
      ts->block_seq.load(std::memory_order_relaxed)) {
    return;
  }
  const int saved_errno = errno;  // the interposed call's result stays the caller's
  {
    // Reporting symbolizes, and the symbolizer's libraries lock: in preload
    // mode their locks must go straight to libc.
    InternalScope internal;
    GatedScope gate;
    if (gate.open()) {
      BusyScope busy(ts);
      Detector::Get().OnBlocked(ts, what, ts->blocked_caller.load(std::memory_order_relaxed),
                                elapsed);
    }
  }
  errno = saved_errno;
}

size_t EnterPrivate(LockState* const* locks, size_t n) noexcept {
  ThreadState* ts = tls_thread_state;
  if (ts == nullptr) ts = CreateThreadState();
  if (ts == nullptr) return 0;
  size_t added = 0;
  while (added < n && ts->private_count < kMaxPrivateLocks) {
    ts->private_locks[ts->private_count++] = locks[added++];
  }
  if (ts->private_count > 0) ts->bypass.fetch_or(kBypassPrivate, std::memory_order_relaxed);
  return added;
}

void LeavePrivate(LockState* const* locks, size_t n) noexcept {
  ThreadState* ts = tls_thread_state;
  if (ts == nullptr) return;
  for (size_t k = 0; k < n; ++k) {
    for (uint32_t i = ts->private_count; i-- > 0;) {
      if (ts->private_locks[i] != locks[k]) continue;
      ts->private_locks[i] = ts->private_locks[--ts->private_count];
      break;
    }
  }
  // A lock still held keeps its mark (its entry says private_hold) until it
  // is released.
  if (ts->private_count == 0) ts->bypass.fetch_and(~kBypassPrivate, std::memory_order_relaxed);
}

__attribute__((noinline, cold)) void AssertionSlow(const LockState* lock,
                                                   AssertKind kind) noexcept {
  ThreadState* ts = tls_thread_state;
  if (ts == nullptr) {
    // No lock operation yet on this thread, so it holds no tracked lock;
    // the state is made now so the answer is the same as for any thread.
    ts = CreateThreadState();
    if (ts == nullptr) return;
  }
  // Inside the detector or a report callback, or with the detector off,
  // acquisitions are not recorded: the held stack cannot be trusted.
  if (Busy(ts) || (lock != nullptr && (lock->flags & kFlagUntracked))) return;
  // Asked again: the fast path answers "not confirmed" also for a thread that
  // had no state until just now.
  if (AssertionHoldsFast(lock, kind)) return;
  Detector& detector = Detector::Get();
  if (detector.mode() == Mode::kOff) return;
  GatedScope gate;
  if (!gate.open()) return;
  BusyScope busy(ts);
  detector.OnAssertionFailed(ts, lock, kind);
}

}  // namespace LOCKGRAPH_ABI_NAMESPACE
}  // namespace internal
}  // namespace lockgraph
