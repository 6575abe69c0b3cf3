// The gdb extension's facts per thread; see registry_facts.h.
#include "registry_facts.h"

namespace lockgraph::analyzer {

RegistryIndex IndexRegistry(const Dump& dump) {
  RegistryIndex index;
  const size_t n = dump.threads.size();
  index.waits.assign(n, nullptr);
  index.holds.resize(n);
  index.deadlock_next.resize(n);
  if (dump.registry.empty() && dump.registry_deadlocks.empty()) return index;
  index.empty = false;
  std::unordered_map<int64_t, int> by_lwp;
  for (size_t i = 0; i < n; ++i) {
    if (dump.threads[i].lwp != 0) by_lwp.emplace(dump.threads[i].lwp, static_cast<int>(i));
  }
  for (const RegistryFact& f : dump.registry) {
    auto it = by_lwp.find(f.lwp);
    if (!f.waits) {
      std::vector<int64_t>& holders = index.holders[f.address];
      if (holders.empty() || holders.back() != f.lwp) holders.push_back(f.lwp);
    }
    if (it == by_lwp.end()) continue;
    if (f.waits) {
      index.waits[it->second] = &f;
    } else {
      index.holds[it->second].push_back(&f);
    }
  }
  for (const RegistryDeadlock& d : dump.registry_deadlocks) {
    for (size_t k = 0; k < d.lwps.size(); ++k) {
      auto it = by_lwp.find(d.lwps[k]);
      if (it != by_lwp.end()) index.deadlock_next[it->second] = d.lwps[(k + 1) % d.lwps.size()];
    }
  }
  return index;
}

void ApplyRegistryWaits(const Dump& dump, const RegistryIndex& index, std::vector<Wait>* waits) {
  if (index.empty) return;
  for (size_t i = 0; i < dump.threads.size(); ++i) {
    const RegistryFact* f = index.waits[i];
    Wait& w = (*waits)[i];
    if (f == nullptr || w.kind == WaitKind::kJoin) continue;
    if (!WaitsForHolder(w.kind)) {
      // The registry publishes a wait only while the thread is blocked in
      // the lock, so it outranks frames that were not recognized.
      w.kind = f->shared ? WaitKind::kRwlockRead : WaitKind::kMutex;
      w.api = "lockgraph registry";
      w.lock.reset();
      w.lock_symbol.clear();
    }
    if (!w.lock) w.lock = f->address;
    w.lock_name = f->name;
  }
}

}  // namespace lockgraph::analyzer
