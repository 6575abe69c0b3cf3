// One lock-order graph as written by a lockgraph process (graph_out=PATH or
// lockgraph::WriteGraph), as plain values. The format is
// docs/graph-file.schema.json (installed as share/lockgraph/graph-file.schema.json).
//
// These structs mirror the library's GraphSnapshot
// (lockgraph/src/internal/graph_snapshot.h), which the file is written from:
// each field is named after its key in the file. Where the snapshot has
// indexes and program counters, the file, and so these, have class names and
// symbolized frames.
#ifndef LOCKGRAPH_ANALYZER_SRC_GRAPHS_GRAPH_FILE_H_
#define LOCKGRAPH_ANALYZER_SRC_GRAPHS_GRAPH_FILE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lockgraph::graphs {

struct Frame {
  std::string pc;  // "0x..."
  std::string function;
  std::string file;
  int line = 0;
  bool inlined = false;  // false in files written before inlined calls were expanded

  bool operator==(const Frame&) const = default;
};

struct GraphClass {
  std::string name;
  std::string site;
  std::string function;
  uint64_t instances = 0;
  // Readers of this class wait behind a queued writer: orders between its
  // shared acquisitions count (absent in older files: false).
  bool writer_preferring = false;

  bool operator==(const GraphClass&) const = default;
};

struct GraphThread {
  int tid = 0;
  std::string name;

  bool operator==(const GraphThread&) const = default;
};

struct GraphEdge {
  std::string from;
  std::string to;
  std::vector<std::string> modes;  // "exclusive->shared", ...
  uint64_t instance_edges = 0;
  bool same_class = false;  // from == to
  bool ranked = false;      // same-class nesting that followed declared ranks
  GraphThread thread;
  std::vector<Frame> stack;

  bool operator==(const GraphEdge&) const = default;
};

struct GraphReport {
  std::string kind;  // "lock-order-inversion", ...; kinds this build does not know are kept
  std::vector<std::string> locks;
  uint64_t count = 0;

  bool operator==(const GraphReport&) const = default;
};

struct ClassProfile {
  std::string name;
  std::string site;
  uint64_t acquisitions = 0, contended = 0, wait_total_ns = 0, wait_max_ns = 0;
  uint64_t holds = 0, hold_total_ns = 0, hold_max_ns = 0, long_waits = 0, long_holds = 0;
  std::vector<uint64_t> wait_histogram;  // bucket i: [2^i, 2^(i+1)) ns
  std::vector<uint64_t> hold_histogram;

  bool operator==(const ClassProfile&) const = default;
};

struct GraphStats {
  uint64_t live_nodes = 0, live_edges = 0, stacks = 0, slow_path_calls = 0, dropped_edges = 0;
  uint64_t memory_bytes = 0;

  bool operator==(const GraphStats&) const = default;
};

struct GraphFile {
  std::string path;    // where it was read from (not part of the file)
  std::string format;  // "lockgraph-graph"; "" in files written before the key existed
  int version = 0;
  int pid = 0;
  std::string program;
  std::vector<GraphClass> classes;
  std::vector<GraphEdge> edges;
  std::vector<std::vector<std::string>> cycles;
  std::vector<GraphReport> reports;
  std::vector<ClassProfile> profile;  // empty in files written before the profile existed
  GraphStats stats;
};

// Loads `path`. On failure returns false with `*error` naming the file, where
// in it the problem is and what was expected (unreadable, empty, not JSON,
// truncated, another format or version, a missing or mistyped key). Every
// message about the file's content ends with "; see SCHEMA" for the format:
// `schema` is where the schema is (the CLI passes the installed copy); empty
// for its place in the sources, docs/graph-file.schema.json.
bool LoadGraphFile(const std::string& path, GraphFile* out, std::string* error,
                   std::string_view schema = {});

}  // namespace lockgraph::graphs

#endif  // LOCKGRAPH_ANALYZER_SRC_GRAPHS_GRAPH_FILE_H_
