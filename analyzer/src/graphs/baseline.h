// The CI baseline: cycles a team has looked at and accepted, and blessed
// lock pairs (an order that is safe by construction), each with the reason.
// `lockgraph check` fails only on cycles that are not in it.
//
//   {"version": 1,
//    "accepted": [{"cycle": ["cache", "stats"], "reason": "stats is only taken at shutdown"}],
//    "blessed":  [{"from": "log", "to": "cache", "reason": "log never blocks: try_lock only"}]}
#ifndef LOCKGRAPH_ANALYZER_SRC_GRAPHS_BASELINE_H_
#define LOCKGRAPH_ANALYZER_SRC_GRAPHS_BASELINE_H_

#include <string>
#include <vector>

#include "graphs/merged_graph.h"

namespace lockgraph::graphs {

struct Baseline {
  struct Accepted {
    std::vector<std::string> cycle;  // canonical rotation
    std::string reason;
  };
  struct Blessed {
    std::string from, to, reason;
  };
  std::vector<Accepted> accepted;
  std::vector<Blessed> blessed;

  bool Accepts(const Cycle& cycle) const;
};

// Rotates a cycle of class names so the smallest name comes first.
std::vector<std::string> CanonicalCycle(std::vector<std::string> cycle);

// Loads a baseline; every entry needs a non-empty reason.
bool LoadBaseline(const std::string& path, Baseline* out, std::string* error);
// Writes `baseline` (entries without a reason get a placeholder asking for one).
bool SaveBaseline(const std::string& path, const Baseline& baseline, std::string* error);

}  // namespace lockgraph::graphs

#endif  // LOCKGRAPH_ANALYZER_SRC_GRAPHS_BASELINE_H_
