#include "graphs/order_check.h"

#include "internal/order_file.h"

namespace lockgraph::graphs {

bool FindOrderViolations(const MergedGraph& graph, const std::string& order_file,
                         std::vector<OrderViolation>* out, std::string* error) {
  internal::DeclaredOrders orders;
  if (!orders.LoadFile(order_file, error)) return false;
  for (const auto& [key, edge] : graph.edges()) {
    std::string why;
    if (edge.from != edge.to && orders.Violates(edge.from, edge.to, &why)) {
      out->push_back({&edge, why});
    }
  }
  return true;
}

}  // namespace lockgraph::graphs
