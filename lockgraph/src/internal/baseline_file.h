// The CI baseline: cycles a team has looked at and accepted, and blessed
// lock pairs (an order that is safe by construction), each with the reason.
// `lockgraph check --baseline` fails only on cycles that are not in it, and a
// program run with LOCKGRAPH_OPTIONS=baseline=FILE does not report them.
//
//   {"version": 1,
//    "accepted": [{"cycle": ["cache", "stats"], "reason": "stats is only taken at shutdown"}],
//    "blessed":  [{"from": "log", "to": "cache", "reason": "log never blocks: try_lock only"}]}
#ifndef LOCKGRAPH_SRC_INTERNAL_BASELINE_FILE_H_
#define LOCKGRAPH_SRC_INTERNAL_BASELINE_FILE_H_

#include <string>
#include <string_view>
#include <vector>

namespace lockgraph::internal {

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

  // A cycle of class names, in any rotation, that the baseline accepts.
  bool Accepts(const std::vector<std::string>& cycle) const;
  // The order from -> to is blessed.
  bool Blesses(std::string_view from, std::string_view to) const;
  bool empty() const { return accepted.empty() && blessed.empty(); }
};

// Rotates a cycle of class names so the smallest name comes first.
std::vector<std::string> CanonicalCycle(std::vector<std::string> cycle);

// Loads a baseline; every entry needs a non-empty reason.
bool LoadBaseline(const std::string& path, Baseline* out, std::string* error);
// Writes `baseline` (entries without a reason get a placeholder asking for one).
bool SaveBaseline(const std::string& path, const Baseline& baseline, std::string* error);

}  // namespace lockgraph::internal

#endif  // LOCKGRAPH_SRC_INTERNAL_BASELINE_FILE_H_
