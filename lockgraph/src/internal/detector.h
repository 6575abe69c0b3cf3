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
#include "absl/container/inlined_vector.h"
#include "internal/graph_snapshot.h"
#include "internal/known_edges.h"
#include "internal/lock_graph.h"
#include "internal/order_file.h"
#include "internal/profile.h"
#include "internal/raw_mutex.h"
#include "internal/stack_depot.h"
#include "internal/suppressions.h"
#include "lockgraph/internal/thread_state.h"
#include "lockgraph/options.h"

namespace lockgraph::internal {

struct HeldForReport;  // report_builder.h

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
  std::string detail;  // kOrderViolation: the declaration it goes against
  std::string gate;    // kLockOrderInversion: the class of a lock held around every order
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
  // lockgraph::DeclareOrder; `where` names the declaration in reports.
  bool DeclareOrder(const std::vector<std::string>& chain, const std::string& where)
      LOCKGRAPH_EXCLUDES(mu_);
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
  // block_warn_ms, at the return of a blocking call: the thread owning `ts`
  // spent `ns` in `what` (returning to `caller`, 0 if unknown) while holding
  // ts->held. Requires the thread to be marked busy.
  void OnBlocked(ThreadState* ts, const char* what, uintptr_t caller, int64_t ns);
  // Delivers a kBlockedWhileHolding report (from OnBlocked or from the
  // watchdog, for a call still blocked) unless one with the same `key` (the
  // call, its call site and the innermost lock held) was made; then it is only
  // counted. `classes`: the held locks' classes.
  void EmitBlocked(const Report& report, const std::string& key,
                   const std::vector<uint32_t>& classes) LOCKGRAPH_EXCLUDES(mu_);
  // Appends a held lock, as a blocked-while-holding report lists it, and its
  // class (the key EmitBlocked records).
  void AddHeld(LockState* lock, AccessMode mode, std::vector<HeldForReport>* held,
               std::vector<uint32_t>* classes);
  std::vector<LockProfile> GetProfile();
  ClassCounters& CountersOf(uint32_t cls) { return profile_.For(cls); }
  std::string ClassName(uint32_t cls);

  // Delivers a finished report per the options: callback, or text/JSON to the
  // sink; then, if `abort_after`, writes graph_out and aborts.
  void Emit(const Report& report, bool abort_after);

  // The graph file's content, stacks not yet symbolized (graph_snapshot.h),
  // waiting at most `timeout_ms` for the graph's lock (< 0: as long as it
  // takes); false if another thread kept it that long (stopped inside the
  // detector, say).
  bool SnapshotGraph(int timeout_ms, GraphSnapshot* out) LOCKGRAPH_EXCLUDES(mu_);
  std::string GraphJson();
  // GraphJson, waiting at most `timeout_ms` for the graph's lock; false as
  // SnapshotGraph.
  bool GraphJsonWithin(int timeout_ms, std::string* json);
  std::string GraphDot();
  Stats GetStats();
  // At exit: how many reports suppressions= and baseline= held back, if any.
  void SaySuppressed();
  // Writes graph_out, if set. Safe to call more than once, from any thread,
  // at exit while other threads still run: waits a bounded time for them.
  void WriteGraphOut();

  // fork(): the forking thread holds every lock of the detector across it
  // (fork_gate.h). In the child, `orphaned` are the locks other threads held.
  void LockForFork() LOCKGRAPH_ACQUIRE(long_hold_mu_, mu_, options_mu_, emit_mu_);
  void UnlockAfterFork() LOCKGRAPH_RELEASE(long_hold_mu_, mu_, options_mu_, emit_mu_);
  void AfterForkInChild(const std::vector<std::pair<LockState*, int>>& orphaned);
  // A forked child takes `lock`, which thread `holder` of the parent held at
  // fork(): reports it (once per lock). Then the acquisition waits forever.
  void OnHeldAtFork(ThreadState* ts, LockState* lock);
  // A held-lock assertion of the thread owning `ts` is false (`lock` is null
  // for AssertNoLocksHeld): reports it, once per call site, kind and class;
  // repeats are only counted. Requires the thread to be marked busy.
  void OnAssertionFailed(ThreadState* ts, const LockState* lock, AssertKind kind)
      LOCKGRAPH_EXCLUDES(mu_);

