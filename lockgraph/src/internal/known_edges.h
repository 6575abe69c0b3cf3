// A lock-free, insert-only set of edge fingerprints: the shared second-level
// cache behind each thread's chain cache. A thread that meets a lock chain it
// has not seen asks this set whether each edge is known before it takes the
// detector's global lock, so a known edge discovered by another thread costs a
// few atomic loads instead of a global lock.
//
// Entries are not removed one by one: edges of retired lock instances stay as
// stale fingerprints that can never match again (instance ids are versioned).
// When the table is nearly full it is cleared and refills with the edges still
// in use; nothing is lost, a few acquisitions take the slow path again.
#ifndef LOCKGRAPH_SRC_INTERNAL_KNOWN_EDGES_H_
#define LOCKGRAPH_SRC_INTERNAL_KNOWN_EDGES_H_

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "lockgraph/internal/lock_state.h"

namespace lockgraph::internal {

class KnownEdgeSet {
 public:
  explicit KnownEdgeSet(unsigned log2_slots);
  ~KnownEdgeSet();
  KnownEdgeSet(const KnownEdgeSet&) = delete;
  KnownEdgeSet& operator=(const KnownEdgeSet&) = delete;

  static uint64_t Fingerprint(uint64_t from, uint64_t to, AccessMode held, AccessMode taken);

  bool Contains(uint64_t fingerprint) const;
  // Best effort: returns false if the probe sequence is full. Callers
  // serialize Insert (the detector's lock); Contains may run concurrently.
  bool Insert(uint64_t fingerprint);
  uint64_t resets() const { return resets_; }

  size_t size() const { return count_.load(std::memory_order_relaxed); }
  size_t capacity() const { return mask_ + 1; }

 private:
  static constexpr int kMaxProbes = 16;
  uint64_t* slots_;  // accessed through std::atomic_ref
  size_t mask_;
  std::atomic<size_t> count_{0};
  uint64_t resets_ = 0;
};

}  // namespace lockgraph::internal

#endif  // LOCKGRAPH_SRC_INTERNAL_KNOWN_EDGES_H_
