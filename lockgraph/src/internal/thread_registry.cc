#include "internal/thread_registry.h"

#include "internal/reentrancy.h"

#define UNW_LOCAL_ONLY
#include <libunwind.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <new>

namespace lockgraph::internal {

namespace {

// The thread's own state, as seen from its signal handler.
extern "C" void SampleHandler(int, siginfo_t*, void*);

ThreadState* SelfState();

}  // namespace

__thread int tls_internal_depth __attribute__((tls_model("initial-exec"))) = 0;

int64_t MonotonicNanos() {
  timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec;
}

// For debuggers: the gdb extension (lockgraph/gdb/lockgraph_gdb.py) walks the
// registry from here, reading memory only.
ThreadRegistry* g_debug_registry = nullptr;

ThreadRegistry& ThreadRegistry::Get() {
  alignas(ThreadRegistry) static unsigned char storage[sizeof(ThreadRegistry)];
  static ThreadRegistry* registry = g_debug_registry = new (storage) ThreadRegistry();
  return *registry;
}

ThreadRegistry::ThreadRegistry() {
  // A real-time signal above the ones glibc keeps for itself; programs rarely
  // use these, and the handler ignores deliveries nobody asked for.
  signal_ = SIGRTMIN + 6;
  struct sigaction sa = {};
  sa.sa_sigaction = SampleHandler;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&sa.sa_mask);
  sigaction(signal_, &sa, nullptr);
}

void ThreadRegistry::Add(ThreadState* ts) {
  RawLockGuard guard(mu_);
  if (timed_.load(std::memory_order_relaxed)) {
    ts->bypass.fetch_or(kBypassTimed, std::memory_order_relaxed);
  }
  ts->registry_prev = nullptr;
  ts->registry_next = head_;
  if (head_ != nullptr) head_->registry_prev = ts;
  head_ = ts;
}

void ThreadRegistry::Remove(ThreadState* ts) {
  RawLockGuard guard(mu_);
  if (ts->registry_prev != nullptr) {
    ts->registry_prev->registry_next = ts->registry_next;
  } else if (head_ == ts) {
    head_ = ts->registry_next;
  }
  if (ts->registry_next != nullptr) ts->registry_next->registry_prev = ts->registry_prev;
  ts->registry_next = ts->registry_prev = nullptr;
}

void ThreadRegistry::LockForFork() { mu_.lock(); }
void ThreadRegistry::UnlockAfterFork() { mu_.unlock(); }

std::vector<std::pair<LockState*, int>> ThreadRegistry::ResetAfterFork(ThreadState* self) {
  std::vector<std::pair<LockState*, int>> orphaned;
  RawLockGuard guard(mu_);
  for (ThreadState* ts = head_; ts != nullptr; ts = ts->registry_next) {
    if (ts == self) continue;
    // The lock being waited for is already on the held-lock stack; not held.
    const LockState* awaited = ts->waiting_for.load(std::memory_order_relaxed);
    for (uint32_t i = 0; i < ts->depth; ++i) {
      if (i + 1 == ts->depth && ts->held[i].lock == awaited) break;
      if (ts->held[i].mode == AccessMode::kExclusive)
        orphaned.emplace_back(ts->held[i].lock, ts->tid);
    }
  }
  head_ = nullptr;
  if (self != nullptr) {
    self->registry_next = self->registry_prev = nullptr;
    head_ = self;
  }
  return orphaned;
}

void ThreadRegistry::SetTimed(bool timed) {
  RawLockGuard guard(mu_);
  timed_.store(timed, std::memory_order_relaxed);
  for (ThreadState* ts = head_; ts != nullptr; ts = ts->registry_next) {
    if (timed) {
      ts->bypass.fetch_or(kBypassTimed, std::memory_order_relaxed);
    } else {
      ts->bypass.fetch_and(~kBypassTimed, std::memory_order_relaxed);
    }
  }
}

SampledThread ThreadRegistry::Sample(int tid, int timeout_ms) {
  SampledThread out;
  out.tid = tid;
  RawLockGuard guard(mu_);
  ThreadState* target = nullptr;
  for (ThreadState* ts = head_; ts != nullptr; ts = ts->registry_next) {
    if (ts->tid == tid) target = ts;
  }
  if (target == nullptr) return out;
  ThreadSample& s = target->sample;
  const uint32_t seq = s.request.load(std::memory_order_relaxed) + 1;
  s.request.store(seq, std::memory_order_release);
  if (syscall(SYS_tgkill, getpid(), tid, signal_) != 0) return out;
  const int64_t deadline = MonotonicNanos() + int64_t{timeout_ms} * 1000000;
  while (s.done.load(std::memory_order_acquire) != seq) {
    if (MonotonicNanos() > deadline) return out;
    timespec pause = {0, 200000};
    nanosleep(&pause, nullptr);
  }
  out.answered = true;
  out.pcs.assign(s.pcs, s.pcs + s.frames);
  for (uint32_t i = 0; i < s.held; ++i) out.held.emplace_back(s.held_locks[i], s.held_modes[i]);
  return out;
}

namespace {

ThreadState* SelfState() { return tls_thread_state; }

extern "C" void SampleHandler(int, siginfo_t*, void*) {
  InternalScope internal;  // libunwind's own locks must not re-enter the detector
  ThreadState* ts = SelfState();
  if (ts == nullptr) return;
  ThreadSample& s = ts->sample;
  const uint32_t seq = s.request.load(std::memory_order_acquire);
  if (seq == s.done.load(std::memory_order_relaxed)) return;  // nobody asked
  const int saved_errno = errno;
  // Local unwinding with libunwind is async-signal-safe.
  unw_context_t context;
  unw_cursor_t cursor;
  uint32_t n = 0;
  if (unw_getcontext(&context) == 0 && unw_init_local(&cursor, &context) == 0) {
    // Skip this handler up to and including the signal frame: the stack
    // starts where the thread was interrupted.
    for (int i = 0; i < 8; ++i) {
      if (unw_step(&cursor) <= 0) break;
      if (unw_is_signal_frame(&cursor) > 0) break;
    }
    while (n < kMaxSampledFrames && unw_step(&cursor) > 0) {
      unw_word_t ip = 0;
      if (unw_get_reg(&cursor, UNW_REG_IP, &ip) != 0 || ip == 0) break;
      s.pcs[n++] = static_cast<uintptr_t>(ip);
    }
  }
  s.frames = n;
  uint32_t h = 0;
  // The lock being waited for is already on the held-lock stack (it is pushed
  // before the blocking acquisition); it is not held yet.
  const LockState* awaited = ts->waiting_for.load(std::memory_order_relaxed);
  for (uint32_t i = 0; i < ts->depth && h < kMaxSampledHeld; ++i) {
    if (i + 1 == ts->depth && ts->held[i].lock == awaited) break;
    s.held_locks[h] = ts->held[i].lock;
    s.held_modes[h] = ts->held[i].mode;
    ++h;
  }
  s.held = h;
  s.done.store(seq, std::memory_order_release);
  errno = saved_errno;
}

}  // namespace

}  // namespace lockgraph::internal