 private:
  Detector();
  void ApplyTiming(const Options& options);
  void StartWatchdog();

  // A class table entry is what the graph file says of a class.
  using ClassInfo = GraphSnapshot::Class;
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

  // OnAcquire's steps on the slow path.
  using HeldIndices = absl::InlinedVector<uint32_t, kInlineHeld>;  // indices into ts->held
  struct NewEdge {
    NodeId from = 0, to = 0;
    AccessMode from_mode = AccessMode::kExclusive, to_mode = AccessMode::kExclusive;
    uint32_t stack = StackDepot::kNoStack;  // the acquisition's stack, if captured
    uint32_t thread = 0;
    NodeId gate = 0;  // another lock held exclusively around the acquisition, or 0
  };
  void ReportSelfDeadlock(ThreadState* ts, const HeldLock& held, NodeId node, AccessMode mode,
                          const CapturedStack& stack, std::vector<PendingReport>* reports)
      LOCKGRAPH_EXCLUDES(mu_);
  // The held locks whose edge into `lock` (in these modes) the process has not seen.
  HeldIndices UnknownEdges(const ThreadState* ts, const LockState* lock, NodeId node,
                           AccessMode mode) const;
  bool NeedsStack(const ThreadState* ts, NodeId node, AccessMode mode, const HeldIndices& unknown)
      LOCKGRAPH_EXCLUDES(mu_);
  // `stack`: captured when NeedsStack said so, else null (the class pair's is reused).
  void RecordEdges(ThreadState* ts, NodeId node, AccessMode mode, const HeldIndices& unknown,
                   const CapturedStack* stack, std::vector<PendingReport>* reports)
      LOCKGRAPH_EXCLUDES(mu_);
  void AddEdgeLocked(const NewEdge& edge, std::vector<PendingReport>* reports)
      LOCKGRAPH_REQUIRES(mu_);
  // The class-level edge between the classes of two nodes; null within one class.
  ClassEdge* ClassEdgeLocked(NodeId from, NodeId to) LOCKGRAPH_REQUIRES(mu_);

  NodeId EnsureNodeLocked(LockState* lock) LOCKGRAPH_REQUIRES(mu_);
  // LockOptions::acquired_after of `lock` (class `cls`), the first time that
  // pair of classes is met.
  void DeclareAcquiredAfterLocked(const LockState* lock, uint32_t cls) LOCKGRAPH_REQUIRES(mu_);
  uint32_t ClassOfLocked(const LockState* lock) LOCKGRAPH_REQUIRES(mu_);
  uint32_t ThreadTagLocked(int tid) LOCKGRAPH_REQUIRES(mu_);
  // Turns a cycle into a pending report unless this class cycle was reported.
  // `detail`: kOrderViolation's declaration.
  void MaybeReportCycleLocked(ReportKind kind, const std::vector<CycleStep>& cycle,
                              std::vector<PendingReport>* out, std::string detail = {})
      LOCKGRAPH_REQUIRES(mu_);
  // Loads options.order_file when it names a file not loaded yet.
  void LoadOrderFile(const std::string& path) LOCKGRAPH_EXCLUDES(mu_);
  // Reads options.suppressions and options.baseline when they changed.
  void LoadSuppressions(const Options& options) LOCKGRAPH_EXCLUDES(options_mu_);
  void Deliver(std::vector<PendingReport>& reports);
  void EmitText(const std::string& text);
  Stats GetStatsLocked() LOCKGRAPH_REQUIRES(mu_);
  // SnapshotGraph's part under the lock: plain copies, no names compared.
  void CopyGraphLocked(GraphSnapshot* out) LOCKGRAPH_REQUIRES(mu_);
  std::vector<LockProfile> ProfileOf(const std::vector<ClassInfo>& classes);

