// The process-wide detector: lock classes, the instance graph, the class-level
// graph that is exported, the stack depot and the reports already made.
//
// Everything here is the slow path: it runs only when a thread meets a lock
// chain that neither its own chain cache nor the shared known-edge set knows.
// One global lock (a raw futex lock, never an instrumented one) guards the
// graph; stacks are captured before it is taken and symbolized after it is
// released.
#ifndef LOCKGRAPH_SRC_INTERNAL_DETECTOR_H_
#define LOCKGRAPH_SRC_INTERNAL_DETECTOR_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "internal/known_edges.h"
#include "internal/lock_graph.h"
#include "internal/profile.h"
#include "internal/raw_mutex.h"
#include "internal/stack_depot.h"
#include "lockgraph/internal/thread_state.h"
#include "lockgraph/options.h"

namespace lockgraph::internal {

// A problem found under the global lock, to be symbolized and delivered after
// it is released.
struct PendingReport {
  struct Lock {
    std::string name;  // the class name
    NodeInfo node;
    NodeId id;
  };
  struct Edge {
    size_t from, to;
    uint8_t combo;
    std::vector<uintptr_t> stack;
    int tid;
    std::string thread_name;
  };
  ReportKind kind;
  std::vector<Lock> locks;
  std::vector<Edge> edges;
};

class Detector {
 public:
  // Created on first use and never destroyed, so locks keep working during
  // static destruction.
  static Detector& Get();

  Mode mode() const { return mode_.load(std::memory_order_relaxed); }

  // The slow path of an acquisition: `lock` is being taken in `mode` by the
  // thread owning `ts` while ts->held[0, ts->depth) are held. Records new edges,
  // fills the caches and delivers any report. Requires the thread to be
  // marked busy (its locks then bypass the detector).
  void OnAcquire(ThreadState* ts, LockState* lock, AccessMode mode);
  // Makes sure every held lock and `lock` (if not null) has a graph node, and
  // refreshes the held stack's chain keys.
  void RegisterHeld(ThreadState* ts, LockState* lock);
  void Retire(LockState* lock);
  static void RefreshChains(ThreadState* ts);

  void Configure(const Options& options);
  Options CurrentOptions();

  // Contention profile. The class of `lock` is resolved (and the lock given a
  // node) on first use.
  uint32_t ClassIdOf(LockState* lock);
  void RecordAcquisition(LockState* lock);
  void RecordWait(LockState* lock, uint64_t ns);
  // Timing mode: `held` was released after `ns`; reports it past hold_warn_ms.
  // `site`: kAcquireFrames pcs of where it was taken (0-terminated), or null.
  void OnRelease(ThreadState* ts, const HeldLock& held, const uintptr_t* site, int64_t ns);
  bool hold_warn_enabled() const { return hold_warn_.load(std::memory_order_relaxed); }
  std::vector<LockProfile> GetProfile();
  ClassCounters& CountersOf(uint32_t cls) { return profile_.For(cls); }
  std::string ClassName(uint32_t cls);

  // Delivers a finished report per the options: callback, or text/JSON to the
  // sink; then, if `abort_after`, writes graph_out and aborts.
  void Emit(const Report& report, bool abort_after);

  std::string GraphJson();
  // GraphJson, waiting at most `timeout_ms` for the graph's lock; false if
  // another thread kept it that long (stopped inside the detector, say).
  bool GraphJsonWithin(int timeout_ms, std::string* json);
  std::string GraphDot();
  Stats GetStats();
  // Writes graph_out, if set. Safe to call more than once, from any thread,
  // at exit while other threads still run: waits a bounded time for them.
  void WriteGraphOut();

  // fork(): the forking thread holds every lock of the detector across it
  // (fork_gate.h). In the child, `orphaned` are the locks other threads held.
  void LockForFork();
  void UnlockAfterFork();
  void AfterForkInChild(const std::vector<std::pair<LockState*, int>>& orphaned);
  // A forked child takes `lock`, which thread `holder` of the parent held at
  // fork(): reports it (once per lock). Then the acquisition waits forever.
  void OnHeldAtFork(ThreadState* ts, LockState* lock);

 private:
  Detector();
  void ApplyTiming(const Options& options);
  void StartWatchdog();

  struct ClassInfo {
    std::string name;
    std::string site;
    std::string function;
    uint64_t instances = 0;
  };
  struct ClassEdge {
    uint8_t combos = 0;
    uint32_t stack = 0;
    uint32_t thread = 0;
    uint64_t instance_edges = 0;
    bool same_class_ranked = true;  // every same-class nesting followed declared ranks
  };
  struct ThreadTag {
    int tid;
    std::string name;
  };
  struct ReportedCycle {
    std::vector<uint32_t> classes;
    ReportKind kind;
    uint64_t count;
  };

  NodeId EnsureNodeLocked(LockState* lock);
  uint32_t ClassOfLocked(const LockState* lock);
  uint32_t ThreadTagLocked(int tid);
  // Turns a cycle into a pending report unless this class cycle was reported.
  void MaybeReportCycleLocked(ReportKind kind, const std::vector<CycleStep>& cycle,
                              std::vector<PendingReport>* out);
  void Deliver(std::vector<PendingReport>& reports);
  void EmitText(const std::string& text);
  Stats GetStatsLocked();
  std::vector<LockProfile> ProfileOf(const std::vector<ClassInfo>& classes);

  // Internal lock order: mu_ before options_mu_ before emit_mu_; the
  // symbolizer's lock is never taken under any of them.
  RawMutex mu_;
  LockGraph graph_;
  StackDepot depot_;
  std::vector<ClassInfo> classes_;
  absl::flat_hash_map<std::string, uint32_t> class_ids_;
  absl::flat_hash_map<uint64_t, ClassEdge> class_edges_;
  std::vector<ThreadTag> threads_;
  absl::flat_hash_map<std::string, uint32_t> thread_ids_;  // "tid/name"
  std::vector<ReportedCycle> reported_;
  absl::flat_hash_map<std::string, size_t> reported_index_;
  // In a forked child: locks the parent's other threads held, by holder tid.
  absl::flat_hash_map<const LockState*, int> held_at_fork_;
  uint64_t slow_path_calls_ = 0;
  uint64_t dropped_edges_ = 0;
  bool said_graph_full_ = false;
  bool said_depot_full_ = false;

  KnownEdgeSet known_{20};

  RawMutex options_mu_;
  Options options_;
  std::atomic<Mode> mode_{Mode::kReport};
  std::atomic<int> stack_depth_{32};
  std::atomic<bool> symbolize_{true};
  RawMutex emit_mu_;  // keeps concurrent reports from interleaving

  Profile profile_;
  std::atomic<bool> watchdog_started_{false};
  std::atomic<bool> hold_warn_{false};
  RawMutex long_hold_mu_;
  absl::flat_hash_set<std::string> long_holds_reported_;  // guarded by long_hold_mu_
};

}  // namespace lockgraph::internal

#endif  // LOCKGRAPH_SRC_INTERNAL_DETECTOR_H_
