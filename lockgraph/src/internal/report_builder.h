// Turns a pending report (raw program counters, copied out of the detector
// under its lock) into a Report: symbolized, with lockgraph's own frames and
// the standard lock helpers trimmed from the top of each stack.
#ifndef LOCKGRAPH_SRC_INTERNAL_REPORT_BUILDER_H_
#define LOCKGRAPH_SRC_INTERNAL_REPORT_BUILDER_H_

#include <string>
#include <vector>

#include "internal/detector.h"
#include "lockgraph/report.h"

namespace lockgraph::internal {

Report BuildReport(const PendingReport& pending, bool symbolize);

// Symbolizes a stack, each pc expanded into the frames inlined there, and
// drops the leading frames that belong to lockgraph or to the standard
// library's lock helpers (lock_guard, unique_lock, std::lock...): the first
// frame left is the code that asked for the lock.
std::vector<StackFrame> SymbolizeStack(const std::vector<uintptr_t>& pcs, bool symbolize);

// A lock as reports name it, straight from its state (no graph node needed).
LockInfo LockInfoOf(const LockState* lock, const std::string& class_name);

// kLongHold: `lock` was held `duration_ms` by thread `tid`, taken at
// the stack `acquired_pcs` and released with stack `release_pcs`.
Report BuildLongHoldReport(const LockState* lock, const std::string& class_name,
                           const std::vector<uintptr_t>& acquired_pcs,
                           const std::vector<uintptr_t>& release_pcs, int tid, double duration_ms,
                           bool symbolize);

// kHeldAtFork: thread `tid` of a forked child takes `lock` (stack `pcs`),
// which thread `holder` of the parent held when it forked.
Report BuildHeldAtForkReport(const LockState* lock, const std::string& class_name, int holder,
                             int tid, const std::vector<uintptr_t>& pcs, bool symbolize);

// kAssertionFailed: thread `tid` asserted `kind` about `lock` (null for
// AssertNoLocksHeld) at the stack `pcs` while holding `held` (lock, class
// name, mode), which the assertion contradicts.
struct HeldForReport {
  const LockState* lock;
  std::string class_name;
  AccessMode mode;
};
Report BuildAssertionReport(AssertKind kind, const LockState* lock, const std::string& class_name,
                            const std::vector<HeldForReport>& held, int tid,
                            const std::vector<uintptr_t>& pcs, bool symbolize);

// kBlockedWhileHolding: thread `tid` spent `duration_ms` in the blocking call
// `what` (still there if `still_blocked`) while holding `held`; `pcs`: its
// stack at the call, from the calling function out.
Report BuildBlockedReport(const char* what, const std::vector<HeldForReport>& held, int tid,
                          const std::vector<uintptr_t>& pcs, double duration_ms, bool still_blocked,
                          bool symbolize);
// The same, for a thread that did not answer the watchdog's sampling signal
// (an uninterruptible call, or a sanitizer holding signals back): no stack,
// and of the `depth` locks held only the innermost, by its `name` (null:
// unnamed, made at `file`:`line`).
Report BuildUnansweredBlockedReport(const char* what, const char* name, const char* file,
                                    uint32_t line, uint32_t depth, int tid, double duration_ms);
// What makes a blocked-while-holding report distinct: the call, where it was
// made (the first frame of its stack) and the innermost lock held.
std::string BlockedKey(const char* what, const Report& report);
// The frames of `pcs[0, n)` from the one returning to `caller` outwards: the
// stack as the code that made an interposed call sees it. All of them when
// `caller` is 0 or not found.
std::vector<uintptr_t> FromCaller(const uintptr_t* pcs, int n, uintptr_t caller);

// The name of thread `tid` of this process (from /proc), or "".
std::string ThreadName(int tid);

// Replaces "%p" in `path` with the process id.
std::string ExpandPid(const std::string& path);

// Writes `text` to `path` whole or not at all: into a temporary file beside
// it, renamed over `path` once complete, so a reader (lockgraph check) never
// sees half a graph. Plain system calls, no stdio: safe at exit even when the
// exiting thread interrupted another stdio call.
bool WriteGraphFile(const std::string& path, const std::string& text, std::string* error);

}  // namespace lockgraph::internal

#endif  // LOCKGRAPH_SRC_INTERNAL_REPORT_BUILDER_H_
