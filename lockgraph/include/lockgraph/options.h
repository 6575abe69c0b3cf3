// lockgraph/options.h
// -----------------------------------------------------------------------------
// Runtime configuration, graph export and statistics. Included by
// <lockgraph/mutex.h>.
//
// Settings come from the environment variable LOCKGRAPH_OPTIONS, read once at
// the first lock operation, as key=value pairs separated by ':' or ',':
//
//   LOCKGRAPH_OPTIONS=mode=abort:graph_out=/tmp/graph.%p.json
//
// Keys:
//   mode=off|report|abort   off: record nothing; report (default): print each
//                           distinct problem once and keep running; abort:
//                           print, write graph_out, then abort().
//   graph_out=PATH          write the whole lock-order graph as JSON at exit
//                           (and before an abort). "%p" becomes the pid.
//   report_out=PATH|stderr  where reports go (default stderr); "%p" = pid.
//   report_format=text|json text for people (default) or one JSON object per line.
//   stack_depth=N           frames kept per edge stack, 1..64 (default 32).
//   symbolize=0|1           resolve function, file:line in reports (default 1).
//   max_edges=N             instance edges kept before new ones are checked but
//                           not remembered (default 4194304; said once when hit).
//   watchdog=0|1            run a watchdog thread that finds threads blocked on
//                           each other right now (actual deadlocks). Default 0;
//                           on_deadlock, wait_warn_ms turn it on.
//   on_deadlock=report|abort  what the watchdog does with an actual deadlock
//                           (abort: print, write graph_out, abort(): a hanging
//                           CI test becomes a failing one, with stacks).
//   watchdog_ms=N           how often the watchdog looks, 10..10000 (default 100).
//   deadlock_ms=N           how long threads must be stuck in a cycle before it
//                           is reported, 0..3600000 (default 500).
//   wait_warn_ms=N          report a wait longer than N ms with the holder's
//                           current stack (0: off, the default).
//   hold_warn_ms=N          report a hold longer than N ms at release, with where
//                           it was taken (0: off). Times every acquisition.
//   block_warn_ms=N         report a lockgraph lock held across a blocking call
//                           (sleep, read, recv, accept, poll, fsync, a condition
//                           wait...) longer than N ms, with the stack at the call
//                           (0: off). Turns the watchdog on: a call that never
//                           returns is reported while it blocks.
//   prefer_writers=0|1      assume readers wait behind a queued writer for every
//                           shared lock, so reader-reader orders can deadlock
//                           (default 0: glibc's rwlocks and std::shared_mutex
//                           do not; LockOptions::writer_preferring per lock).
//   profile=0|1             count acquisitions and time holds for the contention
//                           profile, and time contended waits.
// An unknown key or bad value is named on stderr with the valid choices, and
// the default is used for it.
//
// The same settings can be given from C++ with Configure(). A callback turns
// reports into data for the program (mode kCallback).
#ifndef LOCKGRAPH_OPTIONS_H_
#define LOCKGRAPH_OPTIONS_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "lockgraph/report.h"
#include "lockgraph/source_location.h"

