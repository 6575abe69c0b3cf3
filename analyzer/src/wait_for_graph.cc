// Cycle enumeration for the wait-for graph. Everything is iterative: a chain
// of 100,000 threads, each waiting for the next, must not overflow the stack.
#include "wait_for_graph.h"

#include <algorithm>
#include <deque>
#include <unordered_map>

namespace lockgraph::analyzer {

void WaitForGraph::AddEdge(int waiter, int holder) {
  std::vector<int>& succ = adjacency_[waiter];
  if (std::find(succ.begin(), succ.end(), holder) == succ.end()) succ.push_back(holder);
}

namespace {

using Adjacency = std::vector<std::vector<int>>;

// Tarjan's strongly connected components (iterative) of the subgraph induced
// by the nodes >= `first`; returns each node's component id (-1 below first).
std::vector<int> StrongComponents(const Adjacency& adj, int first) {
  const int n = static_cast<int>(adj.size());
  std::vector<int> index(n, -1), low(n, 0), comp(n, -1), stack;
  std::vector<bool> on_stack(n, false);
  struct Frame {
    int node;
    size_t next;
  };
  std::vector<Frame> call;
  int counter = 0, comps = 0;
  for (int root = first; root < n; ++root) {
    if (index[root] >= 0) continue;
    call.push_back({root, 0});
    index[root] = low[root] = counter++;
    stack.push_back(root);
    on_stack[root] = true;
    while (!call.empty()) {
      Frame& f = call.back();
      const std::vector<int>& succ = adj[f.node];
      if (f.next < succ.size()) {
        int w = succ[f.next++];
        if (w < first) continue;
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

// Johnson's search inside one strongly connected component with more than one
// node (`adj` uses local ids 0..k-1; `ids` maps them back). For each start s,
// only the component of s among the nodes >= s is searched, so every cycle is
// found once, from its smallest node, and no start explores a region without
// cycles through it. `budget` bounds the edges examined.
void JohnsonInComponent(const Adjacency& adj, const std::vector<int>& ids, size_t max_cycles,
                        long long* budget, std::vector<std::vector<int>>* cycles) {
  const int k = static_cast<int>(adj.size());
  std::vector<bool> blocked(k, false);
  std::vector<std::vector<int>> blocked_by(k);
  struct Frame {
    int node;
    size_t next;
    bool found;
  };
  for (int s = 0; s < k && cycles->size() < max_cycles && *budget > 0; ++s) {
    const std::vector<int>& succ_s = adj[s];
    if (std::find(succ_s.begin(), succ_s.end(), s) != succ_s.end()) cycles->push_back({ids[s]});
    std::vector<int> comp = StrongComponents(adj, s);
    *budget -= k - s;
    const int cs = comp[s];
    auto in_scope = [&](int w) { return w >= s && comp[w] == cs; };
    bool nontrivial = false;
    for (int w : succ_s) nontrivial |= (w != s && in_scope(w));
    if (!nontrivial) continue;
    for (int v = s; v < k; ++v) {
      blocked[v] = false;
      blocked_by[v].clear();
    }
    std::vector<int> path{s};
    std::vector<Frame> call{{s, 0, false}};
    blocked[s] = true;
    while (!call.empty() && cycles->size() < max_cycles && --*budget > 0) {
      Frame& f = call.back();
      const std::vector<int>& succ = adj[f.node];
      if (f.next < succ.size()) {
        int w = succ[f.next++];
        if (!in_scope(w) || w == f.node) continue;
        if (w == s) {
          std::vector<int> cycle;
          for (int v : path) cycle.push_back(ids[v]);
          cycles->push_back(std::move(cycle));
          f.found = true;
        } else if (!blocked[w]) {
          blocked[w] = true;
          path.push_back(w);
          call.push_back({w, 0, false});
        }
        continue;
      }
      const int v = f.node;
      const bool found = f.found;
      if (found) {
        // Unblock v and, transitively, everything waiting on it.
        std::vector<int> work{v};
        while (!work.empty()) {
          int x = work.back();
          work.pop_back();
          if (!blocked[x]) continue;
          blocked[x] = false;
          for (int y : blocked_by[x]) work.push_back(y);
          blocked_by[x].clear();
        }
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
  }
}

}  // namespace

std::vector<std::vector<int>> WaitForGraph::Cycles(size_t max_cycles, bool* truncated) const {
  // Enough for any real dump; a hostile graph with exponentially many cycles
  // stops here instead of running for hours.
  long long budget = 50'000'000;
  std::vector<std::vector<int>> cycles;
  const int n = nodes();
  std::vector<int> comp = StrongComponents(adjacency_, 0);
  std::vector<std::vector<int>> members;
  for (int v = 0; v < n; ++v) {
    if (comp[v] >= static_cast<int>(members.size())) members.resize(comp[v] + 1);
    members[comp[v]].push_back(v);  // increasing order
  }
  std::sort(members.begin(), members.end(),
            [](const auto& a, const auto& b) { return a.front() < b.front(); });
  for (const std::vector<int>& m : members) {
    if (cycles.size() >= max_cycles || budget <= 0) break;
    if (m.size() == 1) {
      const std::vector<int>& succ = adjacency_[m[0]];
      if (std::find(succ.begin(), succ.end(), m[0]) != succ.end()) cycles.push_back({m[0]});
      continue;
    }
    // The common case: every thread waits for exactly one other in here, so
    // the component is one simple cycle.
    const int c = comp[m[0]];
    bool simple = true;
    for (int v : m) {
      int inside = 0;
      for (int w : adjacency_[v]) inside += (comp[w] == c);
      simple &= (inside == 1);
    }
    if (simple) {
      std::vector<int> cycle{m[0]};
      for (int v = m[0];;) {
        for (int w : adjacency_[v]) {
          if (comp[w] == c) {
            v = w;
            break;
          }
        }
        if (v == m[0]) break;
        cycle.push_back(v);
      }
      cycles.push_back(std::move(cycle));
      budget -= static_cast<long long>(m.size());
      continue;
    }
    std::unordered_map<int, int> local;
    for (size_t i = 0; i < m.size(); ++i) local.emplace(m[i], static_cast<int>(i));
    Adjacency adj(m.size());
    for (size_t i = 0; i < m.size(); ++i) {
      for (int w : adjacency_[m[i]]) {
        if (auto it = local.find(w); it != local.end()) adj[i].push_back(it->second);
      }
    }
    JohnsonInComponent(adj, m, max_cycles, &budget, &cycles);
  }
  bool cut = cycles.size() >= max_cycles || budget <= 0;
  if (cycles.size() > max_cycles) cycles.resize(max_cycles);
  if (truncated) *truncated = cut;
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
