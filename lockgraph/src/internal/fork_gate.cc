#include "internal/fork_gate.h"

#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include <atomic>

#include "internal/detector.h"
#include "internal/reentrancy.h"
#include "internal/symbolizer.h"
#include "internal/thread_registry.h"

namespace lockgraph::internal {

namespace {

std::atomic<bool> g_closed{false};
std::atomic<int> g_inflight{0};

// How deep this thread is in gated work (only the outermost scope counts).
__thread int tls_gate_depth __attribute__((tls_model("initial-exec"))) = 0;
// Set on the forking thread from the prepare handler to the parent/child one.
__thread bool tls_forking __attribute__((tls_model("initial-exec"))) = false;

struct ForkLocks {
  void (*lock)();
  void (*unlock)();
};
constexpr int kMaxForkLocks = 8;
ForkLocks g_fork_locks[kMaxForkLocks];
std::atomic<int> g_fork_lock_count{0};

// Every signal but those the kernel raises for a fault in the code itself.
const sigset_t& AsyncSignals() {
  static const sigset_t set = [] {
    sigset_t s;
    sigfillset(&s);
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS, SIGABRT}) sigdelset(&s, sig);
    return s;
  }();
  return set;
}

// Threads already inside gated work finish it quickly (it never waits for a
// lock of the program); the bound is for a thread stopped by a debugger.
void DrainInflight() {
  timespec pause = {0, 100000};
  for (int i = 0; i < 20000 && g_inflight.load(std::memory_order_acquire) != 0; ++i) {
    nanosleep(&pause, nullptr);
  }
}

// Every internal lock is taken in the prepare handler and released in the
// parent or child handler: three callbacks the analysis cannot connect.
void LockAll() LOCKGRAPH_NO_THREAD_SAFETY_ANALYSIS {
  LockSymbolizerForFork();
  ThreadRegistry::Get().LockForFork();
  Detector::Get().LockForFork();
  const int n = g_fork_lock_count.load(std::memory_order_acquire);
  for (int i = 0; i < n; ++i) g_fork_locks[i].lock();
}

void UnlockAll() LOCKGRAPH_NO_THREAD_SAFETY_ANALYSIS {
  const int n = g_fork_lock_count.load(std::memory_order_acquire);
  for (int i = n; i-- > 0;) g_fork_locks[i].unlock();
  Detector::Get().UnlockAfterFork();
  ThreadRegistry::Get().UnlockAfterFork();
  UnlockSymbolizerAfterFork();
}

void Prepare() {
  if (InLockgraphCode() || tls_gate_depth > 0) return;  // fork() from inside lockgraph: leave it be
  g_closed.store(true, std::memory_order_seq_cst);
  DrainInflight();
  LockAll();
  tls_forking = true;
}

void InParent() {
  if (!tls_forking) return;
  tls_forking = false;
  UnlockAll();
  g_closed.store(false, std::memory_order_release);
}

void InChild() {
  if (!tls_forking) return;
  tls_forking = false;
  UnlockAll();
  g_inflight.store(0, std::memory_order_relaxed);  // the threads that counted are gone
  {
    InternalScope internal;
    // The forking thread is the child's only thread, with the child's id.
    if (ThreadState* self = tls_thread_state) {
      self->tid = static_cast<int>(gettid());
      self->thread_tag = UINT32_MAX;
    }
    Detector::Get().AfterForkInChild(ThreadRegistry::Get().ResetAfterFork(tls_thread_state));
  }
  g_closed.store(false, std::memory_order_release);
}

}  // namespace

GatedScope::GatedScope() noexcept {
  if (tls_forking) return;
  if (tls_gate_depth > 0) {
    ++tls_gate_depth;
    open_ = true;
    return;
  }
  if (g_closed.load(std::memory_order_acquire)) return;
  pthread_sigmask(SIG_BLOCK, &AsyncSignals(), &saved_);
  g_inflight.fetch_add(1, std::memory_order_seq_cst);
  if (g_closed.load(std::memory_order_seq_cst)) {
    g_inflight.fetch_sub(1, std::memory_order_release);
    pthread_sigmask(SIG_SETMASK, &saved_, nullptr);
    return;
  }
  ++tls_gate_depth;
  open_ = outer_ = true;
}

GatedScope::~GatedScope() {
  if (!open_) return;
  --tls_gate_depth;
  if (!outer_) return;
  g_inflight.fetch_sub(1, std::memory_order_release);
  pthread_sigmask(SIG_SETMASK, &saved_, nullptr);
}

bool InForkHandlers() { return tls_forking; }

void InstallForkHandlers() {
  static std::atomic<bool> installed{false};
  if (installed.exchange(true)) return;
  pthread_atfork(Prepare, InParent, InChild);
}

void RegisterForkLocks(void (*lock)(), void (*unlock)()) {
  const int i = g_fork_lock_count.load(std::memory_order_relaxed);
  if (i >= kMaxForkLocks) return;
  g_fork_locks[i] = ForkLocks{lock, unlock};
  g_fork_lock_count.store(i + 1, std::memory_order_release);
}

}  // namespace lockgraph::internal