  // Internal lock order: mu_ before options_mu_ before emit_mu_; the
  // symbolizer's lock is never taken under any of them.
  RawMutex mu_ LOCKGRAPH_ACQUIRED_BEFORE(options_mu_);
  LockGraph graph_ LOCKGRAPH_GUARDED_BY(mu_);
  StackDepot depot_ LOCKGRAPH_GUARDED_BY(mu_);
  std::vector<ClassInfo> classes_ LOCKGRAPH_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, uint32_t> class_ids_ LOCKGRAPH_GUARDED_BY(mu_);
  absl::flat_hash_map<uint64_t, ClassEdge> class_edges_ LOCKGRAPH_GUARDED_BY(mu_);
  std::vector<ThreadTag> threads_ LOCKGRAPH_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, uint32_t> thread_ids_ LOCKGRAPH_GUARDED_BY(mu_);  // "tid/name"
  std::vector<ReportedCycle> reported_ LOCKGRAPH_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, size_t> reported_index_ LOCKGRAPH_GUARDED_BY(mu_);
  // In a forked child: locks the parent's other threads held, by holder tid.
  absl::flat_hash_map<const LockState*, int> held_at_fork_ LOCKGRAPH_GUARDED_BY(mu_);
  // Failed assertions: by the hash of their raw stack (a repeat is counted
  // without unwinding symbols again) and by their symbolized call site; both
  // map to the entry in reported_.
  absl::flat_hash_map<uint64_t, size_t> assertion_stacks_ LOCKGRAPH_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, size_t> assertion_sites_ LOCKGRAPH_GUARDED_BY(mu_);
  // Blocked-while-holding reports made, by key (EmitBlocked), to their entry in reported_.
  absl::flat_hash_map<std::string, size_t> blocks_reported_ LOCKGRAPH_GUARDED_BY(mu_);
  DeclaredOrders declared_ LOCKGRAPH_GUARDED_BY(mu_);
  std::string loaded_order_file_ LOCKGRAPH_GUARDED_BY(mu_);
  absl::flat_hash_set<std::string> acquired_after_ LOCKGRAPH_GUARDED_BY(mu_);  // "after\0class"
  uint64_t slow_path_calls_ LOCKGRAPH_GUARDED_BY(mu_) = 0;
  uint64_t dropped_edges_ LOCKGRAPH_GUARDED_BY(mu_) = 0;
  bool said_graph_full_ LOCKGRAPH_GUARDED_BY(mu_) = false;
  bool said_depot_full_ LOCKGRAPH_GUARDED_BY(mu_) = false;
  bool prefer_writers_ LOCKGRAPH_GUARDED_BY(mu_) = false;

  KnownEdgeSet known_{20};

  RawMutex options_mu_ LOCKGRAPH_ACQUIRED_BEFORE(emit_mu_);
  Options options_ LOCKGRAPH_GUARDED_BY(options_mu_);
  Suppressions suppressions_ LOCKGRAPH_GUARDED_BY(options_mu_);
  std::string loaded_suppressions_ LOCKGRAPH_GUARDED_BY(options_mu_);
  std::string loaded_baseline_ LOCKGRAPH_GUARDED_BY(options_mu_);
  std::atomic<uint64_t> suppressed_{0};
  std::atomic<Mode> mode_{Mode::kReport};
  std::atomic<int> stack_depth_{32};
  std::atomic<bool> symbolize_{true};
  RawMutex emit_mu_;  // keeps concurrent reports from interleaving

  Profile profile_;
  std::atomic<bool> watchdog_started_{false};
  std::atomic<bool> hold_warn_{false};
  RawMutex long_hold_mu_ LOCKGRAPH_ACQUIRED_BEFORE(mu_);
  absl::flat_hash_set<std::string> long_holds_reported_ LOCKGRAPH_GUARDED_BY(long_hold_mu_);
};

}  // namespace lockgraph::internal

#endif  // LOCKGRAPH_SRC_INTERNAL_DETECTOR_H_
