// Cycle enumeration for the wait-for graph. Everything is iterative: a chain
// of 100,000 threads, each waiting for the next, must not overflow the stack.
#include "wait_for_graph.h"

#include <algorithm>
#include <deque>

namespace lockgraph::analyzer {

void WaitForGraph::AddEdge(int waiter, int holder) {
  std::vector<int>& succ = adjacency_[waiter];
  if (std::find(succ.begin(), succ.end(), holder) == succ.end()) succ.push_back(holder);
}

std::vector<int> WaitForGraph::Components() const {
  const int n = nodes();
  std::vector<int> index(n, -1), low(n, 0), comp(n, -1), stack;
  std::vector<bool> on_stack(n, false);
  struct Frame {
    int node;
    size_t next;
  };
  std::vector<Frame> call;
  int counter = 0, comps = 0;
  for (int root = 0; root < n; ++root) {
    if (index[root] >= 0) continue;
    call.push_back({root, 0});
    index[root] = low[root] = counter++;
    stack.push_back(root);
    on_stack[root] = true;
    while (!call.empty()) {
      Frame& f = call.back();
      const std::vector<int>& succ = adjacency_[f.node];
      if (f.next < succ.size()) {
        int w = succ[f.next++];
        if (index[w] < 0) {
          index[w] = low[w] = counter++;
          stack.push_back(w);
          on_stack[w] = true;
          call.push_back({w, 0});
        } else if (on_stack[w]) {
          low[f.node] = std::min(low[f.node], index[w]);
        }
        continue;
      }
      int v = f.node;
      call.pop_back();
      if (!call.empty()) low[call.back().node] = std::min(low[call.back().node], low[v]);
      if (low[v] == index[v]) {
        int w;
        do {
          w = stack.back();
          stack.pop_back();
          on_stack[w] = false;
          comp[w] = comps;
        } while (w != v);
        ++comps;
      }
    }
  }
  return comp;
}

std::vector<std::vector<int>> WaitForGraph::Cycles(size_t max_cycles, bool* truncated) const {
  if (truncated) *truncated = false;
  std::vector<std::vector<int>> cycles;
  const int n = nodes();
  std::vector<int> comp = Components();
  std::vector<int> comp_size(n, 0);
  for (int v = 0; v < n; ++v) ++comp_size[comp[v]];

  // Johnson's circuit search from each start s over the nodes >= s of s's
  // component, with its blocked set and B lists so that no path is explored
  // twice without a cycle in between.
  std::vector<bool> blocked(n, false);
  std::vector<std::vector<int>> blocked_by(n);
  std::vector<int> touched;  // nodes whose blocked state must be reset for the next s
  auto unblock = [&](int u) {
    std::vector<int> work{u};
    while (!work.empty()) {
      int x = work.back();
      work.pop_back();
      if (!blocked[x]) continue;
      blocked[x] = false;
      for (int y : blocked_by[x]) work.push_back(y);
      blocked_by[x].clear();
    }
  };
  struct Frame {
    int node;
    size_t next;
    bool found;
  };
  for (int s = 0; s < n; ++s) {
    const bool self_loop =
        std::find(adjacency_[s].begin(), adjacency_[s].end(), s) != adjacency_[s].end();
    if (comp_size[comp[s]] < 2) {
      if (self_loop) cycles.push_back({s});
      if (cycles.size() >= max_cycles) break;
      continue;
    }
    if (self_loop) cycles.push_back({s});
    auto in_scope = [&](int w) { return w >= s && comp[w] == comp[s]; };
    std::vector<int> path{s};
    std::vector<Frame> call{{s, 0, false}};
    blocked[s] = true;
    touched.push_back(s);
    while (!call.empty() && cycles.size() < max_cycles) {
      Frame& f = call.back();
      const std::vector<int>& succ = adjacency_[f.node];
      if (f.next < succ.size()) {
        int w = succ[f.next++];
        if (!in_scope(w) || w == f.node) continue;
        if (w == s) {
          cycles.push_back(path);
          f.found = true;
        } else if (!blocked[w]) {
          blocked[w] = true;
          touched.push_back(w);
          path.push_back(w);
          call.push_back({w, 0, false});
        }
        continue;
      }
      int v = f.node;
      bool found = f.found;
      if (found) {
        unblock(v);
      } else {
        for (int w : succ) {
          if (!in_scope(w)) continue;
          std::vector<int>& b = blocked_by[w];
          if (std::find(b.begin(), b.end(), v) == b.end()) b.push_back(v);
        }
      }
      call.pop_back();
      path.pop_back();
      if (!call.empty() && found) call.back().found = true;
    }
    for (int t : touched) {
      blocked[t] = false;
      blocked_by[t].clear();
    }
    touched.clear();
    if (cycles.size() >= max_cycles) break;
  }
  if (cycles.size() >= max_cycles) {
    cycles.resize(max_cycles);
    if (truncated) *truncated = true;
  }
  return cycles;
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
