#include "internal/stack_depot.h"

#define UNW_LOCAL_ONLY
#include <libunwind.h>

#include <algorithm>

namespace lockgraph::internal {

namespace {
uint64_t HashFrames(const uintptr_t* pcs, int n) {
  uint64_t h = 0xCBF29CE484222325ull;
  for (int i = 0; i < n; ++i) {
    h ^= pcs[i];
    h *= 0x100000001B3ull;
    h ^= h >> 27;
  }
  return h;
}
}  // namespace

__attribute__((noinline)) void StackDepot::Capture(int skip, int max_depth, CapturedStack* out) {
  // unw_step rather than unw_backtrace: the latter keeps a per-thread cache
  // freed by a pthread key destructor at thread exit, which ThreadSanitizer's
  // runtime crashes on; captures are rare (new lock orders only), so the
  // slower walk costs little.
  max_depth = std::clamp(max_depth, 1, kMaxStackDepth);
  out->depth = 0;
  unw_context_t context;
  unw_cursor_t cursor;
  if (unw_getcontext(&context) != 0 || unw_init_local(&cursor, &context) != 0) return;
  int to_skip = skip;  // the cursor starts in this function, which unw_step leaves first
  while (out->depth < max_depth && unw_step(&cursor) > 0) {
    if (to_skip > 0) {
      --to_skip;
      continue;
    }
    unw_word_t ip = 0;
    if (unw_get_reg(&cursor, UNW_REG_IP, &ip) != 0 || ip == 0) break;
    out->pcs[out->depth++] = static_cast<uintptr_t>(ip);
  }
}

uint32_t StackDepot::Put(const CapturedStack& stack) {
  if (stack.depth <= 0) return kNoStack;
  const uint64_t h = HashFrames(stack.pcs, stack.depth);
  auto& ids = by_hash_[h];
  for (uint32_t id : ids) {
    const uint32_t begin = offsets_[id - 1];
    const uint32_t end =
        id < offsets_.size() ? offsets_[id] : static_cast<uint32_t>(frames_.size());
    if (end - begin == static_cast<uint32_t>(stack.depth) &&
        std::equal(stack.pcs, stack.pcs + stack.depth, frames_.begin() + begin)) {
      return id;
    }
  }
  if (memory_bytes() + stack.depth * sizeof(uintptr_t) > max_bytes_) {
    full_ = true;
    if (ids.empty()) by_hash_.erase(h);
    return kNoStack;
  }
  offsets_.push_back(static_cast<uint32_t>(frames_.size()));
  frames_.insert(frames_.end(), stack.pcs, stack.pcs + stack.depth);
  const uint32_t id = static_cast<uint32_t>(offsets_.size());  // ids start at 1
  ids.push_back(id);
  return id;
}

std::vector<uintptr_t> StackDepot::Get(uint32_t id) const {
  if (id == kNoStack || id > offsets_.size()) return {};
  const uint32_t begin = offsets_[id - 1];
  const uint32_t end = id < offsets_.size() ? offsets_[id] : static_cast<uint32_t>(frames_.size());
  return std::vector<uintptr_t>(frames_.begin() + begin, frames_.begin() + end);
}

size_t StackDepot::memory_bytes() const {
  return frames_.capacity() * sizeof(uintptr_t) + offsets_.capacity() * sizeof(uint32_t) +
         by_hash_.capacity() * (sizeof(uint64_t) + sizeof(std::vector<uint32_t>) + 1) +
         by_hash_.size() * sizeof(uint32_t);
}

}  // namespace lockgraph::internal
