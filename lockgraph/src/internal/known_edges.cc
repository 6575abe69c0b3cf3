#include "internal/known_edges.h"

#include <atomic>
#include <cstdlib>

namespace lockgraph::internal {

KnownEdgeSet::KnownEdgeSet(unsigned log2_slots) : mask_((size_t{1} << log2_slots) - 1) {
  // calloc of a large block maps zero pages lazily: memory is only touched as
  // the set fills.
  slots_ = static_cast<uint64_t*>(std::calloc(mask_ + 1, sizeof(uint64_t)));
  if (slots_ == nullptr) mask_ = 0;
}

KnownEdgeSet::~KnownEdgeSet() { std::free(slots_); }

uint64_t KnownEdgeSet::Fingerprint(uint64_t from, uint64_t to, AccessMode held, AccessMode taken) {
  uint64_t h = from * 0x9E3779B97F4A7C15ull;
  h ^= (to + 0x632BE59BD9B4E019ull + (h << 6) + (h >> 2));
  h += (static_cast<uint64_t>(held) << 1 | static_cast<uint64_t>(taken)) * 0xD6E8FEB86659FD93ull;
  h ^= h >> 31;
  h *= 0xBF58476D1CE4E5B9ull;
  h ^= h >> 29;
  return h | 1;  // 0 marks an empty slot
}

bool KnownEdgeSet::Contains(uint64_t fingerprint) const {
  if (slots_ == nullptr) return false;
  for (int i = 0; i < kMaxProbes; ++i) {
    const uint64_t v = std::atomic_ref<uint64_t>(slots_[(fingerprint + i) & mask_])
                           .load(std::memory_order_acquire);
    if (v == fingerprint) return true;
    if (v == 0) return false;
  }
  return false;
}

bool KnownEdgeSet::Insert(uint64_t fingerprint) {
  if (slots_ == nullptr) return false;
  // Keep the load factor under 3/4 so probe sequences stay short. Once full
  // (mostly with fingerprints of retired locks) start over: a reader racing
  // with the reset only sees a miss, which is always safe, and live edges come
  // back the next time the graph confirms them.
  if (count_.load(std::memory_order_relaxed) >= (mask_ + 1) / 4 * 3) {
    for (size_t i = 0; i <= mask_; ++i) {
      std::atomic_ref<uint64_t>(slots_[i]).store(0, std::memory_order_relaxed);
    }
    count_.store(0, std::memory_order_relaxed);
    ++resets_;
  }
  for (int i = 0; i < kMaxProbes; ++i) {
    std::atomic_ref<uint64_t> slot(slots_[(fingerprint + i) & mask_]);
    uint64_t v = slot.load(std::memory_order_acquire);
    if (v == fingerprint) return true;
    if (v == 0) {
      if (slot.compare_exchange_strong(v, fingerprint, std::memory_order_acq_rel)) {
        count_.fetch_add(1, std::memory_order_relaxed);
        return true;
      }
      if (v == fingerprint) return true;
    }
  }
  return false;
}

}  // namespace lockgraph::internal
