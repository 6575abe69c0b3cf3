// One lock-order graph as written by a lockgraph process (graph_out=PATH or
// lockgraph::WriteGraph): classes, edges with one example stack each, cycles,
// and the contention profile. Loading validates the format and says exactly
// what is wrong with a file that is not one.
#ifndef LOCKGRAPH_ANALYZER_SRC_GRAPHS_GRAPH_FILE_H_
#define LOCKGRAPH_ANALYZER_SRC_GRAPHS_GRAPH_FILE_H_

#include <cstdint>
#include <string>
#include <vector>

namespace lockgraph::graphs {

struct Frame {
  std::string pc;
  std::string function;
  std::string file;
  int line = 0;
};

struct GraphEdge {
  std::string from;
  std::string to;
  std::vector<std::string> modes;  // "exclusive->shared", ...
  bool same_class = false;
  bool ranked = false;  // same-class nesting that followed declared ranks
  int tid = 0;
  std::string thread_name;
  std::vector<Frame> stack;
};

struct GraphClass {
  std::string name;
  std::string site;
};

struct ClassProfile {
  std::string name;
  std::string site;
  uint64_t acquisitions = 0, contended = 0, wait_total_ns = 0, wait_max_ns = 0;
  uint64_t holds = 0, hold_total_ns = 0, hold_max_ns = 0, long_waits = 0, long_holds = 0;
};

struct GraphFile {
  std::string path;
  std::string program;
  int pid = 0;
  std::vector<GraphClass> classes;
  std::vector<GraphEdge> edges;
  std::vector<std::vector<std::string>> cycles;
  std::vector<ClassProfile> profile;
};

// The format version this build reads and writes.
inline constexpr int kGraphVersion = 1;

// Loads `path`. On failure returns false with `*error` naming the file and
// the problem (unreadable, empty, not JSON, truncated, wrong version, missing
// or mistyped keys).
bool LoadGraphFile(const std::string& path, GraphFile* out, std::string* error);

}  // namespace lockgraph::graphs

#endif  // LOCKGRAPH_ANALYZER_SRC_GRAPHS_GRAPH_FILE_H_
