#include "internal/watchdog.h"

#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "internal/detector.h"
#include "internal/reentrancy.h"
#include "internal/report_builder.h"
#include "internal/thread_registry.h"

namespace lockgraph::internal {

namespace {

// How long a sampled thread gets to answer the signal.
constexpr int kSampleTimeoutMs = 200;

// FinishForExit's handshake with the loop (sequentially consistent: each side
// stores its own flag, then reads the other's, so they cannot both miss).
std::atomic<bool> g_exiting{false};
std::atomic<bool> g_scanning{false};
// Set on the watchdog thread: a report callback there that calls exit() must
// not wait for its own scan.
thread_local bool tls_is_watchdog = false;

struct Waiter {
  int tid;
  LockState* lock;
  AccessMode mode;
  uint64_t seq;
  int64_t since = 0;  // when the watchdog first saw this wait
  const void* native;
  NativeKind kind;
  int owner = 0;  // thread id in the lock word; 0: unknown (free, or held shared)
};

// The owner glibc records in the lock word: pthread_mutex_t::__owner for
// mutexes (all types), pthread_rwlock_t::__cur_writer for a write-held rwlock.
int ReadOwner(const void* native, NativeKind kind) {
  if (native == nullptr) return 0;
  if (kind == NativeKind::kMutex) {
    const auto* m = static_cast<const pthread_mutex_t*>(native);
    return __atomic_load_n(&m->__data.__owner, __ATOMIC_RELAXED);
  }
  if (kind == NativeKind::kRwlock) {
    const auto* r = static_cast<const pthread_rwlock_t*>(native);
    return static_cast<int>(__atomic_load_n(&r->__data.__cur_writer, __ATOMIC_RELAXED));
  }
  return 0;
}

std::vector<Waiter> CollectWaiters() {
  std::vector<Waiter> waiters;
  ThreadRegistry::Get().ForEach([&](ThreadState* ts) {
    LockState* lock = ts->waiting_for.load(std::memory_order_acquire);
    if (lock == nullptr) return;
    waiters.push_back(Waiter{ts->tid, lock, ts->waiting_mode.load(std::memory_order_relaxed),
                             ts->wait_seq.load(std::memory_order_relaxed), 0,
                             ts->waiting_native.load(std::memory_order_relaxed),
                             ts->waiting_kind.load(std::memory_order_relaxed)});
  });
  return waiters;
}

// Adds `lock` to the report's locks once; returns its index.
size_t LockIndex(Report& r, absl::flat_hash_map<const LockState*, size_t>& index,
                 const LockState* lock) {
  auto [it, inserted] = index.try_emplace(lock, r.locks.size());
  if (inserted) {
    Detector& d = Detector::Get();
    const uint32_t cls = lock->class_id.load(std::memory_order_relaxed);
    r.locks.push_back(LockInfoOf(lock, cls == UINT32_MAX ? std::string() : d.ClassName(cls)));
  }
  return it->second;
}

// Samples thread `tid` and describes it for a report.
ThreadSnapshot Snapshot(Report& r, absl::flat_hash_map<const LockState*, size_t>& index, int tid,
                        const Waiter* wait, int64_t now, bool symbolize) {
  ThreadSnapshot t;
  t.thread_id = tid;
  t.thread_name = ThreadName(tid);
  SampledThread s = ThreadRegistry::Get().Sample(tid, kSampleTimeoutMs);
  t.sampled = s.answered;
  if (s.answered) {
    t.stack = SymbolizeStack(s.pcs, symbolize);
    for (const auto& [lock, mode] : s.held) t.holds.push_back(LockIndex(r, index, lock));
  }
  if (wait != nullptr) {
    t.waits_for = static_cast<int>(LockIndex(r, index, wait->lock));
    t.waits_for_owner = wait->owner;
    t.waited_ms = static_cast<double>(now - wait->since) / 1e6;
  }
  return t;
}

class Loop {
 public:
  void Run() {
    prctl(PR_SET_NAME, "lockgraph-watch", 0, 0, 0);
    tls_is_watchdog = true;
    for (;;) {
      Options o = Detector::Get().CurrentOptions();
      timespec pause = {o.watchdog_ms / 1000, (o.watchdog_ms % 1000) * 1000000L};
      nanosleep(&pause, nullptr);
      if (o.mode == Mode::kOff || !o.watchdog) continue;
      g_scanning.store(true);
      if (!g_exiting.load()) Scan(o);
      g_scanning.store(false);
    }
  }