namespace lockgraph {

enum class Mode { kOff, kReport, kAbort, kCallback };
enum class DeadlockAction { kReport, kAbort };
enum class ReportFormat { kText, kJson };

using ReportCallback = std::function<void(const Report&)>;

struct Options {
  Mode mode = Mode::kReport;
  std::string graph_out;   // empty: do not write the graph at exit
  std::string report_out;  // empty or "stderr": standard error
  ReportFormat report_format = ReportFormat::kText;
  int stack_depth = 32;
  bool symbolize = true;
  size_t max_edges = size_t{1} << 22;
  bool watchdog = false;
  DeadlockAction on_deadlock = DeadlockAction::kReport;
  int watchdog_ms = 100;
  int deadlock_ms = 500;
  int wait_warn_ms = 0;
  int hold_warn_ms = 0;
  // Report a lock held across a blocking call (sleep, read/recv/accept/poll,
  // fsync, a condition wait, ... see the user guide) that took longer than
  // this (0: off). Also turns the watchdog on for calls that do not return.
  int block_warn_ms = 0;
  // Assume every shared lock is writer-preferring (LockOptions::writer_preferring):
  // orders between shared acquisitions count. For code that must not
  // deadlock on platforms whose shared mutexes queue readers behind writers.
  bool prefer_writers = false;
  bool profile = false;
  // A file of declared lock orders ("a -> b -> c" per line, see the user
  // guide), read when the options are applied: an acquisition against one is
  // reported at once (kOrderViolation), before any cycle exists.
  std::string order_file;
  // Reports not to make (see the user guide): a file of TSan-like entries
  // ("class:PATTERN # reason", "fun:PATTERN # reason"), and the baseline of
  // `lockgraph check` (its accepted cycles and blessed orders). What they
  // match is counted (Stats::suppressed) instead of reported, and never
  // aborts; actual deadlocks are never suppressed.
  std::string suppressions;
  std::string baseline;
  // Receives each report when mode == kCallback. Runs on the thread that found
  // the problem, outside the detector's locks; locks it takes are not tracked.
  ReportCallback callback;
};

// Replaces the current settings. Thread-safe; applies to later lock operations.
void Configure(const Options& options);

// Parses `spec` in LOCKGRAPH_OPTIONS syntax on top of `*options`. Returns false
// and describes every bad key or value in `*error` (the valid ones still apply).
bool ParseOptions(std::string_view spec, Options* options, std::string* error);

// The settings in force (after LOCKGRAPH_OPTIONS was read).
Options CurrentOptions();

// Declares that locks of each class in `classes` are taken before those of the
// classes after it (class: a lock's name, or "file:line" of its construction
// when unnamed). The first acquisition against a declaration is reported at
// once as kOrderViolation, with its stack and the declaration, before any cycle
// exists; declarations compose (a -> b and b -> c forbid taking a while holding
// c). Declare before the threads that take these locks start: orders already
// recorded are not checked again. Returns false, and writes why to the report
// output, for fewer than two classes or an order contradicting earlier ones.
bool DeclareOrder(std::initializer_list<std::string_view> classes,
                  const SourceLocation& where = SourceLocation::current());

// Shorthand: mode = kCallback with this callback (or kReport when empty).
void SetReportCallback(ReportCallback callback);

// The whole lock-order graph of this process, by class, as JSON with the
// top-level keys "classes", "edges" and "cycles" (a cycle is a list of class
// names). Each edge carries one example stack, symbolized.
std::string GraphJson();
// The same graph in Graphviz DOT.
std::string GraphDot();
// Writes GraphJson() to `path`; on failure returns false and sets `*error`.
bool WriteGraph(const std::string& path, std::string* error);

struct Stats {
  uint64_t classes = 0;          // lock classes seen in nested acquisitions
  uint64_t live_nodes = 0;       // lock instances in the graph now
  uint64_t live_edges = 0;       // instance edges in the graph now
  uint64_t class_edges = 0;      // distinct class-to-class orders
  uint64_t stacks = 0;           // distinct stacks stored
  uint64_t reports = 0;          // distinct problems reported
  uint64_t slow_path_calls = 0;  // acquisitions that missed every cache
  uint64_t dropped_edges = 0;    // edges checked but not kept (max_edges reached)
  uint64_t memory_bytes = 0;     // approximate memory held by the detector
  uint64_t suppressed = 0;       // reports not made: suppressions= or baseline=
};
Stats GetStats();

// Contention of one lock class, measured with profile=1 or hold_warn_ms:
// acquisitions, contended acquisitions and their waits, holds.
struct LockProfile {
  std::string name;  // the class
  std::string site;
  uint64_t acquisitions = 0;
  uint64_t contended = 0;
  uint64_t wait_total_ns = 0;
  uint64_t wait_max_ns = 0;
  uint64_t holds = 0;
  uint64_t hold_total_ns = 0;
  uint64_t hold_max_ns = 0;
  uint64_t long_waits = 0;  // waits reported by wait_warn_ms
  uint64_t long_holds = 0;  // holds reported by hold_warn_ms
  // Bucket i counts durations in [2^i, 2^(i+1)) ns; trailing zeros dropped.
  std::vector<uint64_t> wait_histogram;
  std::vector<uint64_t> hold_histogram;
};
// Every class with any recorded activity, most total wait first: the lock a
// user should look at first.
std::vector<LockProfile> GetProfile();

}  // namespace lockgraph

#endif  // LOCKGRAPH_OPTIONS_H_
