// StuckAcrossDumps; see dump_compare.h.
#include "dump_compare.h"

#include <string>
#include <unordered_map>

#include "stack_groups.h"

namespace lockgraph::analyzer {

std::vector<StuckThread> StuckAcrossDumps(const std::vector<Analysis>& analyses) {
  std::vector<StuckThread> out;
  if (analyses.size() < 2) return out;
  const Analysis& last = analyses.back();
  // LWP -> stack key in the last dump, for the threads that wait there.
  std::unordered_map<int64_t, std::string> candidates;
  for (size_t i = 0; i < last.dump.threads.size(); ++i) {
    if (WaitsForHolder(last.waits[i].kind)) {
      candidates.emplace(last.dump.threads[i].lwp, StackKey(last.dump.threads[i]));
    }
  }
  for (size_t a = 0; a + 1 < analyses.size() && !candidates.empty(); ++a) {
    std::unordered_map<int64_t, std::string> kept;
    for (const Thread& t : analyses[a].dump.threads) {
      auto it = candidates.find(t.lwp);
      if (it != candidates.end() && it->second == StackKey(t)) kept.insert(*it);
    }
    candidates = std::move(kept);
  }
  for (size_t i = 0; i < last.dump.threads.size(); ++i) {
    if (candidates.count(last.dump.threads[i].lwp) && WaitsForHolder(last.waits[i].kind)) {
      out.push_back({last.dump.threads[i].lwp, static_cast<int>(i)});
    }
  }
  return out;
}

}  // namespace lockgraph::analyzer
