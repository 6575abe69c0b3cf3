// A graph snapshot as text: the graph file's JSON and a Graphviz drawing.
// Pure functions of the snapshot; they take no lock and symbolize nothing.
#ifndef LOCKGRAPH_SRC_INTERNAL_GRAPH_FORMAT_H_
#define LOCKGRAPH_SRC_INTERNAL_GRAPH_FORMAT_H_

#include <string>

#include "internal/graph_snapshot.h"

namespace lockgraph::internal {

// The graph file (docs/graph-file.schema.json, version kGraphFileVersion):
// one JSON object, one line per class, edge, cycle, report and profile entry.
// Edges are written in the snapshot's order, each with its stack's symbolized
// `frames` (`pcs` are not written). Strings are escaped as JSON (escape.h), so any
// bytes in a name come out as valid UTF-8 JSON.
std::string FormatGraphJson(const GraphSnapshot& graph);

// A digraph of the classes and their order; edges of reported cycles red.
std::string FormatGraphDot(const GraphSnapshot& graph);

}  // namespace lockgraph::internal

#endif  // LOCKGRAPH_SRC_INTERNAL_GRAPH_FORMAT_H_
