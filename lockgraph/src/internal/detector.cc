#include "internal/detector.h"

#include <pthread.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <optional>
#include <string_view>

#include "internal/fork_gate.h"
#include "internal/reentrancy.h"
#include "internal/report_builder.h"
#include "internal/thread_registry.h"
#include "internal/watchdog.h"

namespace lockgraph::internal {

namespace {

// Frames between StackDepot::Capture and the caller of the (inlined) fast
// path: Detector::OnAcquire and BeforeLockSlow, both never inlined. Wrapper
// frames that remain in unoptimized builds (Mutex::lock, std::lock_guard) are
// trimmed by name when the report is symbolized.
constexpr int kInternalFrames = 2;

// "file:line"; the file alone without a line (module+offset in preload mode).
std::string SiteString(const char* file, uint32_t line) {
  if (line == 0) return file;
  return std::string(file) + ":" + std::to_string(line);
}

void AtExit() {
  // Everything from here on is lockgraph's own work: in preload mode the
  // symbolizer's and stdio's locks must not come back into the detector.
  InternalScope internal;
  // A report the watchdog is writing belongs before the exit summary.
  Watchdog::FinishForExit(/*max_wait_ms=*/5000);
  Detector::Get().SaySuppressed();
  Detector::Get().WriteGraphOut();
}

}  // namespace

Detector& Detector::Get() {
  // Placement in static storage: never destroyed, usable at any point of
  // static initialization or destruction.
  alignas(Detector) static unsigned char storage[sizeof(Detector)];
  static Detector* detector = new (storage) Detector();
  return *detector;
}

Detector::Detector() {
  Options options;
  if (const char* env = std::getenv("LOCKGRAPH_OPTIONS")) {
    std::string error;
    if (!ParseOptions(env, &options, &error)) EmitText(error);
  }
  Configure(options);
  std::atexit(AtExit);
  InstallForkHandlers();
}

void Detector::Configure(const Options& options) {
  // Never hold options_mu_ while taking mu_: the slow path takes options_mu_
  // (to emit a note) while holding mu_.
  {
    RawLockGuard lock(options_mu_);
    options_ = options;
    if (options_.mode == Mode::kCallback && !options_.callback) options_.mode = Mode::kReport;
    mode_.store(options_.mode, std::memory_order_relaxed);
    stack_depth_.store(std::clamp(options_.stack_depth, 1, kMaxStackDepth),
                       std::memory_order_relaxed);
    symbolize_.store(options_.symbolize, std::memory_order_relaxed);
  }
  {
    RawLockGuard graph_lock(mu_);
    graph_.set_max_edges(options.max_edges);
    graph_.set_prefer_writers(options.prefer_writers);
    prefer_writers_ = options.prefer_writers;
  }
  ApplyTiming(options);
  if (!options.order_file.empty()) LoadOrderFile(options.order_file);
  LoadSuppressions(options);
  if (options.watchdog && options.mode != Mode::kOff) StartWatchdog();
}

void Detector::LoadOrderFile(const std::string& path) {
  {
    RawLockGuard guard(mu_);
    if (loaded_order_file_ == path) return;
  }
  // Parsed beside the declarations in force, which it adds to only if the
  // whole file is valid.
  DeclaredOrders merged;
  {
    RawLockGuard guard(mu_);
    merged = declared_;
  }
  std::string error;
  if (!merged.LoadFile(path, &error)) {
    EmitText("lockgraph: order_file: " + error + "; no order of this file is checked\n");
    return;
  }
  RawLockGuard guard(mu_);
  declared_ = std::move(merged);
  loaded_order_file_ = path;
}

void Detector::LoadSuppressions(const Options& options) {
  std::string loaded_file, loaded_baseline;
  {
    RawLockGuard guard(options_mu_);
    loaded_file = loaded_suppressions_;
    loaded_baseline = loaded_baseline_;
  }
  if (options.suppressions == loaded_file && options.baseline == loaded_baseline) return;
  // Built aside, then swapped in whole: a bad file leaves the settings in
  // force, and a report being emitted never sees half of them.
  Suppressions fresh;
  std::string error;
  bool ok = true;
  if (!options.suppressions.empty() && !fresh.LoadFile(options.suppressions, &error)) {
    EmitText("lockgraph: suppressions: " + error + "; nothing is suppressed\n");
    ok = false;
  }
  Baseline baseline;
  if (ok && !options.baseline.empty()) {
    if (LoadBaseline(options.baseline, &baseline, &error)) {
      fresh.SetBaseline(std::move(baseline));
    } else {
      EmitText("lockgraph: " + error + "; nothing is suppressed\n");
      ok = false;
    }
  }
  RawLockGuard guard(options_mu_);
  suppressions_ = ok ? std::move(fresh) : Suppressions();
  loaded_suppressions_ = options.suppressions;
  loaded_baseline_ = options.baseline;
}

bool Detector::DeclareOrder(const std::vector<std::string>& chain, const std::string& where) {
  std::string error;
  {
    RawLockGuard guard(mu_);
    if (declared_.Add(chain, where, &error)) return true;
  }
  EmitText("lockgraph: " + where + ": " + error + "; this order is not checked\n");
  return false;
}

void Detector::ApplyTiming(const Options& options) {
  const bool timed = options.mode != Mode::kOff && (options.profile || options.hold_warn_ms > 0);
  hold_warn_.store(options.mode != Mode::kOff && options.hold_warn_ms > 0,
                   std::memory_order_relaxed);
  g_block_warn_ns.store(options.mode == Mode::kOff ? 0 : int64_t{options.block_warn_ms} * 1000000,
                        std::memory_order_relaxed);
  if (timed != ThreadRegistry::Get().timed()) ThreadRegistry::Get().SetTimed(timed);
}

void Detector::StartWatchdog() {
  if (watchdog_started_.exchange(true)) return;
  Watchdog::Start();
}

Options Detector::CurrentOptions() {
  RawLockGuard lock(options_mu_);
  return options_;
}

uint32_t Detector::ClassOfLocked(const LockState* lock) {
  std::string key =
      lock->name != nullptr ? std::string(lock->name) : SiteString(lock->file, lock->line);
  auto [it, inserted] = class_ids_.try_emplace(key, static_cast<uint32_t>(classes_.size()));
  if (inserted) {
    ClassInfo info;
    info.name = std::move(key);
    info.site = SiteString(lock->file, lock->line);
    info.function = lock->function;
    classes_.push_back(std::move(info));
  }
  return it->second;
}

void Detector::DeclareAcquiredAfterLocked(const LockState* lock, uint32_t cls) {
  const std::string& name = classes_[cls].name;
  // Every lock of a class usually carries the same attribute: declared once.
  if (!acquired_after_.insert(std::string(lock->acquired_after) + '\0' + name).second) return;
  const std::string where =
      "acquired_after on \"" + name + "\" at " + SiteString(lock->file, lock->line);
  std::string error;
  if (!declared_.Add({lock->acquired_after, name}, where, &error)) {
    EmitText("lockgraph: " + where + ": " + error + "; this order is not checked\n");
  }
}

NodeId Detector::EnsureNodeLocked(LockState* lock) {
  NodeId id = lock->node.load(std::memory_order_relaxed);
  if (id != 0) return id;
  NodeInfo info;
  info.cls = ClassOfLocked(lock);
  if (lock->acquired_after != nullptr) DeclareAcquiredAfterLocked(lock, info.cls);
  info.rank = lock->rank;
  info.ranked = (lock->flags & kFlagRanked) != 0;
  info.writer_preferring = (lock->flags & kFlagWriterPreferring) != 0;
  info.file = lock->file;
  info.function = lock->function;
  info.line = lock->line;
  ++classes_[info.cls].instances;
  if (info.writer_preferring) classes_[info.cls].writer_preferring = true;
  id = graph_.AddNode(info);
  lock->node.store(id, std::memory_order_relaxed);
  lock->class_id.store(info.cls, std::memory_order_relaxed);
  return id;
}

void Detector::RegisterHeld(ThreadState* ts, LockState* lock) {
  {
    RawLockGuard guard(mu_);
    for (uint32_t i = 0; i < ts->depth; ++i) EnsureNodeLocked(ts->held[i].lock);
    if (lock != nullptr) EnsureNodeLocked(lock);
  }
  RefreshChains(ts);
}

void Detector::RefreshChains(ThreadState* ts) {
  // Locks pushed before they had a node (or before another thread gave them
  // one) carry chain keys computed with id 0; recompute from the real ids.
  uint64_t chain = kChainSeed;
  for (uint32_t i = 0; i < ts->depth; ++i) {
    HeldLock& h = ts->held[i];
    chain = MixChain(chain, h.lock->node.load(std::memory_order_relaxed), h.mode);
    h.chain = chain;
  }
}

void Detector::Retire(LockState* lock) {
  RawLockGuard guard(mu_);
  const NodeId id = lock->node.exchange(0, std::memory_order_relaxed);
  if (id != 0) graph_.RemoveNode(id);
}

uint32_t Detector::ThreadTagLocked(int tid) {
  char name[32] = {};
  prctl(PR_GET_NAME, name, 0, 0, 0);
  std::string key = std::to_string(tid) + "/" + name;
  auto [it, inserted] = thread_ids_.try_emplace(key, static_cast<uint32_t>(threads_.size()));
  if (inserted) threads_.push_back(ThreadTag{tid, name});
  return it->second;
}

namespace {

// The detector's locks are taken only inside a GatedScope (fork_gate.h),
// opened on first need: an acquisition whose edges are all known already
// (the common case on the slow path) costs no signal-mask system calls. A
// fork() in progress elsewhere closes the gate: the acquisition is then not
// recorded (and not cached, so a later one is).
class LazyGate {
 public:
  bool Enter() {
    if (!scope_) scope_.emplace();
    return scope_->open();
  }