 private:
  void Scan(const Options& o) {
    std::vector<Waiter> waiters = CollectWaiters();
    const int64_t now = MonotonicNanos();
    // A wait is timed from the first scan that saw it.
    absl::flat_hash_map<std::pair<int, uint64_t>, int64_t> first_seen;
    for (Waiter& w : waiters) {
      auto it = first_seen_.find({w.tid, w.seq});
      w.since = it == first_seen_.end() ? now : it->second;
      first_seen[{w.tid, w.seq}] = w.since;
    }
    first_seen_.swap(first_seen);
    const int64_t min_age = int64_t{o.watchdog_ms} * 1000000;
    absl::flat_hash_map<int, size_t> by_tid;
    for (size_t i = 0; i < waiters.size(); ++i) {
      // Only waits seen before: the lock word of a wait that just ended may
      // belong to a lock already destroyed.
      if (now - waiters[i].since >= min_age) {
        waiters[i].owner = ReadOwner(waiters[i].native, waiters[i].kind);
      }
      by_tid[waiters[i].tid] = i;
    }
    FindDeadlocks(o, waiters, by_tid, now);
    if (o.wait_warn_ms > 0) FindLongWaits(o, waiters, now);
    if (o.block_warn_ms > 0) FindLongBlocks(o, now);
  }

  // Threads in a blocking call with a lock held for longer than
  // block_warn_ms: reported now, with their current stack, since the call
  // may never return (the hang this option exists for).
  void FindLongBlocks(const Options& o, int64_t now) {
    struct Blocked {
      int tid;
      uint64_t seq;
      const char* what;
      uintptr_t caller;
      int64_t since;
      const char* lock_name;  // the innermost lock held: its name, or where it was made
      const char* lock_file;
      uint32_t lock_line;
      uint32_t depth;
    };
    std::vector<Blocked> blocked;
    const int64_t threshold = int64_t{o.block_warn_ms} * 1000000;
    ThreadRegistry::Get().ForEach([&](ThreadState* ts) {
      const char* what = ts->blocked_in.load(std::memory_order_acquire);
      if (what == nullptr) return;
      const int64_t since = ts->blocked_since_ns.load(std::memory_order_relaxed);
      if (now - since < threshold) return;
      blocked.push_back(Blocked{ts->tid, ts->block_seq.load(std::memory_order_relaxed), what,
                                ts->blocked_caller.load(std::memory_order_relaxed), since,
                                ts->blocked_lock_name.load(std::memory_order_relaxed),
                                ts->blocked_lock_file.load(std::memory_order_relaxed),
                                ts->blocked_lock_line.load(std::memory_order_relaxed),
                                ts->blocked_depth.load(std::memory_order_relaxed)});
    });
    for (const Blocked& b : blocked) {
      if (!warned_blocks_.insert({b.tid, b.seq}).second) continue;
      // A call site reported before is not sampled again: the signal would
      // cut short the program's call (a sleep returns early) for nothing.
      if (b.caller != 0 && reported_calls_.contains({b.what, b.caller})) continue;
      SampledThread s = ThreadRegistry::Get().Sample(b.tid, kSampleTimeoutMs);
      if (s.answered && s.held.empty()) continue;
      // Still in the same call? Then the watchdog's report stands for it.
      bool same_call = false;
      ThreadRegistry::Get().ForEach([&](ThreadState* ts) {
        if (ts->tid != b.tid || ts->block_seq.load(std::memory_order_relaxed) != b.seq ||
            ts->blocked_in.load(std::memory_order_relaxed) == nullptr) {
          return;
        }
        same_call = true;
        ts->block_reported.store(b.seq, std::memory_order_release);
      });
      if (!same_call) continue;  // it returned meanwhile and reports itself
      Detector& d = Detector::Get();
      const double ms = static_cast<double>(MonotonicNanos() - b.since) / 1e6;
      Report r;
      std::vector<uint32_t> classes;
      if (s.answered) {
        std::vector<HeldForReport> held;
        for (const auto& [lock, mode] : s.held) d.AddHeld(lock, mode, &held, &classes);
        r = BuildBlockedReport(b.what, held, b.tid,
                               FromCaller(s.pcs.data(), static_cast<int>(s.pcs.size()), b.caller),
                               ms, /*still_blocked=*/true, o.symbolize);
      } else {
        // No stack and no held-lock list: what the thread published when
        // the call started names the innermost lock.
        r = BuildUnansweredBlockedReport(b.what, b.lock_name, b.lock_file, b.lock_line, b.depth,
                                         b.tid, ms);
      }
      d.EmitBlocked(r, BlockedKey(b.what, r), classes);
      reported_calls_.insert({b.what, b.caller});
    }
    // Forget calls that ended, so the set does not grow with the program's age.
    if (warned_blocks_.size() > 4096) warned_blocks_.clear();
  }

