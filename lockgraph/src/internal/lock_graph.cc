#include "internal/lock_graph.h"

#include <algorithm>
#include <deque>

namespace lockgraph::internal {

NodeId LockGraph::AddNode(const NodeInfo& info) {
  uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = static_cast<uint32_t>(nodes_.size());
    nodes_.emplace_back();
  }
  Node& n = nodes_[slot];
  ++n.generation;
  if (n.generation == 0) n.generation = 1;  // wrapped: ids must never be 0
  n.live = true;
  n.info = info;
  n.ord = next_ord_++;
  ++live_nodes_;
  return IdOf(slot);
}

bool LockGraph::Live(NodeId id) const {
  const uint32_t slot = SlotOf(id);
  return slot < nodes_.size() && nodes_[slot].live && IdOf(slot) == id;
}

const NodeInfo* LockGraph::Find(NodeId id) const {
  return Live(id) ? &nodes_[SlotOf(id)].info : nullptr;
}

void LockGraph::EraseValue(std::vector<uint32_t>& v, uint32_t value) {
  auto it = std::find(v.begin(), v.end(), value);
  if (it != v.end()) {
    *it = v.back();
    v.pop_back();
  }
}

void LockGraph::RemoveNode(NodeId id) {
  if (!Live(id)) return;
  const uint32_t slot = SlotOf(id);
  Node& n = nodes_[slot];
  for (uint32_t to : n.out) {
    edges_.erase(EdgeKey(slot, to));
    EraseValue(nodes_[to].in, slot);
  }
  for (uint32_t from : n.in) {
    edges_.erase(EdgeKey(from, slot));
    EraseValue(nodes_[from].out, slot);
  }
  for (uint32_t to : n.extra_out) {
    edges_.erase(EdgeKey(slot, to));
    EraseValue(nodes_[to].extra_in, slot);
    --extra_edges_;
  }
  for (uint32_t from : n.extra_in) {
    // A self-edge is in both lists of the same node; count it once.
    if (from == slot) continue;
    edges_.erase(EdgeKey(from, slot));
    EraseValue(nodes_[from].extra_out, slot);
    --extra_edges_;
  }
  for (auto* v : {&n.out, &n.in, &n.extra_out, &n.extra_in}) {
    v->clear();
    v->shrink_to_fit();
  }
  n.live = false;
  --live_nodes_;
  free_slots_.push_back(slot);
}

bool LockGraph::HasEdge(NodeId from, NodeId to, uint8_t combo) const {
  if (!Live(from) || !Live(to)) return false;
  auto it = edges_.find(EdgeKey(SlotOf(from), SlotOf(to)));
  return it != edges_.end() && (it->second.combos & (1u << combo));
}

LockGraph::AddResult LockGraph::AddEdge(NodeId from_id, NodeId to_id, uint8_t combo, uint32_t stack,
                                        uint32_t thread, NodeId gate) {
  AddResult result;
  if (!Live(from_id) || !Live(to_id)) {
    result.kept = false;
    return result;
  }
  const uint32_t from = SlotOf(from_id), to = SlotOf(to_id);
  auto it = edges_.find(EdgeKey(from, to));
  if (it != edges_.end()) {
    Edge& e = it->second;
    if (e.combos & (1u << combo)) return result;  // known
    result.is_new = true;
    e.combos |= static_cast<uint8_t>(1u << combo);
    e.stack[combo] = stack;
    e.thread[combo] = thread;
    if (e.gate() != gate) e.set_gate(0);
    // The edge's place in the graph is unchanged; a new mode combination can
    // still turn an existing harmless (shared-shared) cycle into a deadlock.
    if (!e.ordered || extra_edges_ > 0) FindDeadlockCycle(from, to, combo, &result.cycle);
    return result;
  }

  result.is_new = true;
  if (edges_.size() >= max_edges_) {
    // Full: check the edge against what is known, but do not keep it.
    result.kept = false;
    FindDeadlockCycle(from, to, combo, &result.cycle);
    return result;
  }
  Edge e;
  e.combos = static_cast<uint8_t>(1u << combo);
  e.stack[combo] = stack;
  e.thread[combo] = thread;
  e.set_gate(gate);
  const bool ordered = from != to && InsertOrdered(from, to);
  e.ordered = ordered;
  edges_.emplace(EdgeKey(from, to), e);
  if (ordered) {
    nodes_[from].out.push_back(to);
    nodes_[to].in.push_back(from);
    if (extra_edges_ > 0) FindDeadlockCycle(from, to, combo, &result.cycle);
  } else {
    nodes_[from].extra_out.push_back(to);
    nodes_[to].extra_in.push_back(from);
    ++extra_edges_;
    FindDeadlockCycle(from, to, combo, &result.cycle);
  }
  return result;
}

