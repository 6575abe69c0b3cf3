// The analysis pipeline; see analysis.h.
#include "analysis.h"

#include <algorithm>
#include <unordered_map>

#include "libc_locks.h"
#include "registry_facts.h"
#include "session_evidence.h"
#include "wait_for_graph.h"

namespace lockgraph::analyzer {

std::string ThreadName(const Thread& t) {
  if (t.lwp != 0) return "LWP " + std::to_string(t.lwp);
  if (t.number > 0) return "gdb thread " + std::to_string(t.number);
  return "the pasted thread";
}

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
  // An interactive session's registers name the lock of a waiter whose
  // frames do not; its printed values name owners.
  const SessionFacts session = ReadSession(a.dump, &a.waits);
  const RegistryIndex registry = IndexRegistry(a.dump);
  ApplyRegistryWaits(a.dump, registry, &a.waits);
  a.registry_held.resize(n);
  for (int i = 0; i < n && !registry.empty; ++i) {
    for (const RegistryFact* f : registry.holds[i]) {
      a.registry_held[i].push_back(HeldLock{f->address, f->name, f->shared});
    }
  }
  const LibcLocks libc = FindLibcLocks(a.dump, a.waits);
  for (int i = 0; i < n; ++i) a.waits[i].libc_lock = LibcLockName(libc.waits[i]);
  a.owners = FindOwners(a.dump, a.waits, EvidenceSources{registry, session, libc});

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
    for (const CycleStep& step : c.steps) {
      const OwnerEvidence& e = a.owners[step.thread];
      if (e.source != EvidenceSource::kImpliedHolder) continue;
      c.likely = true;
      const int next = c.steps[step.next].thread;
      for (size_t k = 0; k < e.owners.size(); ++k) {
        if (e.owners[k].thread != next) continue;
        const Thread& holder = threads[next];
        c.reasons.push_back((next == step.thread ? std::string("the code the signal interrupted")
                                                 : ThreadName(holder)) +
                            " is " + e.reasons[k]);
      }
    }
    if (c.self_deadlock()) {
      const Thread& t = threads[c.steps[0].thread];
      const int wait_frame = a.waits[c.steps[0].thread].wait_frame;
      for (int k = std::max(0, wait_frame); k < static_cast<int>(t.frames.size()); ++k) {
        if (t.frames[k].function == "<signal handler called>") c.signal_reentry = true;
      }
    }
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
  std::unordered_map<int64_t, size_t> absent_index;
  for (int i = 0; i < n; ++i) {
    for (const Owner& o : a.owners[i].owners) {
      if (o.thread >= 0) continue;
      auto [it, added] = absent_index.emplace(o.lwp, a.absent_owners.size());
      if (added) a.absent_owners.push_back(AbsentOwner{o.lwp, {}});
      a.absent_owners[it->second].waiters.push_back(i);
    }
  }
  a.gaps = FindPasteGaps(a.dump);
  a.groups = GroupStacks(a.dump);
  return a;
}

std::string Analysis::Verdict() const {
  const size_t n = dump.threads.size();
  std::string out;
  if (deadlock()) {
    size_t in_cycles = std::count(on_cycle.begin(), on_cycle.end(), true);
    const size_t likely =
        std::count_if(cycles.begin(), cycles.end(), [](const Cycle& c) { return c.likely; });
    out = std::string(likely == cycles.size() ? "likely deadlock: " : "deadlock: ") +
          std::to_string(cycles.size()) + (cycles.size() == 1 ? " cycle" : " cycles") +
          (cycles_truncated ? " (first ones only)" : "") +
          (likely > 0 && likely < cycles.size() ? " (" + std::to_string(likely) + " likely)" : "") +
          " among " + std::to_string(in_cycles) + (in_cycles == 1 ? " thread" : " threads") + ", " +
          std::to_string(blocked_behind.size()) + " more blocked behind";
    size_t self = std::count_if(cycles.begin(), cycles.end(),
                                [](const Cycle& c) { return c.self_deadlock(); });
    size_t by_signal = std::count_if(cycles.begin(), cycles.end(),
                                     [](const Cycle& c) { return c.signal_reentry; });
    if (self > 0) {
      out += " (" + std::to_string(self) + (self == 1 ? " self-deadlock" : " self-deadlocks") +
             (by_signal == self ? " by signal re-entry"
              : by_signal > 0   ? ", " + std::to_string(by_signal) + " by signal re-entry"
                                : "") +
             ")";
    }
    if (likely > 0) {
      out +=
          "; likely because it relies on locks glibc takes inside its own functions, which "
          "no frame names (";
      const Cycle& first =
          *std::find_if(cycles.begin(), cycles.end(), [](const Cycle& c) { return c.likely; });
      out += first.reasons.empty() ? std::string("see the cycle") : first.reasons.front();
      out += ")";
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
           (top.waiters.size() == 1 ? " waits" : " wait") + " for " + ThreadName(t) +
           (t.name.empty() ? "" : " \"" + t.name + "\"") +
           ", which is not waiting for a lock or a thread (a long holder: see its stack)";
    if (long_holders.size() > 1) {
      out += ", and " + std::to_string(long_holders.size() - 1) + " more such holder" +
             (long_holders.size() == 2 ? "" : "s");
    }
  }
  for (const AbsentOwner& o : absent_owners) {
    out += "; LWP " + std::to_string(o.lwp) + " owns what " + std::to_string(o.waiters.size()) +
           (o.waiters.size() == 1 ? " thread waits" : " threads wait") + " for but is not in the " +
           (dump.all_threads ? "dump: it exited holding the lock, or the lock was held across "
                               "fork() by a thread of the parent"
                             : "paste (the paste does not show every thread)");
  }
  if (!unknown_owner.empty()) {
    out += "; " + std::to_string(unknown_owner.size()) +
           " wait for a lock whose owner the dump does not show" +
           (deadlock() ? "" : ", so a deadlock among them cannot be ruled out") +
           (dump.format == DumpFormat::kCapture || !dump.registry.empty() ? ""
            : !dump.all_threads || !dump.printed.empty()
                ? " (in gdb, `frame N` on the thread's lock frame and `p *mutex` print the "
                  "owner; `lockgraph capture` records every owner)"
                : " (`lockgraph capture` records owners)");
  }
  if (!gaps.empty()) {
    out += "; the paste lacks ";
    for (size_t i = 0; i < gaps.size(); ++i) out += (i ? ", " : "") + gaps[i].text;
  }
  return out;
}

}  // namespace lockgraph::analyzer
