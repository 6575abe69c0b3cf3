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
  for (const GraphClass& c : file.classes) {
    classes_.try_emplace(c.name, c.site);
    if (c.writer_preferring) writer_preferring_.insert(c.name);
  }
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

bool ModesCanDeadlock(const std::vector<const MergedEdge*>& cycle,
                      const std::function<bool(const std::string&)>& readers_queue) {
  const size_t n = cycle.size();
  if (n == 0) return false;
  std::vector<std::vector<std::pair<bool, bool>>> modes(n);
  for (size_t i = 0; i < n; ++i) {
    for (const std::string& m : cycle[i]->modes) modes[i].push_back(ParseMode(m));
  }
  // Where readers queue behind writers, a shared acquisition waits like an
  // exclusive one: at such a class no pair of modes is compatible.
  std::vector<bool> queues(n, false);
  for (size_t i = 0; i < n; ++i) queues[i] = readers_queue && readers_queue(cycle[i]->from);
  // Fix the first edge's mode, carry "which modes the last edge can end in"
  // around the cycle, and close it at the first edge's held mode.
  for (const auto& first : modes[0]) {
    std::vector<std::pair<bool, bool>> reachable = {first};
    for (size_t i = 1; i < n && !reachable.empty(); ++i) {
      std::vector<std::pair<bool, bool>> next;
      for (const auto& m : modes[i]) {
        for (const auto& prev : reachable) {
          // At the lock between them: waiter took it in prev.second, holder holds in m.first.
          if (!(prev.second && m.first) || queues[i]) {
            next.push_back(m);
            break;
          }
        }
      }
      reachable = std::move(next);
    }
    for (const auto& last : reachable) {
      if (!(last.second && first.first) || queues[0]) return true;
    }
  }
  return false;
}

std::vector<bool> MergedGraph::ClassesThatCanBlock(const std::map<std::string, int>& index,
                                                   const CycleOptions& options) const {
  // A class every order reaches only in shared mode and leaves only held in
  // shared mode is never where a thread of a cycle waits (readers do not block
  // readers), so no cycle through it can deadlock (ModesCanDeadlock would
  // refuse each one). Leaving it out before the search keeps the search from
  // spending its budget on shared-only cycles, such as those of a dozen reader
  // locks taken in every order. Leaving a class out can take from a neighbour
  // the one order that let it block, so removals propagate through a work
  // list: each order is looked at once more when one of its ends goes.
  struct Order {
    int from, to;
    bool blocks_from, blocks_to;  // held exclusive at `from`, acquired exclusive at `to`
    bool alive = true;
  };
  const size_t n = index.size();
  std::vector<Order> orders;
  std::vector<std::vector<size_t>> touching(n);
  std::vector<int> reasons(n, 0);  // alive orders that let the class block
  for (const auto& [key, e] : edges_) {
    if (blessed_.contains(key) || e.from == e.to) continue;
    Order o{index.at(e.from), index.at(e.to), false, false};
    const bool from_queues = options.prefer_writers || writer_preferring_.contains(e.from);
    const bool to_queues = options.prefer_writers || writer_preferring_.contains(e.to);
    for (const std::string& m : e.modes) {
      const auto [held_shared, acquired_shared] = ParseMode(m);
      o.blocks_from |= !held_shared || from_queues;
      o.blocks_to |= !acquired_shared || to_queues;
    }
    reasons[o.from] += o.blocks_from;
    reasons[o.to] += o.blocks_to;
    touching[o.from].push_back(orders.size());
    touching[o.to].push_back(orders.size());
    orders.push_back(o);
  }
  std::vector<bool> kept(n, true);
  std::vector<int> gone;
  for (size_t i = 0; i < n; ++i) {
    if (reasons[i] == 0) kept[i] = false, gone.push_back(static_cast<int>(i));
  }
  while (!gone.empty()) {
    const int c = gone.back();
    gone.pop_back();
    for (size_t k : touching[c]) {
      Order& o = orders[k];
      if (!o.alive) continue;
      o.alive = false;
      const int other = o.from == c ? o.to : o.from;
      const bool counted = o.from == c ? o.blocks_to : o.blocks_from;
      if (counted && kept[other] && --reasons[other] == 0) {
        kept[other] = false;
        gone.push_back(other);
      }
    }
  }
  return kept;
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
  const std::vector<bool> kept = ClassesThatCanBlock(index, options);
  const auto readers_queue = [&](const std::string& c) {
    return options.prefer_writers || writer_preferring_.contains(c);
  };
  std::vector<Cycle> cycles;
  for (const auto& [key, e] : edges_) {
    if (blessed_.contains(key)) continue;
    const int a = index[e.from], b = index[e.to];
    if (a != b && (!kept[a] || !kept[b])) continue;
    if (a == b) {
      // Not followed as an edge: a cycle of one, when same-class cycles are asked for.
      if (options.same_class && !e.ranked && ModesCanDeadlock({&e}, readers_queue) &&
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
    if (ModesCanDeadlock(c.edges, readers_queue)) cycles.push_back(std::move(c));
  }
  *truncated = cycles.size() >= options.max_cycles || finder.out_of_steps();
  return cycles;
}

}  // namespace lockgraph::graphs