 private:
  std::optional<GatedScope> scope_;
};

bool HasUnregistered(const ThreadState* ts, const LockState* lock) {
  if (lock->node.load(std::memory_order_relaxed) == 0) return true;
  for (uint32_t i = 0; i < ts->depth; ++i) {
    if (ts->held[i].lock->node.load(std::memory_order_relaxed) == 0) return true;
  }
  return false;
}

const HeldLock* FindHeld(const ThreadState* ts, const LockState* lock) {
  for (uint32_t i = 0; i < ts->depth; ++i) {
    if (ts->held[i].lock == lock) return &ts->held[i];
  }
  return nullptr;
}

bool HoldsPrivate(const ThreadState* ts) {
  for (uint32_t i = 0; i < ts->depth; ++i) {
    if (ts->held[i].private_hold) return true;
  }
  return false;
}

}  // namespace

// Steps: give every lock involved a node; stop at once if this chain of held
// locks is cached; report a re-lock of a held lock; find the held->lock edges
// the process has not seen; record them (with a stack only when their class
// pair has none) and report what they close. Stacks are captured here, not in
// the steps, so that kInternalFrames stays exact; the detector's lock is never
// held while unwinding (unwinding may take the dynamic loader's lock, which a
// thread inside dlopen holds while running constructors that may lock).
__attribute__((noinline)) void Detector::OnAcquire(ThreadState* ts, LockState* lock,
                                                   AccessMode mode) {
  LazyGate gate;
  if (HasUnregistered(ts, lock)) {
    if (!gate.Enter()) return;
    RegisterHeld(ts, lock);
  } else {
    RefreshChains(ts);
  }
  const NodeId node = lock->node.load(std::memory_order_relaxed);
  const uint64_t chain = MixChain(ts->held[ts->depth - 1].chain, node, mode);
  uint64_t& cache_slot = ts->chain_cache[chain & kChainCacheMask];
  if (cache_slot == chain) return;

  std::vector<PendingReport> reports;
  if (const HeldLock* again = FindHeld(ts, lock)) {
    CapturedStack stack;
    StackDepot::Capture(kInternalFrames, stack_depth_.load(std::memory_order_relaxed), &stack);
    if (!gate.Enter()) return;
    ReportSelfDeadlock(ts, *again, node, mode, stack, &reports);
  }
  const HeldIndices unknown = UnknownEdges(ts, lock, node, mode);
  if (!unknown.empty()) {
    if (!gate.Enter()) return;
    const bool need_stack = NeedsStack(ts, node, mode, unknown);
    CapturedStack stack;
    if (need_stack) {
      StackDepot::Capture(kInternalFrames, stack_depth_.load(std::memory_order_relaxed), &stack);
    }
    RecordEdges(ts, node, mode, unknown, need_stack ? &stack : nullptr, &reports);
  }
  // Self-deadlocks are not cached: the thread is about to hang on them. Nor
  // is a chain through a lock held privately: the same chain taken later, once
  // the object is published, must record its orders.
  if ((reports.empty() || reports.front().kind != ReportKind::kSelfDeadlock) && !HoldsPrivate(ts)) {
    cache_slot = chain;
  }
  if (!reports.empty()) Deliver(reports);
}

void Detector::ReportSelfDeadlock(ThreadState* ts, const HeldLock& held, NodeId node,
                                  AccessMode mode, const CapturedStack& stack,
                                  std::vector<PendingReport>* reports) {
  RawLockGuard guard(mu_);
  if (graph_.Find(node) == nullptr) return;
  CycleStep step{node, node, ComboOf(held.mode, mode), depot_.Put(stack), ThreadTagLocked(ts->tid)};
  MaybeReportCycleLocked(ReportKind::kSelfDeadlock, {step}, reports);
}

Detector::HeldIndices Detector::UnknownEdges(const ThreadState* ts, const LockState* lock,
                                             NodeId node, AccessMode mode) const {
  HeldIndices unknown;
  for (uint32_t i = 0; i < ts->depth; ++i) {
    const HeldLock& h = ts->held[i];
    // A lock taken while its object was private leads nowhere (PrivateScope).
    if (h.lock == lock || h.private_hold) continue;
    const uint64_t fp =
        KnownEdgeSet::Fingerprint(h.lock->node.load(std::memory_order_relaxed), node, h.mode, mode);
    if (!known_.Contains(fp)) unknown.push_back(i);
  }
  return unknown;
}

Detector::ClassEdge* Detector::ClassEdgeLocked(NodeId from, NodeId to) {
  const NodeInfo* from_info = graph_.Find(from);
  const NodeInfo* to_info = graph_.Find(to);
  if (from_info == nullptr || to_info == nullptr || from_info->cls == to_info->cls) return nullptr;
  auto it = class_edges_.find(uint64_t{from_info->cls} << 32 | to_info->cls);
  return it == class_edges_.end() ? nullptr : &it->second;
}

// A stack is captured only for an order new to its pair of classes: a million
// row locks taken under one table lock share the first one's stack instead of
// each paying for an unwind. Not within one class: there the pair says nothing
// about which instance came first.
bool Detector::NeedsStack(const ThreadState* ts, NodeId node, AccessMode mode,
                          const HeldIndices& unknown) {
  RawLockGuard guard(mu_);
  for (uint32_t i : unknown) {
    const HeldLock& h = ts->held[i];
    const ClassEdge* ce = ClassEdgeLocked(h.lock->node.load(std::memory_order_relaxed), node);
    const uint8_t combo = ComboOf(h.mode, mode);
    if (ce == nullptr || !(ce->combos & (1u << combo)) || ce->stack == StackDepot::kNoStack) {
      return true;
    }
  }
  return false;
}

void Detector::RecordEdges(ThreadState* ts, NodeId node, AccessMode mode,
                           const HeldIndices& unknown, const CapturedStack* stack,
                           std::vector<PendingReport>* reports) {
  RawLockGuard guard(mu_);
  ++slow_path_calls_;
  // The thread's name is read (a system call) only with a new stack; it
  // rarely changes, and edges that reuse a class's stack reuse its thread too.
  if (stack != nullptr || ts->thread_tag == UINT32_MAX) ts->thread_tag = ThreadTagLocked(ts->tid);
  NewEdge edge;
  edge.to = node;
  edge.to_mode = mode;
  edge.thread = ts->thread_tag;
  edge.stack = stack != nullptr ? depot_.Put(*stack) : StackDepot::kNoStack;
  if (stack != nullptr && depot_.full() && !said_depot_full_) {
    said_depot_full_ = true;
    EmitText("lockgraph: note: stack depot is full; new edges are recorded without stacks\n");
  }
  for (uint32_t i : unknown) {
    edge.from = ts->held[i].lock->node.load(std::memory_order_relaxed);
    edge.from_mode = ts->held[i].mode;
    // The outermost other lock held exclusively: if every order of a cycle
    // was taken under the same one, it may serialize them (a gate lock).
    edge.gate = 0;
    for (uint32_t j = 0; j < ts->depth; ++j) {
      const HeldLock& g = ts->held[j];
      if (j == i || g.mode != AccessMode::kExclusive || g.private_hold) continue;
      edge.gate = g.lock->node.load(std::memory_order_relaxed);
      break;
    }
    AddEdgeLocked(edge, reports);
  }
}

void Detector::AddEdgeLocked(const NewEdge& edge, std::vector<PendingReport>* reports) {
  const NodeInfo* from_info = graph_.Find(edge.from);
  const NodeInfo* to_info = graph_.Find(edge.to);
  if (from_info == nullptr || to_info == nullptr) return;
  const uint8_t combo = ComboOf(edge.from_mode, edge.to_mode);
  uint32_t stack_id = edge.stack;
  if (stack_id == StackDepot::kNoStack) {
    if (const ClassEdge* known = ClassEdgeLocked(edge.from, edge.to)) stack_id = known->stack;
  }
  LockGraph::AddResult r =
      graph_.AddEdge(edge.from, edge.to, combo, stack_id, edge.thread, edge.gate);
  if (r.is_new) {
    const bool same_class = from_info->cls == to_info->cls;
    const bool rank_ok = from_info->ranked && to_info->ranked && from_info->rank < to_info->rank;
    ClassEdge& ce = class_edges_[uint64_t{from_info->cls} << 32 | to_info->cls];
    if (ce.combos == 0) {
      ce.stack = stack_id;
      ce.thread = edge.thread;
    }
    ce.combos |= static_cast<uint8_t>(1u << combo);
    ++ce.instance_edges;
    if (same_class && !rank_ok) ce.same_class_ranked = false;
    std::string why;
    if (!same_class && ce.instance_edges == 1 && !declared_.empty() &&
        declared_.Violates(classes_[from_info->cls].name, classes_[to_info->cls].name, &why)) {
      MaybeReportCycleLocked(ReportKind::kOrderViolation,
                             {CycleStep{edge.from, edge.to, combo, stack_id, edge.thread}}, reports,
                             std::move(why));
    }
    if (same_class && from_info->ranked && to_info->ranked && !rank_ok) {
      MaybeReportCycleLocked(ReportKind::kRankViolation,
                             {CycleStep{edge.from, edge.to, combo, stack_id, edge.thread}},
                             reports);
    }
    if (!r.kept) {
      ++dropped_edges_;
      if (!said_graph_full_) {
        said_graph_full_ = true;
        EmitText(
            "lockgraph: note: lock-order graph is full (max_edges); new orders are "
            "still checked against it but no longer remembered\n");
      }
    }
  }
  if (!r.cycle.empty()) {
    MaybeReportCycleLocked(ReportKind::kLockOrderInversion, r.cycle, reports);
  }
  known_.Insert(KnownEdgeSet::Fingerprint(edge.from, edge.to, edge.from_mode, edge.to_mode));
}

void Detector::MaybeReportCycleLocked(ReportKind kind, const std::vector<CycleStep>& cycle,
                                      std::vector<PendingReport>* out, std::string detail) {
  // Both kinds name one edge: the two locks it joins.
  const bool one_edge = kind == ReportKind::kRankViolation || kind == ReportKind::kOrderViolation;
  std::vector<uint32_t> classes;
  for (const CycleStep& s : cycle) {
    const NodeInfo* info = graph_.Find(s.from);
    if (info == nullptr) return;
    classes.push_back(info->cls);
  }
  if (one_edge) {
    const NodeInfo* to = graph_.Find(cycle.front().to);
    if (to == nullptr) return;
    classes.push_back(to->cls);
  }
  // One report per distinct cycle of classes, whichever instances formed it.
  std::vector<uint32_t> canonical = classes;
  if (kind == ReportKind::kLockOrderInversion) {
    std::vector<uint32_t> best = canonical;
    for (size_t r = 1; r < canonical.size(); ++r) {
      std::vector<uint32_t> rotated(canonical.begin() + r, canonical.end());
      rotated.insert(rotated.end(), canonical.begin(), canonical.begin() + r);
      best = std::min(best, rotated);
    }
    canonical = best;
  }
  std::string key = std::to_string(static_cast<int>(kind));
  for (uint32_t c : canonical) key += "," + std::to_string(c);
  auto [it, inserted] = reported_index_.try_emplace(key, reported_.size());
  if (!inserted) {
    ++reported_[it->second].count;
    return;
  }
  reported_.push_back(ReportedCycle{canonical, kind, 1});

  PendingReport report;
  report.kind = kind;
  auto add_lock = [&](NodeId id) LOCKGRAPH_REQUIRES(mu_) {
    const NodeInfo* info = graph_.Find(id);
    PendingReport::Lock l;
    l.id = id;
    l.node = *info;
    l.name = classes_[info->cls].name;
    report.locks.push_back(std::move(l));
  };
  for (const CycleStep& s : cycle) add_lock(s.from);
  if (one_edge) add_lock(cycle.front().to);
  report.detail = std::move(detail);
  // A gate: one lock held exclusively around every order of the cycle, each
  // time it was recorded. Still reported (lockgraph cannot know it is always
  // held there), but the report names it.
  if (kind == ReportKind::kLockOrderInversion && cycle.front().gate != 0) {
    bool common = true;
    for (const CycleStep& s : cycle) common &= s.gate == cycle.front().gate;
    const NodeInfo* gate = common ? graph_.Find(cycle.front().gate) : nullptr;
    if (gate != nullptr) report.gate = classes_[gate->cls].name;
  }
  for (size_t i = 0; i < cycle.size(); ++i) {
    const CycleStep& s = cycle[i];
    PendingReport::Edge e;
    e.from = i;
    e.to = kind == ReportKind::kLockOrderInversion ? (i + 1) % cycle.size()
                                                   : (kind == ReportKind::kSelfDeadlock ? 0 : 1);
    e.combo = s.combo;
    e.stack = depot_.Get(s.stack);
    if (s.thread < threads_.size()) {
      e.tid = threads_[s.thread].tid;
      e.thread_name = threads_[s.thread].name;
    }
    report.edges.push_back(std::move(e));
  }
  out->push_back(std::move(report));
}

void Detector::Deliver(std::vector<PendingReport>& reports) {
  const bool symbolize = symbolize_.load(std::memory_order_relaxed);
  for (PendingReport& pending : reports) {
    Emit(BuildReport(pending, symbolize), mode() == Mode::kAbort);
  }
}

void Detector::Emit(const Report& report, bool abort_after) {
  Options options;
  {
    RawLockGuard lock(options_mu_);
    if (!suppressions_.empty() && !suppressions_.Match(report).empty()) {
      suppressed_.fetch_add(1, std::memory_order_relaxed);
      return;  // neither printed nor aborted on
    }
    options = options_;
  }
  switch (options.mode) {
    case Mode::kOff:
      return;
    case Mode::kCallback:
      if (options.callback) options.callback(report);
      break;
    case Mode::kReport:
    case Mode::kAbort:
      EmitText(options.report_format == ReportFormat::kJson ? FormatJson(report) + "\n"
                                                            : FormatText(report));
      break;
  }
  if (abort_after) {
    WriteGraphOut();
    std::abort();
  }
}

void Detector::LockForFork() {
  long_hold_mu_.lock();
  mu_.lock();
  options_mu_.lock();
  emit_mu_.lock();
  profile_.LockForFork();
}

void Detector::UnlockAfterFork() {
  profile_.UnlockAfterFork();
  emit_mu_.unlock();
  options_mu_.unlock();
  mu_.unlock();
  long_hold_mu_.unlock();
}

void Detector::AfterForkInChild(const std::vector<std::pair<LockState*, int>>& orphaned) {
  {
    RawLockGuard guard(mu_);
    for (const auto& [lock, tid] : orphaned) {
      lock->flags |= kFlagHeldAtFork;
      held_at_fork_[lock] = tid;
    }
  }
  // The watchdog thread did not survive the fork.
  Watchdog::ResetAfterFork();
  watchdog_started_.store(false);
  if (CurrentOptions().watchdog && mode() != Mode::kOff) StartWatchdog();
}

void Detector::OnHeldAtFork(ThreadState* ts, LockState* lock) {
  int holder = 0;
  {
    RawLockGuard guard(mu_);
    auto it = held_at_fork_.find(lock);
    if (it == held_at_fork_.end() || it->second == 0) return;
    holder = it->second;
    it->second = 0;  // reported once
  }
  CapturedStack stack;
  StackDepot::Capture(kInternalFrames, stack_depth_.load(std::memory_order_relaxed), &stack);
  const uint32_t cls = ClassIdOf(lock);
  Report r = BuildHeldAtForkReport(lock, ClassName(cls), holder, ts->tid,
                                   std::vector<uintptr_t>(stack.pcs, stack.pcs + stack.depth),
                                   symbolize_.load(std::memory_order_relaxed));
  {
    RawLockGuard guard(mu_);
    reported_.push_back(ReportedCycle{{cls}, ReportKind::kHeldAtFork, 1});
  }
  Emit(r, mode() == Mode::kAbort);
}

void Detector::OnAssertionFailed(ThreadState* ts, const LockState* lock, AssertKind kind) {
  CapturedStack stack;
  StackDepot::Capture(kInternalFrames, stack_depth_.load(std::memory_order_relaxed), &stack);
  // The detector may give a lock its node and class here; the state's node
  // fields are atomics made for that, so the const is only the caller's.
  LockState* asserted = const_cast<LockState*>(lock);
  const uint32_t cls = asserted != nullptr ? ClassIdOf(asserted) : UINT32_MAX;
  uint64_t hash = uint64_t{cls} << 8 | static_cast<uint64_t>(kind);
  for (int i = 0; i < stack.depth; ++i) hash = MixChain(hash, stack.pcs[i], AccessMode::kShared);
  {
    RawLockGuard guard(mu_);
    auto it = assertion_stacks_.find(hash);
    if (it != assertion_stacks_.end()) {
      ++reported_[it->second].count;
      return;
    }
  }
  std::vector<HeldForReport> held;
  std::vector<uint32_t> classes;
  if (asserted != nullptr) classes.push_back(cls);
  for (uint32_t i = 0; i < ts->depth; ++i) {
    const uint32_t held_cls = ClassIdOf(ts->held[i].lock);
    held.push_back({ts->held[i].lock, ClassName(held_cls), ts->held[i].mode});
    if (ts->held[i].lock != lock) classes.push_back(held_cls);
  }
  const Report report =
      BuildAssertionReport(kind, lock, asserted != nullptr ? ClassName(cls) : std::string(), held,
                           ts->tid, std::vector<uintptr_t>(stack.pcs, stack.pcs + stack.depth),
                           symbolize_.load(std::memory_order_relaxed));
  // One report per kind, class and call site (the first frame of user code).
  std::string site = std::to_string(static_cast<int>(kind)) + "/" + std::to_string(cls);
  const std::vector<StackFrame>& frames = report.threads.front().stack;
  if (!frames.empty()) {
    const StackFrame& f = frames.front();
    site += "@" + (f.file.empty() ? std::to_string(f.pc) : f.file + ":" + std::to_string(f.line));
  }
  {
    RawLockGuard guard(mu_);
    auto [it, inserted] = assertion_sites_.try_emplace(site, reported_.size());
    assertion_stacks_.emplace(hash, it->second);
    if (!inserted) {
      ++reported_[it->second].count;
      return;
    }
    reported_.push_back(ReportedCycle{classes, ReportKind::kAssertionFailed, 1});
  }
  Emit(report, mode() == Mode::kAbort);
}

uint32_t Detector::ClassIdOf(LockState* lock) {
  uint32_t cls = lock->class_id.load(std::memory_order_relaxed);
  if (cls != UINT32_MAX) return cls;
  RawLockGuard guard(mu_);
  EnsureNodeLocked(lock);
  return lock->class_id.load(std::memory_order_relaxed);
}

std::string Detector::ClassName(uint32_t cls) {
  RawLockGuard guard(mu_);
  return cls < classes_.size() ? classes_[cls].name : std::string();
}

void Detector::RecordAcquisition(LockState* lock) {
  profile_.For(ClassIdOf(lock)).acquisitions.fetch_add(1, std::memory_order_relaxed);
}

void Detector::RecordWait(LockState* lock, uint64_t ns) {
  if (mode() == Mode::kOff) return;
  profile_.For(ClassIdOf(lock)).waits.Record(ns);
}

void Detector::OnRelease(ThreadState* ts, const HeldLock& held, const uintptr_t* site, int64_t ns) {
  const uint32_t cls = ClassIdOf(held.lock);
  profile_.For(cls).holds.Record(static_cast<uint64_t>(ns));
  Options options = CurrentOptions();
  if (options.hold_warn_ms <= 0 || ns < int64_t{options.hold_warn_ms} * 1000000) return;
  profile_.For(cls).long_holds.fetch_add(1, std::memory_order_relaxed);
  std::vector<uintptr_t> acquired;
  for (uint32_t k = 0; site != nullptr && k < kAcquireFrames && site[k] != 0; ++k) {
    acquired.push_back(site[k]);
  }
  CapturedStack stack;
  StackDepot::Capture(2, stack_depth_.load(std::memory_order_relaxed), &stack);
  Report report = BuildLongHoldReport(held.lock, ClassName(cls), acquired,
                                      std::vector<uintptr_t>(stack.pcs, stack.pcs + stack.depth),
                                      ts->tid, static_cast<double>(ns) / 1e6,
                                      symbolize_.load(std::memory_order_relaxed));
  // One report per class and acquisition site (the first frame of user code
  // that took it); later ones only count.
  std::string key = std::to_string(cls);
  if (!report.acquired_at.empty()) {
    const StackFrame& f = report.acquired_at.front();
    key += "@" + (f.file.empty() ? std::to_string(f.pc) : f.file + ":" + std::to_string(f.line));
  }
  {
    RawLockGuard guard(long_hold_mu_);
    if (!long_holds_reported_.insert(key).second) return;
  }
  {
    RawLockGuard guard(mu_);
    reported_.push_back(ReportedCycle{{cls}, ReportKind::kLongHold, 1});
  }
  Emit(report, false);
}

void Detector::OnBlocked(ThreadState* ts, const char* what, uintptr_t caller, int64_t ns) {
  CapturedStack stack;
  StackDepot::Capture(kInternalFrames, stack_depth_.load(std::memory_order_relaxed), &stack);
  std::vector<HeldForReport> held;
  std::vector<uint32_t> classes;
  for (uint32_t i = 0; i < ts->depth; ++i)
    AddHeld(ts->held[i].lock, ts->held[i].mode, &held, &classes);
  const Report report =
      BuildBlockedReport(what, held, ts->tid, FromCaller(stack.pcs, stack.depth, caller),
                         static_cast<double>(ns) / 1e6, /*still_blocked=*/false,
                         symbolize_.load(std::memory_order_relaxed));
  EmitBlocked(report, BlockedKey(what, report), classes);
}

void Detector::AddHeld(LockState* lock, AccessMode mode, std::vector<HeldForReport>* held,
                       std::vector<uint32_t>* classes) {
  const uint32_t cls = ClassIdOf(lock);
  held->push_back({lock, ClassName(cls), mode});
  classes->push_back(cls);
}

void Detector::EmitBlocked(const Report& report, const std::string& key,
                           const std::vector<uint32_t>& classes) {
  {
    RawLockGuard guard(mu_);
    auto [it, inserted] = blocks_reported_.try_emplace(key, reported_.size());
    if (!inserted) {
      ++reported_[it->second].count;
      return;
    }
    reported_.push_back(ReportedCycle{classes, ReportKind::kBlockedWhileHolding, 1});
  }
  Emit(report, mode() == Mode::kAbort);
}

std::vector<LockProfile> Detector::GetProfile() {
  std::vector<ClassInfo> classes;
  {
    RawLockGuard guard(mu_);
    classes = classes_;
  }
  return ProfileOf(classes);
}

std::vector<LockProfile> Detector::ProfileOf(const std::vector<ClassInfo>& classes) {
  std::vector<LockProfile> out;
  for (uint32_t cls = 0; cls < classes.size(); ++cls) {
    const ClassCounters* c = profile_.Find(cls);
    if (c == nullptr) continue;
    LockProfile p;
    p.name = classes[cls].name;
    p.site = classes[cls].site;
    p.acquisitions = c->acquisitions.load(std::memory_order_relaxed);
    p.contended = c->waits.count.load(std::memory_order_relaxed);
    p.wait_total_ns = c->waits.total_ns.load(std::memory_order_relaxed);
    p.wait_max_ns = c->waits.max_ns.load(std::memory_order_relaxed);
    p.wait_histogram = c->waits.Histogram();
    p.holds = c->holds.count.load(std::memory_order_relaxed);
    p.hold_total_ns = c->holds.total_ns.load(std::memory_order_relaxed);
    p.hold_max_ns = c->holds.max_ns.load(std::memory_order_relaxed);
    p.hold_histogram = c->holds.Histogram();
    p.long_waits = c->long_waits.load(std::memory_order_relaxed);
    p.long_holds = c->long_holds.load(std::memory_order_relaxed);
    if (p.acquisitions == 0 && p.contended == 0 && p.holds == 0) continue;
    out.push_back(std::move(p));
  }
  std::stable_sort(out.begin(), out.end(), [](const LockProfile& a, const LockProfile& b) {
    return a.wait_total_ns > b.wait_total_ns;
  });
  return out;
}

void Detector::EmitText(const std::string& text) {
  std::string path;
  {
    RawLockGuard lock(options_mu_);
    path = options_.report_out;
  }
  RawLockGuard lock(emit_mu_);
  if (!path.empty() && path != "stderr") {
    const std::string expanded = ExpandPid(path);
    FILE* f = std::fopen(expanded.c_str(), "a");
    if (f != nullptr) {
      std::fwrite(text.data(), 1, text.size(), f);
      std::fclose(f);
      return;
    }
  }
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(2, text.data() + done, text.size() - done);
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
}

}  // namespace lockgraph::internal
