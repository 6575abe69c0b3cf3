// lockgraph/internal/lock_state.h
// -----------------------------------------------------------------------------
// The detector's view of one lock object, embedded in every wrapper, and the
// hooks the wrappers call. Not part of the public API: include
// <lockgraph/mutex.h> instead.
//
// Contract of the hooks (modelled on compiler-rt's deadlock detector interface):
//   BeforeLock   before a blocking acquisition; may report; records the lock as held.
//   AfterTryLock after a successful non-blocking or timed acquisition: the lock
//                is recorded as held, but no order edge leads into it.
//   AfterUnlock  after the real release, so the critical section does not grow.
//                It compares the lock's address but never reads the lock,
//                which another thread may already have destroyed.
//   OnDestroy    when the lock object dies; its graph node is retired so a new
//                lock at the same address is a new node.
// With LOCKGRAPH_ON == 0 the state is an empty type and the hooks are empty
// inline functions, so the wrappers compile to the standard types' code.
#ifndef LOCKGRAPH_INTERNAL_LOCK_STATE_H_
#define LOCKGRAPH_INTERNAL_LOCK_STATE_H_

#include <atomic>
#include <cstdint>

#include "lockgraph/config.h"
#include "lockgraph/internal/thread_state.h"
#include "lockgraph/lock_options.h"
#include "lockgraph/source_location.h"