  void FindDeadlocks(const Options& o, const std::vector<Waiter>& waiters,
                     const absl::flat_hash_map<int, size_t>& by_tid, int64_t now) {
    // Each waiter waits for one owner: follow the chain; a chain that comes
    // back to itself is a cycle of threads blocked on each other.
    absl::flat_hash_set<std::string> seen_now;
    std::vector<int> state(waiters.size(), 0);  // 0 new, 1 on the current path, 2 done
    for (size_t start = 0; start < waiters.size(); ++start) {
      std::vector<size_t> path;
      size_t i = start;
      bool closed = false;  // the chain came back to a thread on this path
      while (state[i] == 0) {
        state[i] = 1;
        path.push_back(i);
        auto it = by_tid.find(waiters[i].owner);
        if (waiters[i].owner == 0 || it == by_tid.end()) break;
        i = it->second;
        closed = state[i] == 1;
      }
      if (closed) {
        auto begin = std::find(path.begin(), path.end(), i);
        std::vector<size_t> cycle(begin, path.end());
        ConsiderCycle(o, waiters, cycle, now, seen_now);
      }
      for (size_t p : path) state[p] = 2;
    }
    candidates_.swap(seen_now);
  }

  void ConsiderCycle(const Options& o, const std::vector<Waiter>& waiters,
                     const std::vector<size_t>& cycle, int64_t now,
                     absl::flat_hash_set<std::string>& seen_now) {
    std::vector<std::pair<int, int64_t>> members;
    for (size_t i : cycle) {
      if (now - waiters[i].since < int64_t{o.deadlock_ms} * 1000000) return;  // not stuck long
      members.emplace_back(waiters[i].tid, waiters[i].since);
    }
    std::sort(members.begin(), members.end());
    std::string key;
    for (auto [tid, since] : members)
      key += std::to_string(tid) + ":" + std::to_string(since) + ",";
    seen_now.insert(key);
    // Seen in two scans in a row with the same waits: not a torn snapshot.
    if (!candidates_.contains(key) || reported_.contains(key)) return;
    reported_.insert(key);

    Report r;
    r.kind = ReportKind::kDeadlock;
    r.pid = getpid();
    absl::flat_hash_map<const LockState*, size_t> index;
    const bool symbolize = Detector::Get().CurrentOptions().symbolize;
    double stuck_ms = 0;
    for (size_t i : cycle) {
      r.threads.push_back(Snapshot(r, index, waiters[i].tid, &waiters[i], now, symbolize));
      stuck_ms = std::max(stuck_ms, r.threads.back().waited_ms);
    }
    // The lock words say who owns what each thread waits for: that is known
    // to be held even when a thread could not be sampled.
    for (ThreadSnapshot& t : r.threads) {
      for (size_t i : cycle) {
        if (waiters[i].owner != t.thread_id) continue;
        const size_t lock = LockIndex(r, index, waiters[i].lock);
        if (std::find(t.holds.begin(), t.holds.end(), lock) == t.holds.end()) {
          t.holds.push_back(lock);
        }
      }
    }
    r.duration_ms = stuck_ms;
    char buf[160];
    if (cycle.size() == 1) {
      std::snprintf(buf, sizeof(buf),
                    "deadlock: a thread waits for a lock it holds itself (stuck for %.0f ms)",
                    stuck_ms);
    } else {
      std::snprintf(buf, sizeof(buf),
                    "deadlock: %zu threads are blocked on each other (stuck for %.0f ms)",
                    cycle.size(), stuck_ms);
    }
    r.title = buf;
    Detector::Get().Emit(r, o.on_deadlock == DeadlockAction::kAbort);
  }

