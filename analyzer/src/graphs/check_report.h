// Renderings of a `lockgraph check` result: text for people, JSON, SARIF
// 2.1.0 (code-scanning UIs show each edge's stack as a code flow) and JUnit
// XML (one test case per cycle), and DOT of the merged graph.
#ifndef LOCKGRAPH_ANALYZER_SRC_GRAPHS_CHECK_REPORT_H_
#define LOCKGRAPH_ANALYZER_SRC_GRAPHS_CHECK_REPORT_H_

#include <string>
#include <vector>

#include "graphs/merged_graph.h"

namespace lockgraph::graphs {

// An order in the merged graph against a declared order (--order-file).
struct OrderViolation {
  const MergedEdge* edge;
  std::string declared;  // the declared chain it goes against, and where
};

struct CheckResult {
  const MergedGraph* graph = nullptr;
  std::vector<Cycle> cycles;
  std::vector<bool> is_new;          // parallel to cycles: not in the baseline
  std::vector<std::string> skipped;  // files left out with --keep-going, and why
  bool truncated = false;            // cycle enumeration hit its limit
  std::vector<OrderViolation> violations;
  size_t new_count() const;
  // New cycles or order violations: the check fails.
  bool failed() const { return new_count() > 0 || !violations.empty() || truncated; }
};

std::string CheckText(const CheckResult& r);
std::string CheckJson(const CheckResult& r);
std::string CheckSarif(const CheckResult& r, const std::string& version);
std::string CheckJunit(const CheckResult& r);
// The merged graph; edges on a cycle drawn red (new) or orange (accepted).
std::string MergedDot(const MergedGraph& graph, const CheckResult* result);

}  // namespace lockgraph::graphs

#endif  // LOCKGRAPH_ANALYZER_SRC_GRAPHS_CHECK_REPORT_H_