namespace lockgraph {
namespace internal {
inline namespace LOCKGRAPH_ABI_NAMESPACE {

enum class AccessMode : uint8_t { kExclusive = 0, kShared = 1 };

// What a held-lock assertion claims about the calling thread.
enum class AssertKind : uint8_t {
  kHeld,        // holds the lock exclusively (AssertHeld)
  kReaderHeld,  // holds it in either mode (AssertReaderHeld)
  kNotHeld,     // does not hold it (AssertNotHeld)
  kNoLocksHeld  // holds no lockgraph lock at all (AssertNoLocksHeld; lock is null)
};

enum LockFlags : uint32_t {
  kFlagRecursive = 1u << 0,  // re-entry by the holder is legal and adds nothing
  kFlagUntracked = 1u << 1,  // opted out of the detector
  kFlagRanked = 1u << 2,     // rank is meaningful
  // Set in a forked child on locks another thread of the parent held at
  // fork(): nobody in the child will release them.
  kFlagHeldAtFork = 1u << 3,
  // A shared acquisition waits behind a queued writer (LockOptions).
  kFlagWriterPreferring = 1u << 4,
};
// Locks whose every acquisition takes the slow path.
inline constexpr uint32_t kSlowPathFlags = kFlagUntracked | kFlagRecursive | kFlagHeldAtFork;

#if LOCKGRAPH_ON

struct LockState {
  constexpr LockState(const char* lock_name, LockOptions options, uint32_t kind_flags,
                      const SourceLocation& where) noexcept
      : flags(kind_flags | (options.tracked ? 0u : kFlagUntracked) |
              (options.rank != LockOptions::kUnranked ? kFlagRanked : 0u) |
              (options.writer_preferring ? kFlagWriterPreferring : 0u)),
        rank(options.rank),
        name(lock_name),
        acquired_after(options.acquired_after),
        file(where.file_name()),
        function(where.function_name()),
        line(where.line()) {}

  // Versioned graph node id; 0 until the lock is first nested with another.
  std::atomic<uint64_t> node{0};
  uint32_t flags;
  int32_t rank;
  const char* name;            // nullptr when unnamed; must outlive the lock (string literal)
  const char* acquired_after;  // LockOptions::acquired_after, or nullptr
  // Construction site, stored as plain fields so the layout is the same
  // whichever SourceLocation the compiler provides.
  const char* file;
  const char* function;
  uint32_t line;
  // The lock's class id in the detector, once it has a node (for profiles).
  std::atomic<uint32_t> class_id{UINT32_MAX};
};

// The calling thread's state; null until its first lock operation.
extern __thread ThreadState* tls_thread_state __attribute__((tls_model("initial-exec")));

// Out-of-line parts of the hooks (src/hooks.cc). BeginWait/EndWait bracket a
// blocking wait on the contended path only: they publish what this thread
// waits for (for the watchdog) and measure the wait.
int64_t BeginWait(LockState* lock, AccessMode mode, const void* native, NativeKind kind) noexcept;
void EndWait(LockState* lock, int64_t started_ns) noexcept;
void BeforeLockSlow(LockState* lock, AccessMode mode) noexcept;
void AfterTryLock(LockState* lock, AccessMode mode) noexcept;
void AfterUnlockSlow(ThreadState* ts, const LockState* lock) noexcept;
void RetireNode(LockState* lock) noexcept;
// An assertion the fast check below could not confirm: decides with the whole
// state (a thread with no state yet, the detector busy or off, an untracked
// lock: nothing is reported) and reports a real failure.
void AssertionSlow(const LockState* lock, AssertKind kind) noexcept;
// PrivateScope: adds / removes `locks` to the calling thread's private set;
// Enter returns how many it added (the set holds kMaxPrivateLocks).
size_t EnterPrivate(LockState* const* locks, size_t n) noexcept;
void LeavePrivate(LockState* const* locks, size_t n) noexcept;

// block_warn_ms in nanoseconds; 0 while it is off (the default), and then a
// blocking call costs one load of this word.
extern std::atomic<int64_t> g_block_warn_ns;
// A blocking call (`what`: its name, a string literal) starts on the thread
// owning `ts`, which holds at least one lock; `caller`: the return address
// into the code that made the call, or 0. Returns when it started (0: not
// watched). EndBlockingSlow: it returned; reports it if it took block_warn_ms.
int64_t BeginBlockingSlow(ThreadState* ts, const char* what, uintptr_t caller) noexcept;
void EndBlockingSlow(int64_t started_ns) noexcept;

// Brackets a call that may block (sleep, I/O, a wait on something other than
// a lockgraph lock): with block_warn_ms set and a lock held, it is timed.
inline int64_t BeginBlocking(const char* what, uintptr_t caller) noexcept {
  if (g_block_warn_ns.load(std::memory_order_relaxed) == 0) return 0;
  ThreadState* ts = tls_thread_state;
  if (ts == nullptr || ts->depth == 0 ||
      (ts->bypass.load(std::memory_order_relaxed) & kBypassBusyMask) != 0) {
    return 0;
  }
  return BeginBlockingSlow(ts, what, caller);
}
inline void EndBlocking(int64_t started_ns) noexcept {
  if (started_ns != 0) EndBlockingSlow(started_ns);
}

// The fast path, inlined into every lock(): with nothing held, or with a lock
// chain this thread has checked before, an acquisition touches only its own
// thread's memory.
inline void BeforeLock(LockState* lock, AccessMode mode) noexcept {
  ThreadState* ts = tls_thread_state;
  if (ts != nullptr && ts->bypass.load(std::memory_order_relaxed) == 0 &&
      (lock->flags & kSlowPathFlags) == 0) {
    const uint32_t depth = ts->depth;
    if (depth < ts->capacity) {
      HeldLock* held = ts->held;
      const uint64_t below = depth == 0 ? kChainSeed : held[depth - 1].chain;
      const uint64_t chain = MixChain(below, lock->node.load(std::memory_order_relaxed), mode);
      if (depth == 0 || ts->chain_cache[chain & kChainCacheMask] == chain) {
        held[depth] = HeldLock{lock, chain, 0, mode, false, false, 0, 0};
        ts->depth = depth + 1;
        return;
      }
    }
  }
  BeforeLockSlow(lock, mode);
}

inline void AfterUnlock(const LockState* lock) noexcept {
  ThreadState* ts = tls_thread_state;
  if (ts == nullptr) return;
  const uint32_t depth = ts->depth;
  if (depth == 0) return;
  const HeldLock& top = ts->held[depth - 1];
  if (top.lock == lock && top.reentries == 0 &&
      (ts->bypass.load(std::memory_order_relaxed) & kBypassTimed) == 0) {
    ts->depth = depth - 1;
    return;
  }
  AfterUnlockSlow(ts, lock);
}

// The held-lock assertions' fast path: true when the calling thread's held
// stack confirms the claim. A scan of the few locks this thread holds, newest
// first; nothing shared is read.
inline bool AssertionHoldsFast(const LockState* lock, AssertKind kind) noexcept {
  const ThreadState* ts = tls_thread_state;
  if (ts == nullptr) return false;
  const uint32_t depth = ts->depth;
  if (kind == AssertKind::kNoLocksHeld) return depth == 0;
  for (uint32_t i = depth; i-- > 0;) {
    if (ts->held[i].lock == lock) {
      return kind == AssertKind::kReaderHeld ||
             (kind == AssertKind::kHeld && ts->held[i].mode == AccessMode::kExclusive);
    }
  }
  return kind == AssertKind::kNotHeld;
}

inline void Assert(const LockState* lock, AssertKind kind) noexcept {
  if (!AssertionHoldsFast(lock, kind)) AssertionSlow(lock, kind);
}

inline void OnDestroy(LockState* lock) noexcept {
  if (lock->node.load(std::memory_order_relaxed) != 0) RetireNode(lock);
}

// Brackets the blocking part of a contended acquisition.
class WaitScope {
 public:
  WaitScope(LockState* lock, AccessMode mode, const void* native, NativeKind kind) noexcept
      : lock_(lock), started_ns_(BeginWait(lock, mode, native, kind)) {}
  ~WaitScope() { EndWait(lock_, started_ns_); }
  WaitScope(const WaitScope&) = delete;
  WaitScope& operator=(const WaitScope&) = delete;

 private:
  LockState* lock_;
  int64_t started_ns_;
};

#else  // !LOCKGRAPH_ON

struct LockState {
  constexpr LockState(const char*, LockOptions, uint32_t,
                      const lockgraph::SourceLocation&) noexcept {}
};
inline void BeforeLock(LockState*, AccessMode) noexcept {}
inline void AfterTryLock(LockState*, AccessMode) noexcept {}
inline void AfterUnlock(const LockState*) noexcept {}
inline void OnDestroy(LockState*) noexcept {}
inline void Assert(const LockState*, AssertKind) noexcept {}
inline int64_t BeginBlocking(const char*, uintptr_t) noexcept { return 0; }
inline void EndBlocking(int64_t) noexcept {}

#endif  // LOCKGRAPH_ON

}  // namespace LOCKGRAPH_ABI_NAMESPACE
}  // namespace internal
}  // namespace lockgraph

#endif  // LOCKGRAPH_INTERNAL_LOCK_STATE_H_
