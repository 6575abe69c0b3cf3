// The lock-order graphs of many processes merged by lock class, and every
// cycle in the result: the inversions no single run shows (test A takes
// cache then stats, test B stats then cache).
//
// Cycles are elementary cycles (graphs/elementary_cycles.h: Johnson's
// algorithm, bounded in number and in work), each starting at its smallest
// class name, sorted by class names. A cycle counts as a deadlock only if
// some choice of the recorded lock modes makes every lock on it a real
// conflict (two shared acquisitions never block each other). A same-class
// edge is a cycle of one only when it is unranked and same-class cycles were
// asked for: instances of one class nested in a consistent order are usual
// (rows of a table) and are checked per instance at run time.
#ifndef LOCKGRAPH_ANALYZER_SRC_GRAPHS_MERGED_GRAPH_H_
#define LOCKGRAPH_ANALYZER_SRC_GRAPHS_MERGED_GRAPH_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "graphs/elementary_cycles.h"
#include "graphs/graph_file.h"

namespace lockgraph::graphs {

struct MergedEdge {
  std::string from, to;
  std::set<std::string> modes;
  bool same_class = false;
  bool ranked = true;                  // every contributing run nested it in rank order
  std::vector<size_t> runs;            // indexes into MergedGraph::runs, first one first
  const GraphEdge* example = nullptr;  // the first run's edge (stack, thread)
};

struct Run {
  std::string path;
  std::string program;
  int pid = 0;
};

struct Cycle {
  std::vector<std::string> classes;      // canonical rotation, smallest name first
  std::vector<const MergedEdge*> edges;  // edges[i]: classes[i] -> classes[i + 1]
  std::string Key() const;               // "a -> b -> a"
};

class MergedGraph {
 public:
  // Adds one run's graph. `files` must outlive this object.
  void Add(const GraphFile& file);
  // Removes an edge from consideration (a "blessed" pair).
  void Bless(const std::string& from, const std::string& to);

  struct CycleOptions {
    bool same_class = false;    // count unranked same-class edges as cycles
    size_t max_cycles = 10000;  // stop enumerating past this many deadlock cycles
    // Stop searching after this much work: a dense graph of readers has
    // astronomically many cycles, none of them a deadlock.
    uint64_t max_steps = kDefaultCycleSearchSteps;
    // Every class's readers wait behind a queued writer (`check
    // --prefer-writers`), as for the classes whose graph files say so.
    bool prefer_writers = false;
  };
  // Every elementary deadlock cycle, same-class ones first; `*truncated` says
  // whether a limit cut the search short (reaching max_cycles counts).
  std::vector<Cycle> Cycles(const CycleOptions& options, bool* truncated) const;

  const std::vector<Run>& runs() const { return runs_; }
  const std::map<std::pair<std::string, std::string>, MergedEdge>& edges() const { return edges_; }
  const std::map<std::string, std::string>& classes() const { return classes_; }  // name -> site

 private:
  // Per class (indexed as in `index`): false for a class no cycle through
  // which can deadlock, because its threads only ever share it.
  std::vector<bool> ClassesThatCanBlock(const std::map<std::string, int>& index,
                                        const CycleOptions& options) const;

  std::vector<Run> runs_;
  std::map<std::string, std::string> classes_;
  std::map<std::pair<std::string, std::string>, MergedEdge> edges_;
  std::set<std::pair<std::string, std::string>> blessed_;
  std::set<std::string> writer_preferring_;  // classes some run marked writer_preferring
};

// True if some choice of each edge's recorded modes makes every lock on the
// cycle a conflict between the waiter and the holder.
// `readers_queue(c)`: whether class c's readers wait behind a queued writer
// (then two shared acquisitions of it conflict too); null: no class's do.
bool ModesCanDeadlock(const std::vector<const MergedEdge*>& cycle,
                      const std::function<bool(const std::string&)>& readers_queue = nullptr);

}  // namespace lockgraph::graphs

#endif  // LOCKGRAPH_ANALYZER_SRC_GRAPHS_MERGED_GRAPH_H_
