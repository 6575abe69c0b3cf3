#include "internal/report_builder.h"

#include <unistd.h>

#include <cstdio>
#include <string_view>

#include "internal/symbolizer.h"

namespace lockgraph::internal {

namespace {

// Frames a user did not write: the detector, the wrappers, and the standard
// library's lock helpers that call them.
bool IsLockMachinery(std::string_view fn) {
  static constexpr std::string_view kPrefixes[] = {
      // The detector and the wrappers (the ABI namespaces of mutex.h), not
      // user code that happens to live in namespace lockgraph.
      "lockgraph::internal::",
      "lockgraph::checked::",
      "lockgraph::preload::",
      // The LD_PRELOAD library's entry points (and glibc's, below them).
      "pthread_mutex_",
      "pthread_rwlock_",
      "pthread_cond_",
      "pthread_once",
      "__gthread_",
      "std::mutex::",
      "std::shared_mutex::",
      "std::recursive_mutex::",
      "std::timed_mutex::",
      "std::__shared_mutex_pthread::",
      "std::lock_guard<",
      "std::unique_lock<",
      "std::scoped_lock<",
      "std::shared_lock<",
      "void std::lock<",
      "std::lock<",
      "void std::__detail::__lock_impl",
      "std::__detail::__lock_impl",
      "std::__detail::__try_lock_impl",
      "std::condition_variable_any::",
      "void std::condition_variable_any::",
      "bool std::condition_variable_any::",
      "std::cv_status std::condition_variable_any::",
      "unw_backtrace",
      "_ULx86_64",
  };
  // Templates demangle with their return type first ("int ns::f<...>(...)").
  const size_t space = fn.find(' ');
  if (space != std::string_view::npos && space < fn.find_first_of("(<")) {
    if (IsLockMachinery(fn.substr(space + 1))) return true;
  }
  for (std::string_view p : kPrefixes) {
    if (fn.substr(0, p.size()) == p) return true;
  }
  return false;
}

// lockgraph's public headers, in the source tree or installed: the code of
// the wrappers that optimized builds inline into the user's functions.
bool IsLockgraphHeader(std::string_view file) {
  static constexpr std::string_view kDir = "include/lockgraph/";
  for (size_t at = file.find(kDir); at != std::string_view::npos; at = file.find(kDir, at + 1)) {
    if (at == 0 || file[at - 1] == '/') return true;
  }
  return false;
}

// An inlined frame is also known by its file, for the DWARF producers that
// name inlined functions without their namespace.
bool IsLockMachinery(const StackFrame& f) {
  return IsLockMachinery(f.function) || (f.inlined && IsLockgraphHeader(f.file));
}

// "file:line"; just the file part when there is no line (preload mode names
// code without debug information module+offset).
std::string SiteOf(const NodeInfo& node) {
  if (node.line == 0) return node.file;
  return std::string(node.file) + ":" + std::to_string(node.line);
}

std::string Quoted(const std::string& s) { return "\"" + s + "\""; }

}  // namespace

std::string ExpandPid(const std::string& path) {
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '%' && i + 1 < path.size() && path[i + 1] == 'p') {
      out += std::to_string(getpid());
      ++i;
    } else {
      out += path[i];
    }
  }
  return out;
}

LockInfo LockInfoOf(const LockState* lock, const std::string& class_name) {
  LockInfo info;
  info.name = !class_name.empty()     ? class_name
              : lock->name != nullptr ? std::string(lock->name)
                                      : std::string(lock->file) + ":" + std::to_string(lock->line);
  info.site = std::string(lock->file) + ":" + std::to_string(lock->line);
  info.function = lock->function;
  info.rank = (lock->flags & kFlagRanked) ? lock->rank : INT32_MIN;
  info.instance = lock->node.load(std::memory_order_relaxed);
  return info;
}

std::string ThreadName(int tid) {
  const std::string path = "/proc/self/task/" + std::to_string(tid) + "/comm";
  FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return {};
  char buf[64] = {};
  const size_t n = std::fread(buf, 1, sizeof(buf) - 1, f);
  std::fclose(f);
  std::string name(buf, n);
  while (!name.empty() && (name.back() == '\n' || name.back() == '\r')) name.pop_back();
  return name;
}

namespace {
// The thread a report is about, captured by itself: its stack is `pcs`.
ThreadSnapshot SelfSnapshot(int tid, const std::vector<uintptr_t>& pcs, bool symbolize) {
  ThreadSnapshot t;
  t.thread_id = tid;
  t.thread_name = ThreadName(tid);
  t.sampled = true;
  t.stack = SymbolizeStack(pcs, symbolize);
  return t;
}
}  // namespace

