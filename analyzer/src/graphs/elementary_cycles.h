// Every elementary cycle of a directed graph, with Johnson's algorithm
// ("Finding all the elementary circuits of a directed graph", 1975): for each
// start node s in increasing order, a depth-first search for the cycles
// through s inside the strongly connected component of s among the nodes
// >= s, with the blocking that keeps the search from walking into regions
// that cannot lead back to s. The wait-for graph of a dump and the merged
// lock-order graph of many runs both use it.
//
// Contract:
// - Nodes are 0..n-1; `successors[v]` lists v's edges in any order, with
//   duplicates ignored. A self-loop is a cycle of one node.
// - Each cycle comes once, as its nodes in edge order starting at its
//   smallest node, and the cycles come sorted (lexicographically): by
//   smallest node, then by the nodes that follow.
// - Iterative throughout (a chain of 100,000 threads must not overflow the
//   stack); time O((n + e)(c + 1)) for c cycles.
// - Bounded: a graph can have exponentially many cycles (a complete graph of
//   40 nodes has more than 10^46), so the search stops after a number of
//   cycles or of steps (edges followed and nodes visited), whichever comes
//   first, and says so.
#ifndef LOCKGRAPH_ANALYZER_SRC_GRAPHS_ELEMENTARY_CYCLES_H_
#define LOCKGRAPH_ANALYZER_SRC_GRAPHS_ELEMENTARY_CYCLES_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <queue>
#include <span>
#include <utility>
#include <vector>

namespace lockgraph::graphs {

// About a second of search on a current machine: far more than any real lock
// graph or dump needs, and the end of the line for a hostile one.
inline constexpr uint64_t kDefaultCycleSearchSteps = 50'000'000;

struct CycleLimits {
  size_t max_cycles = 10000;
  uint64_t max_steps = kDefaultCycleSearchSteps;
};

// Hands out the cycles one at a time, so a caller that keeps only some of
// them (the merged graph drops cycles that only readers take part in) can
// count what it keeps against its own limit.
class ElementaryCycleFinder {
 public:
  // Copies `successors`; the finder does not refer to it afterwards.
  ElementaryCycleFinder(const std::vector<std::vector<int>>& successors, uint64_t max_steps);

  // Stores the next cycle in `*cycle` and returns true; returns false once
  // every cycle has been handed out or the step budget is spent
  // (out_of_steps() tells which).
  bool Next(std::vector<int>* cycle);

  bool out_of_steps() const { return out_of_steps_; }
  uint64_t steps() const { return steps_; }

 private:
  struct Frame {
    int node;
    size_t next;  // index into successors_[node] of the next edge to follow
    bool found;   // some path from here led back to the start
  };

  // Queues the strongly connected components among `nodes` that contain a
  // cycle (more than one node, or a self-loop), smallest node first.
  void QueueComponents(std::span<const int> nodes);
  // Starts searching the queued component with the smallest node, from that
  // node; false when none is left or the budget ran out.
  bool StartNextComponent();
  void Unblock(int node);
  // Counts `steps` against the budget; false once it is spent.
  bool Spend(uint64_t steps);

  std::vector<std::vector<int>> successors_;  // sorted, without duplicates
  // Components waiting for their search, as (smallest node, index into
  // queued_); a component's nodes are sorted.
  std::priority_queue<std::pair<int, size_t>, std::vector<std::pair<int, size_t>>, std::greater<>>
      queue_;
  std::vector<std::vector<int>> queued_;
  std::vector<int> component_;  // being searched, from its front()
  bool searching_ = false;
  // member_[v] == stamp_: v is in the node set being searched or split.
  std::vector<uint32_t> member_;
  uint32_t stamp_ = 0;
  std::vector<char> blocked_;
  std::vector<std::vector<int>> blocked_by_;  // Johnson's B lists
  std::vector<Frame> frames_;                 // the current path, the start first
  std::vector<int> index_, low_;              // Tarjan's, for splitting components
  std::vector<char> on_stack_;
  uint64_t max_steps_;
  uint64_t steps_ = 0;
  bool out_of_steps_ = false;
};

// The first `limits.max_cycles` cycles in the order above. `*truncated`
// (optional) is set when the search stopped at a limit: it found
// `max_cycles` cycles, or it ran out of steps; there may be more.
std::vector<std::vector<int>> FindElementaryCycles(const std::vector<std::vector<int>>& successors,
                                                   const CycleLimits& limits,
                                                   bool* truncated = nullptr);

}  // namespace lockgraph::graphs

#endif  // LOCKGRAPH_ANALYZER_SRC_GRAPHS_ELEMENTARY_CYCLES_H_
