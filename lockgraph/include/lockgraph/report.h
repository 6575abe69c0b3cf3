// lockgraph/report.h
// -----------------------------------------------------------------------------
// What the detector found, as plain data, and its renderings.
//
// A Report is self-contained: stacks are already symbolized, strings owned.
// It is what a report callback receives (Options::callback) and what the
// formatters below turn into text for people, or JSON and DOT for tools.
#ifndef LOCKGRAPH_REPORT_H_
#define LOCKGRAPH_REPORT_H_

#include <cstdint>
#include <string>
#include <vector>

namespace lockgraph {

enum class ReportKind {
  kLockOrderInversion,   // a cycle in the lock-order graph: a potential deadlock
  kSelfDeadlock,         // a thread re-locks a non-recursive lock it holds
  kRankViolation,        // two locks of one class taken against their declared ranks
  kDeadlock,             // threads blocked on each other right now (watchdog)
  kLongWait,             // a wait longer than wait_warn_ms (watchdog)
  kLongHold,             // a hold longer than hold_warn_ms, reported at release
  kHeldAtFork,           // a forked child takes a lock another thread of the parent held
  kAssertionFailed,      // AssertHeld / AssertReaderHeld / AssertNotHeld / AssertNoLocksHeld
  kOrderViolation,       // a lock taken against a declared order (DeclareOrder, order_file)
  kBlockedWhileHolding,  // a lock held across a blocking call longer than block_warn_ms
};

// One symbolized frame. Fields that are not known are empty / zero.
//
// Where the compiler inlined a call, one program counter stands for several
// source-level frames: each inlined function is a frame of its own, with
// `inlined` set, followed by the function it was inlined into; they share the
// pc. A frame's file:line is always a line of its own function (for the frames
// after the innermost one: where it made the call).
struct StackFrame {
  uintptr_t pc = 0;
  std::string function;  // demangled
  std::string file;      // source file, when debug info exists
  int line = 0;
  std::string module;    // the binary or shared object
  bool inlined = false;  // inlined into the next frame; no machine frame of its own
};

// A lock as reports name it: its class (name, or construction site when
// unnamed) and where this instance was constructed.
struct LockInfo {
  std::string name;          // the class: the given name, or "file:line" of construction
  std::string site;          // "file:line" of this lock's construction
  std::string function;      // the function that constructed it
  int32_t rank = INT32_MIN;  // LockOptions::kUnranked when none was declared
  uint64_t instance = 0;     // versioned instance id within this process
};

// "`to` was acquired while `from` was held", with the stack of the first time
// it happened.
struct OrderEdge {
  size_t from = 0;           // index into Report::locks
  size_t to = 0;             // index into Report::locks
  bool from_shared = false;  // `from` was held in shared mode
  bool to_shared = false;    // `to` was acquired in shared mode
  int thread_id = 0;         // OS thread id (gettid) that first took this order
  std::string thread_name;
  // Where `to` was acquired: lockgraph's own frames and the standard lock
  // helpers are trimmed, so the first frame is the user's function at the line
  // of the lock() / lock_guard / scoped_lock that took it (given debug information,
  // also in optimized builds, where all of those are inlined into it).
  std::vector<StackFrame> stack;
};

// A thread as the watchdog saw it: what it holds, what it waits for, and
// what it is doing now.
struct ThreadSnapshot {
  int thread_id = 0;  // OS thread id
  std::string thread_name;
  std::vector<size_t> holds;  // indexes into Report::locks
  int waits_for = -1;         // index into Report::locks, or -1
  int waits_for_owner = 0;    // thread id recorded as that lock's owner; 0 if unknown
  double waited_ms = 0;
  bool sampled = false;           // false: the thread did not answer in time; no stack
  std::vector<StackFrame> stack;  // its current stack
};

struct Report {
  ReportKind kind = ReportKind::kLockOrderInversion;
  std::string title;  // the first line's text after "lockgraph: "
  // Order reports: the cycle's locks in cycle order, and edges[i] going
  // locks[i] -> locks[(i + 1) % n]. Watchdog and hold reports: the locks the
  // threads below hold or wait for.
  std::vector<LockInfo> locks;
  std::vector<OrderEdge> edges;
  // kDeadlock, kLongWait, kLongHold, kHeldAtFork, kAssertionFailed (the
  // asserting thread, its held locks and the stack of the assertion),
  // kBlockedWhileHolding (the thread, its held locks, its stack at the call).
  std::vector<ThreadSnapshot> threads;
  double duration_ms = 0;               // kLongWait, kLongHold, kBlockedWhileHolding: how long
  std::vector<StackFrame> acquired_at;  // kLongHold: where the lock was taken
  // kLockOrderInversion: a lock (its class) that the thread held exclusively
  // each time it took an order of the cycle, or "" (see "What the detector
  // assumes" in the user guide).
  std::string gate;
  int pid = 0;
};

// Text for people. The first line starts with "lockgraph: " and says what was
// found; then the cycle, a "how this deadlocks" scenario, and every edge's stack.
std::string FormatText(const Report& report);
// One JSON object: {"kind", "title", "locks": [...], "edges": [...], "cycle": [names]}.
std::string FormatJson(const Report& report);
// A Graphviz digraph of the cycle; edge labels carry the acquiring frame.
std::string FormatDot(const Report& report);

const char* ReportKindName(ReportKind kind);

}  // namespace lockgraph

#endif  // LOCKGRAPH_REPORT_H_
