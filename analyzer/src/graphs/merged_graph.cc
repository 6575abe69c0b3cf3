#include "graphs/merged_graph.h"

#include <algorithm>

#include "graphs/elementary_cycles.h"

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
  // Nodes in name order: the finder's sorted output is then sorted by name.
  std::vector<std::string> names;
  for (const auto& [name, site] : classes_) names.push_back(name);
  std::map<std::string, int> index;
  for (size_t i = 0; i < names.size(); ++i) index[names[i]] = static_cast<int>(i);
  std::vector<std::vector<int>> successors(names.size());
  // Edge lists parallel to `successors`; edges_ iterates in name order, so
  // both are sorted by target.
  std::vector<std::vector<const MergedEdge*>> edges(names.size());
  std::vector<Cycle> cycles;
  for (const auto& [key, e] : edges_) {
    if (blessed_.contains(key)) continue;
    const int a = index[e.from], b = index[e.to];
    if (a == b) {
      // Not followed as an edge: a cycle of one, when same-class cycles are asked for.
      if (options.same_class && !e.ranked && ModesCanDeadlock({&e}) &&
          cycles.size() < options.max_cycles) {
        cycles.push_back(Cycle{{e.from}, {&e}});
      }
      continue;
    }
    successors[a].push_back(b);
    edges[a].push_back(&e);
  }
  auto edge = [&](int from, int to) {
    const std::vector<int>& succ = successors[from];
    return edges[from][std::lower_bound(succ.begin(), succ.end(), to) - succ.begin()];
  };

  ElementaryCycleFinder finder(successors, options.max_steps);
  std::vector<int> nodes;
  while (cycles.size() < options.max_cycles && finder.Next(&nodes)) {
    Cycle c;
    for (size_t k = 0; k < nodes.size(); ++k) {
      c.classes.push_back(names[nodes[k]]);
      c.edges.push_back(edge(nodes[k], nodes[(k + 1) % nodes.size()]));
    }
    if (ModesCanDeadlock(c.edges)) cycles.push_back(std::move(c));
  }
  *truncated = cycles.size() >= options.max_cycles || finder.out_of_steps();
  return cycles;
}

}  // namespace lockgraph::graphs
