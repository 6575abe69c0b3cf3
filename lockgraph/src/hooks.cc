// The wrappers' hooks: the per-thread fast path and its thread-state lifetime.
//
// An acquisition with nothing held, or whose lock chain this thread has seen
// before, touches only thread-local memory: one TLS load, a few compares, a
// store into the held-lock stack. Everything else goes to the Detector.
#include <pthread.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <new>

#include "internal/detector.h"
#include "lockgraph/internal/thread_state.h"

namespace lockgraph {
namespace internal {
inline namespace LOCKGRAPH_ABI_NAMESPACE {

// Initial-exec TLS: a direct %fs-relative load, not a __tls_get_addr call.
__thread ThreadState* tls_thread_state __attribute__((tls_model("initial-exec"))) = nullptr;

namespace {

// Set once this thread's state was torn down: lock operations in later
// thread-exit destructors pass through untracked instead of leaking a new state.
__thread bool tls_exited __attribute__((tls_model("initial-exec"))) = false;

pthread_key_t g_thread_key;

void DestroyThreadState(void* p) {
  tls_thread_state = nullptr;
  tls_exited = true;
  ThreadState* ts = static_cast<ThreadState*>(p);
  if (ts->held != ts->inline_held) std::free(ts->held);
  ts->~ThreadState();
  std::free(ts);
}

ThreadState* CreateThreadState() {
  if (tls_exited) return nullptr;
  // The detector (and LOCKGRAPH_OPTIONS) is set up before the first state.
  Detector& detector = Detector::Get();
  static const bool key_ok = pthread_key_create(&g_thread_key, DestroyThreadState) == 0;
  void* mem = std::malloc(sizeof(ThreadState));
  if (mem == nullptr) return nullptr;
  ThreadState* ts = new (mem) ThreadState();
  ts->tid = static_cast<int>(gettid());
  if (detector.mode() == Mode::kOff) ts->busy = 1;
  if (key_ok) pthread_setspecific(g_thread_key, ts);
  tls_thread_state = ts;
  return ts;
}

// Doubles the held-lock stack; false when memory is exhausted (the lock is
// then taken untracked).
bool Grow(ThreadState* ts) {
  const uint32_t capacity = ts->capacity * 2;
  auto* held = static_cast<HeldLock*>(std::malloc(sizeof(HeldLock) * capacity));
  if (held == nullptr) return false;
  std::memcpy(held, ts->held, sizeof(HeldLock) * ts->depth);
  if (ts->held != ts->inline_held) std::free(ts->held);
  ts->held = held;
  ts->capacity = capacity;
  return true;
}

inline void Push(ThreadState* ts, LockState* lock, uint64_t chain, AccessMode mode, bool by_try) {
  ts->held[ts->depth++] = HeldLock{lock, chain, 0, mode, by_try};
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

void SlowUnlock(ThreadState* ts, const LockState* lock) {
  for (uint32_t i = ts->depth; i-- > 0;) {
    HeldLock& h = ts->held[i];
    if (h.lock != lock) continue;
    if (h.reentries > 0) {
      --h.reentries;
      return;
    }
    // Released out of order: close the gap and recompute the chain keys above.
    std::memmove(&ts->held[i], &ts->held[i + 1], sizeof(HeldLock) * (ts->depth - i - 1));
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
  if (ts->busy || (lock->flags & kFlagUntracked)) return;
  if ((lock->flags & kFlagRecursive) && Reenter(ts, lock)) return;
  if (ts->depth == ts->capacity && !Grow(ts)) return;
  ++ts->busy;
  Detector& detector = Detector::Get();
  if (ts->depth > 0 && detector.mode() != Mode::kOff) detector.OnAcquire(ts, lock, mode);
  const uint64_t chain = MixChain(ChainBelow(ts), lock->node.load(std::memory_order_relaxed), mode);
  Push(ts, lock, chain, mode, false);
  --ts->busy;
}

void AfterTryLock(LockState* lock, AccessMode mode) noexcept {
  ThreadState* ts = tls_thread_state;
  if (__builtin_expect(ts == nullptr, 0)) {
    ts = CreateThreadState();
    if (ts == nullptr) return;
  }
  if (ts->busy || (lock->flags & kFlagUntracked)) return;
  if ((lock->flags & kFlagRecursive) && Reenter(ts, lock)) return;
  if (ts->depth == ts->capacity && !Grow(ts)) return;
  // No edge leads into a lock taken without waiting.
  Push(ts, lock, MixChain(ChainBelow(ts), lock->node.load(std::memory_order_relaxed), mode), mode,
       true);
}

void AfterUnlockSlow(ThreadState* ts, const LockState* lock) noexcept { SlowUnlock(ts, lock); }

void RetireNode(LockState* lock) noexcept { Detector::Get().Retire(lock); }

}  // namespace LOCKGRAPH_ABI_NAMESPACE
}  // namespace internal
}  // namespace lockgraph
