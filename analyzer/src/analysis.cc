// The analysis pipeline; see analysis.h.
#include "analysis.h"

#include <algorithm>
#include <unordered_map>

#include "registry_facts.h"
#include "wait_for_graph.h"

namespace lockgraph::analyzer {

Analysis Analyze(Dump dump) {
  Analysis a;
  a.dump = std::move(dump);
  const std::vector<Thread>& threads = a.dump.threads;
  const int n = static_cast<int>(threads.size());
  a.waits.reserve(n);
  for (const Thread& t : threads) a.waits.push_back(ClassifyWait(t));
  // Without libc debug info the frames show no arguments; a capture may have
  // read the lock's address from the waiter's registers instead.
  std::unordered_map<int64_t, const LockRecord*> by_waiter;
  for (const LockRecord& r : a.dump.locks) {
    if (r.waiter && r.source == "register") by_waiter[*r.waiter] = &r;
  }
  for (int i = 0; i < n && !by_waiter.empty(); ++i) {
    Wait& w = a.waits[i];
    if (w.lock || !WaitsForHolder(w.kind) || w.kind == WaitKind::kJoin) continue;
    if (auto it = by_waiter.find(threads[i].lwp); it != by_waiter.end()) {
      w.lock = it->second->address;
      w.lock_from_register = true;
    }
  }
  const RegistryIndex registry = IndexRegistry(a.dump);
  ApplyRegistryWaits(a.dump, registry, &a.waits);
  a.registry_held.resize(n);
  for (int i = 0; i < n && !registry.empty; ++i) {
    for (const RegistryFact* f : registry.holds[i]) {
      a.registry_held[i].push_back(HeldLock{f->address, f->name, f->shared});
    }
  }
  a.owners = FindOwners(a.dump, a.waits, registry);

  // Owners not in the dump get nodes after the threads.
  std::unordered_map<int64_t, int> phantom;
  int nodes = n;
  for (const OwnerEvidence& e : a.owners) {
    for (const Owner& o : e.owners) {
      if (o.thread < 0 && phantom.emplace(o.lwp, nodes).second) ++nodes;
    }
  }
  WaitForGraph graph(nodes);
  for (int i = 0; i < n; ++i) {
    for (const Owner& o : a.owners[i].owners) {
      graph.AddEdge(i, o.thread >= 0 ? o.thread : phantom.at(o.lwp));
    }
    if (WaitsForHolder(a.waits[i].kind) && a.owners[i].owners.empty() && !a.owners[i].lock_free) {
      a.unknown_owner.push_back(i);
    }
  }

  std::vector<std::vector<int>> raw = graph.Cycles(kMaxCycles, &a.cycles_truncated);
  for (const std::vector<int>& nodes_in_cycle : raw) {
    Cycle c;
    const int len = static_cast<int>(nodes_in_cycle.size());
    for (int k = 0; k < len; ++k) {
      CycleStep step;
      step.thread = nodes_in_cycle[k];
      step.next = (k + 1) % len;
      step.waits_for = a.waits[step.thread].lock;
      if (a.waits[step.thread].kind == WaitKind::kJoin) step.waits_for.reset();
      c.steps.push_back(step);
    }
    for (int k = 0; k < len; ++k) c.steps[(k + 1) % len].holds = c.steps[k].waits_for;
    a.cycles.push_back(std::move(c));
  }
  std::vector<int> reach = graph.ReachingCycle(raw);
  reach.resize(n);
  a.reaching_cycle = reach;
  a.on_cycle.assign(n, false);
  for (const Cycle& c : a.cycles) {
    for (const CycleStep& s : c.steps) a.on_cycle[s.thread] = true;
  }
  for (int i = 0; i < n; ++i) {
    if (reach[i] >= 0 && !a.on_cycle[i]) a.blocked_behind.push_back(i);
  }
  std::unordered_map<int, size_t> holder_index;
  for (int i = 0; i < n; ++i) {
    // Joins are left out: main joining busy workers is how programs end.
    const WaitKind kind = a.waits[i].kind;
    if (!WaitsForHolder(kind) || kind == WaitKind::kJoin || reach[i] >= 0) continue;
    for (const Owner& o : a.owners[i].owners) {
      if (o.thread < 0 || o.thread == i || WaitsForHolder(a.waits[o.thread].kind)) continue;
      auto [it, added] = holder_index.emplace(o.thread, a.long_holders.size());
      if (added) a.long_holders.push_back(LongHolder{o.thread, {}});
      a.long_holders[it->second].waiters.push_back(i);
    }
  }
  std::stable_sort(
      a.long_holders.begin(), a.long_holders.end(),
      [](const LongHolder& x, const LongHolder& y) { return x.waiters.size() > y.waiters.size(); });
  a.groups = GroupStacks(a.dump);
  return a;
}

std::string Analysis::Verdict() const {
  const size_t n = dump.threads.size();
  std::string out;
  if (deadlock()) {
    size_t in_cycles = std::count(on_cycle.begin(), on_cycle.end(), true);
    out = "deadlock: " + std::to_string(cycles.size()) +
          (cycles.size() == 1 ? " cycle" : " cycles") +
          (cycles_truncated ? " (first ones only)" : "") + " among " + std::to_string(in_cycles) +
          (in_cycles == 1 ? " thread" : " threads") + ", " + std::to_string(blocked_behind.size()) +
          " more blocked behind";
    size_t self = std::count_if(cycles.begin(), cycles.end(),
                                [](const Cycle& c) { return c.self_deadlock(); });
    if (self > 0) {
      out += " (" + std::to_string(self) + (self == 1 ? " self-deadlock" : " self-deadlocks") + ")";
    }
  } else {
    size_t waiting = 0;
    for (const Wait& w : waits) waiting += WaitsForHolder(w.kind) ? 1 : 0;
    out = "no deadlock: " + std::to_string(waiting) + " of " + std::to_string(n) +
          " threads wait for a lock or a join";
  }
  if (!long_holders.empty()) {
    const LongHolder& top = long_holders.front();
    const Thread& t = dump.threads[top.thread];
    out += "; " + std::to_string(top.waiters.size()) +
           (top.waiters.size() == 1 ? " waits" : " wait") + " for LWP " + std::to_string(t.lwp) +
           (t.name.empty() ? "" : " \"" + t.name + "\"") +
           ", which is not waiting for a lock or a thread (a long holder: see its stack)";
    if (long_holders.size() > 1) {
      out += ", and " + std::to_string(long_holders.size() - 1) + " more such holder" +
             (long_holders.size() == 2 ? "" : "s");
    }
  }
  if (!unknown_owner.empty()) {
    out += "; " + std::to_string(unknown_owner.size()) +
           " wait for a lock whose owner the dump does not show" +
           (deadlock() ? "" : ", so a deadlock among them cannot be ruled out") +
           (dump.format == DumpFormat::kCapture || !dump.registry.empty()
                ? ""
                : " (`lockgraph capture` records owners)");
  }
  return out;
}

}  // namespace lockgraph::analyzer
