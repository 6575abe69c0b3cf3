// The process's lock-order graph as plain values: what the graph file
// (docs/graph-file.schema.json) holds, field for field, plus the raw program
// counters its stacks come from.
//
// It is made in three steps, so that the detector's lock is held only for
// copying: Detector::SnapshotGraph copies it out under the lock (stacks as
// pcs), SymbolizeGraph resolves the pcs into frames, and FormatGraphJson
// (graph_format.h) writes the file. Fields are named after the file's keys;
// the analyzer's reader (analyzer/src/graphs/graph_file.h) mirrors them.
// Where the file repeats itself (a class's name on every edge, one stack on
// many edges), the snapshot has one copy and an index to it.
#ifndef LOCKGRAPH_SRC_INTERNAL_GRAPH_SNAPSHOT_H_
#define LOCKGRAPH_SRC_INTERNAL_GRAPH_SNAPSHOT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "lockgraph/options.h"
#include "lockgraph/report.h"

namespace lockgraph::internal {

struct GraphSnapshot {
  // A lock class; also the detector's own class table entry.
  struct Class {
    std::string name;  // the given name, or "file:line" of construction
    std::string site;  // "file:line" of the class's first lock
    std::string function;
    uint64_t instances = 0;
    bool writer_preferring = false;  // readers wait behind a queued writer
  };
  struct Thread {
    int tid = 0;
    std::string name;
  };
  // A stack as captured, and symbolized (SymbolizeGraph): the frames the
  // file writes, lockgraph's own and the standard lock helpers trimmed.
  struct Stack {
    std::vector<uintptr_t> pcs;
    std::vector<StackFrame> frames;
  };
  struct Edge {
    uint32_t from = 0;  // index into `classes`
    uint32_t to = 0;
    uint8_t modes = 0;  // bit c set: kEdgeModeNames[c] (graph_file_spec.h) was seen
    uint64_t instance_edges = 0;
    bool ranked = false;  // only meaningful (and written) when from == to
    Thread thread;
    uint32_t stack = 0;  // index into `stacks`: where `to` was first taken under `from`
  };
  struct Report {
    ReportKind kind = ReportKind::kLockOrderInversion;
    std::vector<uint32_t> locks;  // indexes into `classes`
    uint64_t count = 0;
  };

  int pid = 0;
  std::string program;
  std::vector<Class> classes;
  std::vector<Edge> edges;                    // sorted by (from name, to name)
  std::vector<Stack> stacks;                  // each distinct stack of `edges` once
  std::vector<std::vector<uint32_t>> cycles;  // the inversions among `reports`, as classes
  std::vector<Report> reports;
  std::vector<LockProfile> profile;
  Stats stats;  // the file carries six of these counters (not classes, class_edges, reports)
  // The symbolize option when the snapshot was taken: whether SymbolizeGraph
  // resolves function and file:line or keeps bare pcs.
  bool symbolize = true;
};

// Fills each stack's `frames` from its `pcs`. Call without the detector's lock.
void SymbolizeGraph(GraphSnapshot* graph);

}  // namespace lockgraph::internal

#endif  // LOCKGRAPH_SRC_INTERNAL_GRAPH_SNAPSHOT_H_