bool LockGraph::InsertOrdered(uint32_t from, uint32_t to) {
  const int64_t lower = nodes_[to].ord, upper = nodes_[from].ord;
  if (upper < lower) return true;  // already consistent with the order

  // Forward search from `to` over nodes ordered at most `upper`.
  const uint32_t epoch = ++epoch_;
  forward_.clear();
  stack_.clear();
  stack_.push_back(to);
  nodes_[to].visit = epoch;
  while (!stack_.empty()) {
    const uint32_t n = stack_.back();
    stack_.pop_back();
    forward_.push_back(n);
    for (uint32_t w : nodes_[n].out) {
      if (w == from) return false;  // cycle
      Node& nw = nodes_[w];
      if (nw.visit != epoch && nw.ord < upper) {
        nw.visit = epoch;
        stack_.push_back(w);
      }
    }
  }
  // Backward search from `from` over nodes ordered above `lower`.
  backward_.clear();
  stack_.push_back(from);
  nodes_[from].visit = epoch;
  while (!stack_.empty()) {
    const uint32_t n = stack_.back();
    stack_.pop_back();
    backward_.push_back(n);
    for (uint32_t w : nodes_[n].in) {
      Node& nw = nodes_[w];
      if (nw.visit != epoch && nw.ord > lower) {
        nw.visit = epoch;
        stack_.push_back(w);
      }
    }
  }
  // Reorder: everything that reaches `from` goes before everything `to` reaches,
  // reusing the same set of order values.
  auto by_ord = [this](uint32_t a, uint32_t b) { return nodes_[a].ord < nodes_[b].ord; };
  std::sort(forward_.begin(), forward_.end(), by_ord);
  std::sort(backward_.begin(), backward_.end(), by_ord);
  ords_.clear();
  for (uint32_t n : backward_) ords_.push_back(nodes_[n].ord);
  for (uint32_t n : forward_) ords_.push_back(nodes_[n].ord);
  std::sort(ords_.begin(), ords_.end());
  size_t i = 0;
  for (uint32_t n : backward_) nodes_[n].ord = ords_[i++];
  for (uint32_t n : forward_) nodes_[n].ord = ords_[i++];
  return true;
}

bool LockGraph::FindDeadlockCycle(uint32_t from, uint32_t to, uint8_t combo,
                                  std::vector<CycleStep>* cycle) {
  // Breadth-first over (lock, mode it was acquired in), starting at `to` as
  // acquired by the new edge, looking for `from` reached in a mode that
  // conflicts with how the new edge holds it. BFS finds a shortest cycle.
  const uint8_t from_held = static_cast<uint8_t>(HeldOf(combo));
  const uint32_t epoch = ++epoch_;
  std::deque<std::pair<uint32_t, uint8_t>> queue;
  const uint8_t start_mode = static_cast<uint8_t>(TakenOf(combo));
  nodes_[to].seen[start_mode] = epoch;
  queue.emplace_back(to, start_mode);
  uint32_t goal_slot = UINT32_MAX;
  uint8_t goal_mode = 0;
  while (!queue.empty() && goal_slot == UINT32_MAX) {
    // Plain variables, not a structured binding: the lambda below captures
    // them, which clang accepts for bindings only from version 16.
    const auto n = queue.front().first;
    const auto arrived = queue.front().second;
    queue.pop_front();
    if (n == from && ConflictsAt(n, arrived, from_held)) {
      goal_slot = n;
      goal_mode = arrived;
      break;
    }
    auto visit = [&](const std::vector<uint32_t>& outs) {
      for (uint32_t w : outs) {
        if (n == from && w == to) continue;  // the new edge itself starts the cycle
        const Edge& e = edges_.at(EdgeKey(n, w));
        for (uint8_t c = 0; c < 4; ++c) {
          if (!(e.combos & (1u << c)) ||
              !ConflictsAt(n, arrived, static_cast<uint8_t>(HeldOf(c)))) {
            continue;
          }
          const uint8_t m = static_cast<uint8_t>(TakenOf(c));
          Node& nw = nodes_[w];
          if (nw.seen[m] == epoch) continue;
          nw.seen[m] = epoch;
          nw.parent[m] = n;
          nw.parent_mode[m] = arrived;
          nw.parent_combo[m] = c;
          queue.emplace_back(w, m);
        }
      }
    };
    visit(nodes_[n].out);
    visit(nodes_[n].extra_out);
  }
  if (goal_slot == UINT32_MAX) return false;

  // Walk parents back from the goal to `to`, then put the new edge first.
  std::vector<CycleStep> path;
  uint32_t n = goal_slot;
  uint8_t m = goal_mode;
  while (!(n == to && m == start_mode)) {
    const Node& nn = nodes_[n];
    const uint32_t p = nn.parent[m];
    const uint8_t c = nn.parent_combo[m];
    const Edge& e = edges_.at(EdgeKey(p, n));
    path.push_back(CycleStep{IdOf(p), IdOf(n), c, e.stack[c], e.thread[c], e.gate()});
    m = nn.parent_mode[m];
    n = p;
  }
  std::reverse(path.begin(), path.end());
  const Edge& ne = edges_.contains(EdgeKey(from, to)) ? edges_.at(EdgeKey(from, to)) : Edge{};
  cycle->clear();
  cycle->push_back(
      CycleStep{IdOf(from), IdOf(to), combo, ne.stack[combo], ne.thread[combo], ne.gate()});
  cycle->insert(cycle->end(), path.begin(), path.end());
  return true;
}

size_t LockGraph::memory_bytes() const {
  size_t bytes = nodes_.capacity() * sizeof(Node) + free_slots_.capacity() * sizeof(uint32_t);
  bytes += edges_.capacity() * (sizeof(uint64_t) + sizeof(Edge) + 1);
  for (const Node& n : nodes_) {
    bytes += (n.out.capacity() + n.in.capacity() + n.extra_out.capacity() + n.extra_in.capacity()) *
             sizeof(uint32_t);
  }
  return bytes;
}

}  // namespace lockgraph::internal
