// The instance-level lock-order graph with incremental cycle detection.
//
// Nodes are lock instances with versioned ids (slot + generation), so a lock
// destroyed and re-created at the same address is a new node and its old edges
// are gone. Edges carry which (held mode, acquired mode) combinations were
// seen, each with the stack and thread of its first occurrence.
//
// Cycle detection keeps a topological order of the acyclic part of the graph
// (Pearce & Kelly, "A dynamic topological sort algorithm for directed acyclic
// graphs", 2006): an edge that agrees with the order costs O(1); otherwise only
// the region between the two nodes is searched and reordered. An edge that
// closes a cycle is kept outside the ordered part, and the cycle is then
// checked with the read/write rule: two shared acquisitions never block each
// other, so a cycle counts only if at every lock the waiter and the holder
// conflict (not both shared). While such extra edges exist, every new edge is
// also checked by a search over all edges, so later cycles through them are
// found too.
//
// Not thread-safe: the detector calls it under its global lock.
#ifndef LOCKGRAPH_SRC_INTERNAL_LOCK_GRAPH_H_
#define LOCKGRAPH_SRC_INTERNAL_LOCK_GRAPH_H_

#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "lockgraph/internal/lock_state.h"

namespace lockgraph::internal {

using NodeId = uint64_t;  // generation << 32 | slot; never 0

// (held mode, acquired mode) packed in two bits: held * 2 + acquired.
inline uint8_t ComboOf(AccessMode held, AccessMode taken) {
  return static_cast<uint8_t>(static_cast<unsigned>(held) * 2 + static_cast<unsigned>(taken));
}
inline AccessMode HeldOf(uint8_t combo) { return static_cast<AccessMode>(combo >> 1); }
inline AccessMode TakenOf(uint8_t combo) { return static_cast<AccessMode>(combo & 1); }

struct NodeInfo {
  uint32_t cls = 0;
  int32_t rank = 0;
  bool ranked = false;
  bool writer_preferring = false;  // readers wait behind a queued writer
  const char* file = "";
  const char* function = "";
  uint32_t line = 0;
};

struct CycleStep {
  NodeId from;
  NodeId to;
  uint8_t combo;
  uint32_t stack;   // stack depot id of the edge's first occurrence (this combo)
  uint32_t thread;  // thread tag of that occurrence
  NodeId gate = 0;  // the lock held around every recorded occurrence (AddEdge), or 0
};

class LockGraph {
 public:
  LockGraph() = default;
  LockGraph(const LockGraph&) = delete;
  LockGraph& operator=(const LockGraph&) = delete;

  NodeId AddNode(const NodeInfo& info);
  void RemoveNode(NodeId id);
  // nullptr when `id` is not a live node.
  const NodeInfo* Find(NodeId id) const;

  bool HasEdge(NodeId from, NodeId to, uint8_t combo) const;

  // prefer_writers=1: every lock's readers wait behind a queued writer, as
  // for a node whose NodeInfo says writer_preferring. Applies to edges added
  // from now on.
  void set_prefer_writers(bool on) { prefer_writers_ = on; }

  struct AddResult {
    bool is_new = false;           // this (edge, combo) was not known
    bool kept = true;              // false when max_edges was reached
    std::vector<CycleStep> cycle;  // non-empty: the new edge closed a deadlock cycle;
                                   // cycle[0] is the new edge, then back to its source
  };
  // Adds from -> to with `combo`, remembering `stack` and `thread` if new.
  // `gate`: another lock the thread held exclusively while it took `to`
  // (0: none). An edge keeps it while every mode combination recorded on it
  // came with the same one.
  AddResult AddEdge(NodeId from, NodeId to, uint8_t combo, uint32_t stack, uint32_t thread,
                    NodeId gate = 0);

  void set_max_edges(size_t n) { max_edges_ = n; }
  size_t live_nodes() const { return live_nodes_; }
  size_t live_edges() const { return edges_.size(); }
  size_t memory_bytes() const;

 private:
  struct Edge {
    uint8_t combos = 0;
    bool ordered = false;  // part of the topologically ordered (acyclic) subgraph
    uint32_t stack[4] = {};
    uint32_t thread[4] = {};
    // AddEdge's gate, as slot and generation (a NodeId split in two keeps the
    // edge 4-byte aligned); 0 when none.
    uint32_t gate_slot = 0, gate_generation = 0;
    NodeId gate() const { return uint64_t{gate_generation} << 32 | gate_slot; }
    void set_gate(NodeId id) {
      gate_slot = static_cast<uint32_t>(id);
      gate_generation = static_cast<uint32_t>(id >> 32);
    }
  };
  struct Node {
    uint32_t generation = 0;
    bool live = false;
    NodeInfo info;
    int64_t ord = 0;
    std::vector<uint32_t> out;        // ordered edges
    std::vector<uint32_t> in;         // ordered edges
    std::vector<uint32_t> extra_out;  // cycle-closing edges
    std::vector<uint32_t> extra_in;
    uint32_t visit = 0;  // epoch stamps for searches
    uint32_t seen[2] = {0, 0};
    uint32_t parent[2] = {0, 0};  // BFS: previous slot, mode, combo
    uint8_t parent_mode[2] = {0, 0};
    uint8_t parent_combo[2] = {0, 0};
  };

  static uint64_t EdgeKey(uint32_t from, uint32_t to) { return uint64_t{from} << 32 | to; }
  static uint32_t SlotOf(NodeId id) { return static_cast<uint32_t>(id); }
  NodeId IdOf(uint32_t slot) const { return uint64_t{nodes_[slot].generation} << 32 | slot; }
  bool Live(NodeId id) const;

  // Pearce-Kelly: tries to put from -> to into the ordered subgraph. Returns
  // false (and changes nothing) if that would close a cycle.
  bool InsertOrdered(uint32_t from, uint32_t to);
  // Read/write-aware search for a path to -> ... -> from that, with the edge
  // from -> to taken with `combo`, forms a deadlock cycle.
  bool FindDeadlockCycle(uint32_t from, uint32_t to, uint8_t combo, std::vector<CycleStep>* cycle);
  static void EraseValue(std::vector<uint32_t>& v, uint32_t value);
  // At lock `slot`, reached by an edge that acquired it in `arrived` mode and
  // left by an edge on which it was held in `held` mode: does the waiter block
  // on the holder? Two shared acquisitions do not, unless readers of this
  // lock wait behind a queued writer (then a third thread's waiting writer
  // closes the cycle).
  bool ConflictsAt(uint32_t slot, uint8_t arrived, uint8_t held) const {
    constexpr uint8_t kShared = static_cast<uint8_t>(AccessMode::kShared);
    return !(arrived == kShared && held == kShared) || prefer_writers_ ||
           nodes_[slot].info.writer_preferring;
  }

  std::vector<Node> nodes_;
  std::vector<uint32_t> free_slots_;
  absl::flat_hash_map<uint64_t, Edge> edges_;
  int64_t next_ord_ = 0;
  uint32_t epoch_ = 0;
  size_t live_nodes_ = 0;
  size_t extra_edges_ = 0;  // edges outside the ordered subgraph
  size_t max_edges_ = size_t{1} << 22;
  bool prefer_writers_ = false;
  // Scratch buffers reused across insertions.
  std::vector<uint32_t> forward_, backward_, stack_;
  std::vector<int64_t> ords_;
};

}  // namespace lockgraph::internal

#endif  // LOCKGRAPH_SRC_INTERNAL_LOCK_GRAPH_H_
