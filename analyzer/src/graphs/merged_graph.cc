#include "graphs/merged_graph.h"

#include <algorithm>
#include <functional>

namespace lockgraph::graphs {

namespace {

// "held->taken" -> (held shared?, taken shared?)
std::pair<bool, bool> ParseMode(const std::string& mode) {
  const size_t arrow = mode.find("->");
  if (arrow == std::string::npos) return {false, false};
  return {mode.compare(0, arrow, "shared") == 0,
          mode.compare(arrow + 2, std::string::npos, "shared") == 0};
}

}  // namespace

std::string Cycle::Key() const {
  std::string key;
  for (const std::string& c : classes) key += c + " -> ";
  return key + (classes.empty() ? "" : classes.front());
}

void MergedGraph::Add(const GraphFile& file) {
  const size_t run = runs_.size();
  runs_.push_back(Run{file.path, file.program, file.pid});
  for (const GraphClass& c : file.classes) classes_.try_emplace(c.name, c.site);
  for (const GraphEdge& e : file.edges) {
    classes_.try_emplace(e.from, "");
    classes_.try_emplace(e.to, "");
    auto [it, inserted] = edges_.try_emplace({e.from, e.to});
    MergedEdge& m = it->second;
    if (inserted) {
      m.from = e.from;
      m.to = e.to;
      m.example = &e;
      m.same_class = e.same_class || e.from == e.to;
    }
    m.modes.insert(e.modes.begin(), e.modes.end());
    if (m.same_class && !e.ranked) m.ranked = false;
    if (m.runs.empty() || m.runs.back() != run) m.runs.push_back(run);
  }
}

void MergedGraph::Bless(const std::string& from, const std::string& to) {
  blessed_.insert({from, to});
}

bool ModesCanDeadlock(const std::vector<const MergedEdge*>& cycle) {
  const size_t n = cycle.size();
  if (n == 0) return false;
  std::vector<std::vector<std::pair<bool, bool>>> modes(n);
  for (size_t i = 0; i < n; ++i) {
    for (const std::string& m : cycle[i]->modes) modes[i].push_back(ParseMode(m));
  }
  // Fix the first edge's mode, carry "which modes the last edge can end in"
  // around the cycle, and close it at the first edge's held mode.
  for (const auto& first : modes[0]) {
    std::vector<std::pair<bool, bool>> reachable = {first};
    for (size_t i = 1; i < n && !reachable.empty(); ++i) {
      std::vector<std::pair<bool, bool>> next;
      for (const auto& m : modes[i]) {
        for (const auto& prev : reachable) {
          // At the lock between them: waiter took it in prev.second, holder holds in m.first.
          if (!(prev.second && m.first)) {
            next.push_back(m);
            break;
          }
        }
      }
      reachable = std::move(next);
    }
    for (const auto& last : reachable) {
      if (!(last.second && first.first)) return true;
    }
  }
  return false;
}

std::vector<Cycle> MergedGraph::Cycles(const CycleOptions& options, bool* truncated) const {
  *truncated = false;
  // Nodes by name order, so results are deterministic.
  std::vector<std::string> names;
  for (const auto& [name, site] : classes_) names.push_back(name);
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < names.size(); ++i) index[names[i]] = i;
  const size_t n = names.size();
  std::vector<std::vector<std::pair<size_t, const MergedEdge*>>> out(n);
  std::vector<Cycle> cycles;
  for (const auto& [key, e] : edges_) {
    if (blessed_.contains(key)) continue;
    const size_t a = index[e.from], b = index[e.to];
    if (a == b) {
      if (options.same_class && !e.ranked && ModesCanDeadlock({&e})) {
        cycles.push_back(Cycle{{e.from}, {&e}});
      }
      continue;
    }
    out[a].emplace_back(b, &e);
  }

  // Johnson: for each start s (in order), elementary circuits through s in
  // the subgraph of nodes >= s.
  std::vector<bool> blocked(n);
  std::vector<std::set<size_t>> blocked_by(n);
  std::vector<size_t> stack;
  std::vector<const MergedEdge*> edge_stack;
  std::function<void(size_t)> unblock = [&](size_t u) {
    blocked[u] = false;
    std::set<size_t> waiting;
    waiting.swap(blocked_by[u]);
    for (size_t w : waiting) {
      if (blocked[w]) unblock(w);
    }
  };
  for (size_t s = 0; s < n && !*truncated; ++s) {
    for (size_t v = s; v < n; ++v) {
      blocked[v] = false;
      blocked_by[v].clear();
    }
    std::function<bool(size_t)> circuit = [&](size_t v) -> bool {
      bool found = false;
      stack.push_back(v);
      blocked[v] = true;
      for (const auto& [w, e] : out[v]) {
        if (w < s || *truncated) continue;
        if (w == s) {
          edge_stack.push_back(e);
          if (ModesCanDeadlock(edge_stack)) {
            Cycle c;
            for (size_t x : stack) c.classes.push_back(names[x]);
            c.edges = edge_stack;
            cycles.push_back(std::move(c));
            if (cycles.size() >= options.max_cycles) *truncated = true;
          }
          edge_stack.pop_back();
          found = true;
        } else if (!blocked[w]) {
          edge_stack.push_back(e);
          if (circuit(w)) found = true;
          edge_stack.pop_back();
        }
      }
      if (found) {
        unblock(v);
      } else {
        for (const auto& [w, e] : out[v]) {
          if (w >= s) blocked_by[w].insert(v);
        }
      }
      stack.pop_back();
      return found;
    };
    circuit(s);
  }
  return cycles;
}

}  // namespace lockgraph::graphs
