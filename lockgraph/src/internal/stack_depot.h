// Stores each distinct stack once and hands out small ids for it (the
// compiler-rt "stack depot" idea): every edge keeps only a 32-bit id, and the
// same acquisition site reached from thousands of edges costs one copy.
// Symbolization happens later, only for stacks that end up in a report or an
// exported graph.
//
// Not thread-safe: the detector calls it under its global lock. Capture() is
// the exception; it only reads the calling thread's stack.
#ifndef LOCKGRAPH_SRC_INTERNAL_STACK_DEPOT_H_
#define LOCKGRAPH_SRC_INTERNAL_STACK_DEPOT_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace lockgraph::internal {

inline constexpr int kMaxStackDepth = 64;

struct CapturedStack {
  uintptr_t pcs[kMaxStackDepth];
  int depth = 0;
};

class StackDepot {
 public:
  static constexpr uint32_t kNoStack = 0;

  // Captures the calling thread's stack, skipping `skip` innermost frames
  // besides Capture itself. Async-signal-unsafe; never allocates.
  static void Capture(int skip, int max_depth, CapturedStack* out);

  // Returns the id of `stack`, storing it if new. Returns kNoStack for an
  // empty stack or when the depot is full (`max_bytes`).
  uint32_t Put(const CapturedStack& stack);
  // The frames of `id` (program counters, innermost first); empty if unknown.
  std::vector<uintptr_t> Get(uint32_t id) const;

  void set_max_bytes(size_t n) { max_bytes_ = n; }
  size_t size() const { return offsets_.size(); }
  size_t memory_bytes() const;
  bool full() const { return full_; }

 private:
  std::vector<uintptr_t> frames_;  // all stacks back to back
  std::vector<uint32_t> offsets_;  // stack i: frames_[offsets_[i], offsets_[i+1])
  absl::flat_hash_map<uint64_t, std::vector<uint32_t>> by_hash_;
  size_t max_bytes_ = size_t{64} << 20;
  bool full_ = false;
};

}  // namespace lockgraph::internal

#endif  // LOCKGRAPH_SRC_INTERNAL_STACK_DEPOT_H_
