// The wait-for graph's edges and what reaches its cycles; the cycles
// themselves come from graphs/elementary_cycles.h.
#include "wait_for_graph.h"

#include <algorithm>
#include <deque>

#include "graphs/elementary_cycles.h"

namespace lockgraph::analyzer {

void WaitForGraph::AddEdge(int waiter, int holder) {
  std::vector<int>& succ = adjacency_[waiter];
  if (std::find(succ.begin(), succ.end(), holder) == succ.end()) succ.push_back(holder);
}

std::vector<std::vector<int>> WaitForGraph::Cycles(size_t max_cycles, bool* truncated) const {
  return graphs::FindElementaryCycles(adjacency_, {max_cycles, graphs::kDefaultCycleSearchSteps},
                                      truncated);
}

std::vector<int> WaitForGraph::ReachingCycle(const std::vector<std::vector<int>>& cycles) const {
  const int n = nodes();
  std::vector<int> reach(n, -1);
  std::vector<std::vector<int>> reverse(n);
  for (int v = 0; v < n; ++v) {
    for (int w : adjacency_[v]) reverse[w].push_back(v);
  }
  std::deque<int> queue;
  for (int c = 0; c < static_cast<int>(cycles.size()); ++c) {
    for (int v : cycles[c]) {
      if (reach[v] < 0) {
        reach[v] = c;
        queue.push_back(v);
      }
    }
  }
  while (!queue.empty()) {
    int v = queue.front();
    queue.pop_front();
    for (int u : reverse[v]) {
      if (reach[u] < 0) {
        reach[u] = reach[v];
        queue.push_back(u);
      }
    }
  }
  return reach;
}

}  // namespace lockgraph::analyzer
