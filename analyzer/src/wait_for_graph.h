// The wait-for graph over threads: an edge W -> H when thread W waits for
// something thread H holds (a lock H owns, or H itself for a join). Finds
// every elementary cycle (graphs/elementary_cycles.h: Johnson's algorithm,
// bounded) and the threads whose wait chains lead into a cycle.
//
// Nodes are integers 0..n-1 chosen by the caller; owners that are not in the
// dump get nodes of their own, so they may appear in chains but never close
// a cycle (they wait for nothing).
#ifndef LOCKGRAPH_ANALYZER_SRC_WAIT_FOR_GRAPH_H_
#define LOCKGRAPH_ANALYZER_SRC_WAIT_FOR_GRAPH_H_

#include <cstddef>
#include <vector>

namespace lockgraph::analyzer {

class WaitForGraph {
 public:
  explicit WaitForGraph(int nodes) : adjacency_(nodes) {}

  int nodes() const { return static_cast<int>(adjacency_.size()); }
  // Adds W -> H; duplicates are ignored.
  void AddEdge(int waiter, int holder);
  const std::vector<int>& Successors(int node) const { return adjacency_[node]; }

  // Every elementary cycle, each as its nodes in wait order starting at its
  // smallest node (a self-loop is a one-node cycle), sorted: by smallest
  // node, then by the nodes that follow. Stops after `max_cycles` cycles or a
  // fixed amount of work (a graph can have exponentially many cycles) and
  // then sets `*truncated` (optional).
  std::vector<std::vector<int>> Cycles(size_t max_cycles = 10000, bool* truncated = nullptr) const;

  // For each node: the index of a cycle its wait chain reaches (-1 when none),
  // given `cycles` from Cycles(). Nodes on a cycle get that cycle.
  std::vector<int> ReachingCycle(const std::vector<std::vector<int>>& cycles) const;

 private:
  std::vector<std::vector<int>> adjacency_;
};

}  // namespace lockgraph::analyzer

#endif  // LOCKGRAPH_ANALYZER_SRC_WAIT_FOR_GRAPH_H_