  void FindLongWaits(const Options& o, const std::vector<Waiter>& waiters, int64_t now) {
    for (const Waiter& w : waiters) {
      if (now - w.since < int64_t{o.wait_warn_ms} * 1000000) continue;
      if (!warned_waits_.insert({w.tid, w.since}).second) continue;
      Detector& d = Detector::Get();
      const uint32_t cls = d.ClassIdOf(w.lock);
      d.CountersOf(cls).long_waits.fetch_add(1, std::memory_order_relaxed);
      if (!warned_classes_.insert(cls).second) continue;  // one report per lock class

      Report r;
      r.kind = ReportKind::kLongWait;
      r.pid = getpid();
      r.duration_ms = static_cast<double>(now - w.since) / 1e6;
      absl::flat_hash_map<const LockState*, size_t> index;
      r.threads.push_back(Snapshot(r, index, w.tid, &w, now, o.symbolize));
      if (w.owner != 0 && w.owner != w.tid) {
        r.threads.push_back(Snapshot(r, index, w.owner, nullptr, now, o.symbolize));
      }
      char buf[64];
      std::snprintf(buf, sizeof(buf), "%.0f", r.duration_ms);
      r.title = "long wait: thread " + std::to_string(w.tid) + " has waited " + buf + " ms for \"" +
                r.locks[r.threads[0].waits_for].name + "\"" +
                (w.owner != 0 ? ", held by thread " + std::to_string(w.owner)
                              : std::string(", holder unknown"));
      d.Emit(r, false);
    }
  }

  absl::flat_hash_map<std::pair<int, uint64_t>, int64_t> first_seen_;
  absl::flat_hash_set<std::string> candidates_;
  absl::flat_hash_set<std::string> reported_;
  absl::flat_hash_set<std::pair<int, int64_t>> warned_waits_;
  absl::flat_hash_set<std::pair<int, uint64_t>> warned_blocks_;  // (tid, block_seq) looked at
  absl::flat_hash_set<std::pair<const char*, uintptr_t>> reported_calls_;  // (call, caller)
  absl::flat_hash_set<uint32_t> warned_classes_;
};

void* ThreadMain(void*) {
  // The watchdog never answers sampling signals; block every signal the
  // program might route to "any thread" so it does not land here.
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, nullptr);
  ++tls_internal_depth;  // everything this thread does is lockgraph's own work
  // Never destroyed: the thread outlives static destruction.
  static Loop* loop = new Loop;
  loop->Run();
  return nullptr;
}

}  // namespace

void Watchdog::Start() {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_t thread;
  if (pthread_create(&thread, &attr, ThreadMain, nullptr) != 0) {
    std::fputs(
        "lockgraph: note: could not start the watchdog thread; actual deadlocks and long "
        "waits will not be reported\n",
        stderr);
  }
  pthread_attr_destroy(&attr);
}

void Watchdog::ResetAfterFork() {
  g_scanning.store(false);
  g_exiting.store(false);
}

void Watchdog::FinishForExit(int max_wait_ms) {
  g_exiting.store(true);
  if (tls_is_watchdog) return;
  const int64_t deadline = MonotonicNanos() + int64_t{max_wait_ms} * 1000000;
  while (g_scanning.load() && MonotonicNanos() < deadline) {
    timespec pause = {0, 1000000};
    nanosleep(&pause, nullptr);
  }
}

}  // namespace lockgraph::internal
