#include "internal/report_builder.h"

#include <unistd.h>

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
      "std::lock_guard<",
      "std::unique_lock<",
      "std::scoped_lock<",
      "std::shared_lock<",
      "void std::lock<",
      "std::lock<",
      "void std::__detail::__lock_impl",
      "std::__detail::__lock_impl",
      "std::condition_variable_any::",
      "void std::condition_variable_any::",
      "bool std::condition_variable_any::",
      "std::cv_status std::condition_variable_any::",
      "unw_backtrace",
      "_ULx86_64",
  };
  for (std::string_view p : kPrefixes) {
    if (fn.substr(0, p.size()) == p) return true;
  }
  return false;
}

std::string SiteOf(const NodeInfo& node) {
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

std::vector<StackFrame> SymbolizeStack(const std::vector<uintptr_t>& pcs, bool symbolize) {
  std::vector<StackFrame> frames;
  frames.reserve(pcs.size());
  bool leading = true;
  for (uintptr_t pc : pcs) {
    StackFrame f = Symbolize(pc, /*is_return_address=*/true, symbolize);
    if (leading && symbolize && IsLockMachinery(f.function)) continue;
    leading = false;
    frames.push_back(std::move(f));
  }
  return frames;
}

Report BuildReport(const PendingReport& pending, bool symbolize) {
  Report report;
  report.kind = pending.kind;
  report.pid = getpid();
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
  }
  return report;
}

}  // namespace lockgraph::internal