Report BuildLongHoldReport(const LockState* lock, const std::string& class_name,
                           const std::vector<uintptr_t>& acquired_pcs,
                           const std::vector<uintptr_t>& release_pcs, int tid, double duration_ms,
                           bool symbolize) {
  Report r;
  r.kind = ReportKind::kLongHold;
  r.pid = getpid();
  r.duration_ms = duration_ms;
  r.locks.push_back(LockInfoOf(lock, class_name));
  r.acquired_at = SymbolizeStack(acquired_pcs, symbolize);
  ThreadSnapshot t = SelfSnapshot(tid, release_pcs, symbolize);
  t.holds.push_back(0);
  r.threads.push_back(std::move(t));
  char ms[32];
  std::snprintf(ms, sizeof(ms), "%.1f", duration_ms);
  r.title = "long hold: " + Quoted(r.locks[0].name) + " was held for " + ms + " ms";
  return r;
}

Report BuildHeldAtForkReport(const LockState* lock, const std::string& class_name, int holder,
                             int tid, const std::vector<uintptr_t>& pcs, bool symbolize) {
  Report r;
  r.kind = ReportKind::kHeldAtFork;
  r.pid = getpid();
  r.locks.push_back(LockInfoOf(lock, class_name));
  ThreadSnapshot t = SelfSnapshot(tid, pcs, symbolize);
  t.waits_for = 0;
  t.waits_for_owner = holder;
  r.threads.push_back(std::move(t));
  r.title = "deadlock: this child of fork() (pid " + std::to_string(r.pid) + ") locks " +
            Quoted(r.locks[0].name) + ", which thread " + std::to_string(holder) +
            " of the parent held at fork(); no thread here will ever release it";
  return r;
}

Report BuildAssertionReport(AssertKind kind, const LockState* lock, const std::string& class_name,
                            const std::vector<HeldForReport>& held, int tid,
                            const std::vector<uintptr_t>& pcs, bool symbolize) {
  Report r;
  r.kind = ReportKind::kAssertionFailed;
  r.pid = getpid();
  if (lock != nullptr) r.locks.push_back(LockInfoOf(lock, class_name));
  ThreadSnapshot t = SelfSnapshot(tid, pcs, symbolize);
  int held_shared = -1;  // index in `held` of `lock`, when held in shared mode
  for (size_t i = 0; i < held.size(); ++i) {
    if (held[i].lock == lock) {
      t.holds.push_back(0);
      if (held[i].mode == AccessMode::kShared) held_shared = static_cast<int>(i);
      continue;
    }
    t.holds.push_back(r.locks.size());
    r.locks.push_back(LockInfoOf(held[i].lock, held[i].class_name));
  }
  r.threads.push_back(std::move(t));
  const std::string who = "thread " + std::to_string(tid);
  switch (kind) {
    case AssertKind::kHeld:
      r.title = "AssertHeld() failed: " + who + " does not hold " + Quoted(class_name) +
                (held_shared >= 0 ? " exclusively (it holds it in shared mode)" : "");
      break;
    case AssertKind::kReaderHeld:
      r.title = "AssertReaderHeld() failed: " + who + " does not hold " + Quoted(class_name);
      break;
    case AssertKind::kNotHeld:
      r.title = "AssertNotHeld() failed: " + who + " holds " + Quoted(class_name);
      break;
    case AssertKind::kNoLocksHeld: {
      r.title = "AssertNoLocksHeld() failed: " + who + " holds " + std::to_string(held.size()) +
                (held.size() == 1 ? " lock: " : " locks: ");
      for (size_t i = 0; i < r.locks.size(); ++i) {
        r.title += (i ? ", " : "") + Quoted(r.locks[i].name);
      }
      break;
    }
  }
  return r;
}

Report BuildBlockedReport(const char* what, const std::vector<HeldForReport>& held, int tid,
                          const std::vector<uintptr_t>& pcs, double duration_ms, bool still_blocked,
                          bool symbolize) {
  Report r;
  r.kind = ReportKind::kBlockedWhileHolding;
  r.pid = getpid();
  r.duration_ms = duration_ms;
  ThreadSnapshot t = SelfSnapshot(tid, pcs, symbolize);
  std::string names;
  for (const HeldForReport& h : held) {
    t.holds.push_back(r.locks.size());
    r.locks.push_back(LockInfoOf(h.lock, h.class_name));
    names += (names.empty() ? "" : ", ") + Quoted(h.class_name);
  }
  r.threads.push_back(std::move(t));
  char ms[32];
  std::snprintf(ms, sizeof(ms), "%.0f", duration_ms);
  const std::string thread = "thread " + std::to_string(tid);
  r.title = "blocked while holding: " +
            (still_blocked ? thread + " has been in " + what + " for " + ms + " ms"
                           : thread + " spent " + ms + " ms in " + what) +
            ", holding " + names;
  return r;
}

