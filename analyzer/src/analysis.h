// The whole analysis of one dump, as plain data for the renderers:
// classification -> owner evidence -> wait-for graph -> cycles -> threads
// blocked behind them -> stack groups -> verdict.
#ifndef LOCKGRAPH_ANALYZER_SRC_ANALYSIS_H_
#define LOCKGRAPH_ANALYZER_SRC_ANALYSIS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dump.h"
#include "owner_evidence.h"
#include "paste_gaps.h"
#include "stack_groups.h"
#include "wait_classifier.h"

namespace lockgraph::analyzer {

// One thread of a cycle: it holds what the previous step waits for and waits
// for what the next step holds.
struct CycleStep {
  int thread = -1;                    // index into Dump::threads
  std::optional<uint64_t> waits_for;  // address of the lock it waits for (none for a join)
  std::optional<uint64_t> holds;      // address the previous step waits for
  int next = 0;                       // index of the step it waits for
};

struct Cycle {
  std::vector<CycleStep> steps;
  // Some step's owner is only implied by where glibc takes its own locks
  // (implied-holder evidence): a likely deadlock, for the reasons given.
  bool likely = false;
  std::vector<std::string> reasons;
  // A self-deadlock whose thread waits inside a signal handler for a lock
  // the code the signal interrupted holds.
  bool signal_reentry = false;
  bool self_deadlock() const { return steps.size() == 1; }
};

// A thread the dump does not show that owns a lock threads of the dump wait
// for: it exited holding the lock, or the dump is of a fork child and the
// owner is a thread of the parent (or, in a partial paste, it was not pasted).
struct AbsentOwner {
  int64_t lwp = 0;
  std::vector<int> waiters;  // indices into Dump::threads
};

// A lockgraph lock a thread holds, from the gdb extension.
struct HeldLock {
  uint64_t address = 0;  // the lock's lockgraph state
  std::string name;
  bool shared = false;
};

// A thread that owns a lock others wait for while it is not waiting for a
// lock or a thread itself: running, sleeping, in I/O, or on a condition
// variable. Not a deadlock, but what a queue of waiters is stuck behind (a
// blocking call made under a lock). Joins do not count: a thread joining a
// busy one is how programs end.
struct LongHolder {
  int thread = -1;           // index into Dump::threads
  std::vector<int> waiters;  // lock waiters not on or behind a cycle it directly owns
};

struct Analysis {
  Dump dump;
  std::vector<Wait> waits;                           // per thread
  std::vector<OwnerEvidence> owners;                 // per thread
  std::vector<std::vector<HeldLock>> registry_held;  // per thread (gdb extension), often empty
  std::vector<Cycle> cycles;
  bool cycles_truncated = false;
  std::vector<int> reaching_cycle;       // per thread: the cycle its wait chain reaches, or -1
  std::vector<int> blocked_behind;       // threads not on a cycle whose chain reaches one
  std::vector<int> unknown_owner;        // waiting threads with no owner evidence
  std::vector<LongHolder> long_holders;  // most waiters first
  std::vector<AbsentOwner> absent_owners;
  std::vector<PasteGap> gaps;  // what a partial dump lacks
  std::vector<StackGroup> groups;

  bool deadlock() const { return !cycles.empty(); }
  // One line: what was found, e.g. "deadlock: 1 cycle of 2 threads, ...".
  std::string Verdict() const;
  // True when `thread` is on some cycle.
  bool OnCycle(int thread) const { return on_cycle[thread]; }
  std::vector<bool> on_cycle;  // per thread
};

// More cycles than this are not enumerated (cycles_truncated is set): real
// dumps have a handful, and a hostile one could have exponentially many.
inline constexpr size_t kMaxCycles = 1000;

Analysis Analyze(Dump dump);

// How reports name a thread: `LWP 7231`, `gdb thread 3` (the paste does not
// say its LWP), or `the pasted thread` (a bare backtrace).
std::string ThreadName(const Thread& thread);

}  // namespace lockgraph::analyzer

#endif  // LOCKGRAPH_ANALYZER_SRC_ANALYSIS_H_
