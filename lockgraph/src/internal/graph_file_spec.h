// What identifies a graph file (graph_out=PATH): the constants its writer
// (the library) and its reader (`lockgraph check`, dot, profile) must agree
// on. The whole format is docs/graph-file.schema.json; docs/graph-file.md
// says when the version changes.
//
// Header-only and dependency-free, so the analyzer includes it without the
// rest of the library (like escape.h).
#ifndef LOCKGRAPH_SRC_INTERNAL_GRAPH_FILE_SPEC_H_
#define LOCKGRAPH_SRC_INTERNAL_GRAPH_FILE_SPEC_H_

#include <array>
#include <cstddef>
#include <string_view>

namespace lockgraph::internal {

// The value of the top-level "format" key. Files written before the key
// existed have none; a reader accepts that.
inline constexpr std::string_view kGraphFileFormat = "lockgraph-graph";

// The value of the top-level "version" key: changes only when a key changes
// meaning or disappears, never when one is added.
inline constexpr int kGraphFileVersion = 1;

// The schema's file name: docs/ in the sources, share/lockgraph/ installed.
inline constexpr std::string_view kGraphSchemaFileName = "graph-file.schema.json";
inline constexpr std::string_view kGraphSchemaSourcePath = "docs/graph-file.schema.json";

// An edge's "modes" entries, "held->taken". Entry c names the combination
// c = 2 * held_shared + taken_shared (lock_graph.h's ComboOf).
inline constexpr std::array<std::string_view, 4> kEdgeModeNames = {
    "exclusive->exclusive", "exclusive->shared", "shared->exclusive", "shared->shared"};

// At most this many entries in a profile histogram (bucket i: [2^i, 2^(i+1)) ns).
inline constexpr size_t kGraphHistogramMaxBuckets = 40;

}  // namespace lockgraph::internal

#endif  // LOCKGRAPH_SRC_INTERNAL_GRAPH_FILE_SPEC_H_