Report BuildUnansweredBlockedReport(const char* what, const char* name, const char* file,
                                    uint32_t line, uint32_t depth, int tid, double duration_ms) {
  LockInfo lock;
  lock.site = std::string(file != nullptr ? file : "?") + ":" + std::to_string(line);
  lock.name = name != nullptr ? name : lock.site;
  Report r = BuildBlockedReport(what, {}, tid, {}, duration_ms, /*still_blocked=*/true, false);
  r.locks.push_back(std::move(lock));
  ThreadSnapshot& t = r.threads.front();
  t.sampled = false;
  t.holds.push_back(0);
  r.title += Quoted(r.locks[0].name);
  if (depth > 1) r.title += " and " + std::to_string(depth - 1) + " more";
  return r;
}

std::string BlockedKey(const char* what, const Report& report) {
  std::string key = what;
  const std::vector<StackFrame>& frames = report.threads.front().stack;
  if (!frames.empty()) {
    const StackFrame& f = frames.front();
    key += "@" + (f.file.empty() ? std::to_string(f.pc) : f.file + ":" + std::to_string(f.line));
  }
  if (!report.locks.empty()) key += "/" + report.locks.back().name;
  return key;
}

std::vector<uintptr_t> FromCaller(const uintptr_t* pcs, int n, uintptr_t caller) {
  int from = 0;
  if (caller != 0) {
    for (int i = 0; i < n; ++i) {
      if (pcs[i] == caller) {
        from = i;
        break;
      }
    }
  }
  return std::vector<uintptr_t>(pcs + from, pcs + n);
}

std::vector<StackFrame> SymbolizeStack(const std::vector<uintptr_t>& pcs, bool symbolize) {
  std::vector<StackFrame> frames;
  frames.reserve(pcs.size());
  bool leading = true;
  for (uintptr_t pc : pcs) {
    // Inlined frames are trimmed one by one, so that when lock() and the
    // guard are inlined into the user's function, the stack starts at that
    // function, at the guard's line.
    for (StackFrame& f : SymbolizeInlined(pc, /*is_return_address=*/true, symbolize)) {
      if (leading && symbolize && IsLockMachinery(f)) continue;
      leading = false;
      frames.push_back(std::move(f));
    }
  }
  return frames;
}

Report BuildReport(const PendingReport& pending, bool symbolize) {
  Report report;
  report.kind = pending.kind;
  report.pid = getpid();
  report.gate = pending.gate;
  for (const PendingReport::Lock& l : pending.locks) {
    LockInfo info;
    info.name = l.name;
    info.site = SiteOf(l.node);
    info.function = l.node.function;
    info.rank = l.node.ranked ? l.node.rank : INT32_MIN;
    info.instance = l.id;
    report.locks.push_back(std::move(info));
  }
  for (const PendingReport::Edge& e : pending.edges) {
    OrderEdge edge;
    edge.from = e.from;
    edge.to = e.to;
    edge.from_shared = HeldOf(e.combo) == AccessMode::kShared;
    edge.to_shared = TakenOf(e.combo) == AccessMode::kShared;
    edge.thread_id = e.tid;
    edge.thread_name = e.thread_name;
    edge.stack = SymbolizeStack(e.stack, symbolize);
    report.edges.push_back(std::move(edge));
  }
  const auto& locks = report.locks;
  switch (pending.kind) {
    case ReportKind::kLockOrderInversion:
      if (locks.size() == 2) {
        report.title = "potential deadlock (lock-order inversion) between " +
                       Quoted(locks[0].name) + " and " + Quoted(locks[1].name);
      } else {
        report.title = "potential deadlock (lock-order inversion) in a cycle of " +
                       std::to_string(locks.size()) + " locks: ";
        for (size_t i = 0; i < locks.size(); ++i) {
          report.title += Quoted(locks[i].name) + " -> ";
        }
        report.title += Quoted(locks[0].name);
      }
      break;
    case ReportKind::kSelfDeadlock:
      report.title = "deadlock: a thread re-locks the non-recursive lock " + Quoted(locks[0].name) +
                     " that it already holds";
      break;
    case ReportKind::kRankViolation:
      report.title = "lock rank violation: " + Quoted(locks[1].name) + " (rank " +
                     std::to_string(locks[1].rank) + ") acquired while holding " +
                     Quoted(locks[0].name) + " (rank " + std::to_string(locks[0].rank) +
                     "); the declared order is increasing rank";
      break;
    case ReportKind::kOrderViolation:
      report.title = "lock order violation: " + Quoted(locks[1].name) + " acquired while holding " +
                     Quoted(locks[0].name) + ", against the declared order " + pending.detail;
      break;
    case ReportKind::kDeadlock:
    case ReportKind::kLongWait:
    case ReportKind::kLongHold:
    case ReportKind::kHeldAtFork:
    case ReportKind::kAssertionFailed:
    case ReportKind::kBlockedWhileHolding:
      break;  // built by the watchdog, the release path and the assertions, not from here
  }
  return report;
}

}  // namespace lockgraph::internal
