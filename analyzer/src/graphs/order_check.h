// `lockgraph check --order-file`: the orders of a merged graph that go
// against declared orders (the format of LOCKGRAPH_OPTIONS=order_file=).
#ifndef LOCKGRAPH_ANALYZER_SRC_GRAPHS_ORDER_CHECK_H_
#define LOCKGRAPH_ANALYZER_SRC_GRAPHS_ORDER_CHECK_H_

#include <string>
#include <vector>

#include "graphs/check_report.h"
#include "graphs/merged_graph.h"

namespace lockgraph::graphs {

// Reads `order_file` and appends every order of `graph` taken against it to
// `*out`, in the graph's order (by class names). False, with `*error` naming
// the file and line, when the file cannot be read or is not a valid order file.
bool FindOrderViolations(const MergedGraph& graph, const std::string& order_file,
                         std::vector<OrderViolation>* out, std::string* error);

}  // namespace lockgraph::graphs

#endif  // LOCKGRAPH_ANALYZER_SRC_GRAPHS_ORDER_CHECK_H_
