// Johnson's search as an explicit state machine: Next() runs until the path
// closes a cycle, returns it, and picks up from the same frame on the next
// call. The components still to search wait in a queue ordered by their
// smallest node; once a start is done it is removed from its component and
// what remains is split again (Tarjan), so every start searches only the
// nodes that can lie on a cycle through it, and each component is split in
// time linear in its size rather than the graph's.
#include "graphs/elementary_cycles.h"

#include <algorithm>

namespace lockgraph::graphs {

ElementaryCycleFinder::ElementaryCycleFinder(const std::vector<std::vector<int>>& successors,
                                             uint64_t max_steps)
    : successors_(successors), max_steps_(max_steps) {
  const size_t n = successors_.size();
  for (std::vector<int>& succ : successors_) {
    // Sorted successors make the depth-first order the sorted order of cycles.
    std::sort(succ.begin(), succ.end());
    succ.erase(std::unique(succ.begin(), succ.end()), succ.end());
  }
  member_.assign(n, 0);
  blocked_.assign(n, 0);
  blocked_by_.resize(n);
  index_.assign(n, -1);
  low_.assign(n, 0);
  on_stack_.assign(n, 0);
  std::vector<int> all(n);
  for (size_t v = 0; v < n; ++v) all[v] = static_cast<int>(v);
  QueueComponents(all);
}

bool ElementaryCycleFinder::Spend(uint64_t steps) {
  steps_ += steps;
  if (steps_ > max_steps_) out_of_steps_ = true;
  return !out_of_steps_;
}

void ElementaryCycleFinder::QueueComponents(std::span<const int> nodes) {
  ++stamp_;
  for (int v : nodes) {
    member_[v] = stamp_;
    index_[v] = -1;
  }
  uint64_t work = nodes.size();
  struct Frame {
    int node;
    size_t next;
  };
  std::vector<Frame> call;
  std::vector<int> stack;
  int counter = 0;
  for (int root : nodes) {
    if (index_[root] >= 0) continue;
    index_[root] = low_[root] = counter++;
    stack.push_back(root);
    on_stack_[root] = 1;
    call.push_back({root, 0});
    while (!call.empty()) {
      Frame& f = call.back();
      const std::vector<int>& succ = successors_[f.node];
      if (f.next < succ.size()) {
        const int w = succ[f.next++];
        ++work;
        if (member_[w] != stamp_) continue;
        if (index_[w] < 0) {
          index_[w] = low_[w] = counter++;
          stack.push_back(w);
          on_stack_[w] = 1;
          call.push_back({w, 0});
        } else if (on_stack_[w]) {
          low_[f.node] = std::min(low_[f.node], index_[w]);
        }
        continue;
      }
      const int v = f.node;
      call.pop_back();
      if (!call.empty()) low_[call.back().node] = std::min(low_[call.back().node], low_[v]);
      if (low_[v] != index_[v]) continue;
      if (stack.back() == v &&
          !std::binary_search(successors_[v].begin(), successors_[v].end(), v)) {
        stack.pop_back();  // a node on no cycle: most of a lock hierarchy
        on_stack_[v] = 0;
        continue;
      }
      std::vector<int> component;
      int w;
      do {
        w = stack.back();
        stack.pop_back();
        on_stack_[w] = 0;
        component.push_back(w);
      } while (w != v);
      std::sort(component.begin(), component.end());
      queue_.emplace(component.front(), queued_.size());
      queued_.push_back(std::move(component));
    }
  }
  Spend(work);
}

bool ElementaryCycleFinder::StartNextComponent() {
  if (queue_.empty() || out_of_steps_) return false;
  const size_t index = queue_.top().second;
  queue_.pop();
  component_ = std::move(queued_[index]);
  queued_[index] = {};
  ++stamp_;
  for (int v : component_) {
    member_[v] = stamp_;
    blocked_[v] = 0;
    blocked_by_[v].clear();
  }
  if (!Spend(component_.size())) return false;
  const int start = component_.front();
  blocked_[start] = 1;
  frames_.push_back({start, 0, false});
  searching_ = true;
  return true;
}

void ElementaryCycleFinder::Unblock(int node) {
  std::vector<int> work{node};
  while (!work.empty()) {
    const int x = work.back();
    work.pop_back();
    if (!blocked_[x]) continue;
    blocked_[x] = 0;
    Spend(1 + blocked_by_[x].size());
    work.insert(work.end(), blocked_by_[x].begin(), blocked_by_[x].end());
    blocked_by_[x].clear();
  }
}

bool ElementaryCycleFinder::Next(std::vector<int>* cycle) {
  while (!out_of_steps_) {
    if (frames_.empty()) {
      if (searching_) {
        // Every cycle through the start is out: split what is left without it.
        searching_ = false;
        QueueComponents(std::span<const int>(component_).subspan(1));
      }
      if (!StartNextComponent()) return false;
    }
    if (!Spend(1)) return false;
    Frame& f = frames_.back();
    const int start = component_.front();
    const std::vector<int>& succ = successors_[f.node];
    if (f.next < succ.size()) {
      const int w = succ[f.next++];
      if (member_[w] != stamp_) continue;
      if (w == start) {
        f.found = true;
        cycle->clear();
        for (const Frame& on_path : frames_) cycle->push_back(on_path.node);
        Spend(cycle->size());
        return true;
      }
      if (!blocked_[w]) {
        blocked_[w] = 1;
        frames_.push_back({w, 0, false});
      }
      continue;
    }
    // Every edge out of f.node is followed: if none led back to the start, it
    // stays blocked until one of its successors is unblocked.
    const int v = f.node;
    const bool found = f.found;
    if (found) {
      Unblock(v);
    } else {
      uint64_t work = succ.size();
      for (int w : succ) {
        if (member_[w] != stamp_) continue;
        std::vector<int>& b = blocked_by_[w];
        work += b.size();
        if (std::find(b.begin(), b.end(), v) == b.end()) b.push_back(v);
      }
      Spend(work);
    }
    frames_.pop_back();
    if (found && !frames_.empty()) frames_.back().found = true;
  }
  return false;
}

std::vector<std::vector<int>> FindElementaryCycles(const std::vector<std::vector<int>>& successors,
                                                   const CycleLimits& limits, bool* truncated) {
  std::vector<std::vector<int>> cycles;
  ElementaryCycleFinder finder(successors, limits.max_steps);
  std::vector<int> cycle;
  while (cycles.size() < limits.max_cycles && finder.Next(&cycle)) cycles.push_back(cycle);
  if (truncated) *truncated = cycles.size() >= limits.max_cycles || finder.out_of_steps();
  return cycles;
}

}  // namespace lockgraph::graphs
