#include "internal/profile.h"

#include <new>

namespace lockgraph::internal {

namespace {
void StoreMax(std::atomic<uint64_t>& max, uint64_t v) {
  uint64_t cur = max.load(std::memory_order_relaxed);
  while (v > cur && !max.compare_exchange_weak(cur, v, std::memory_order_relaxed)) {
  }
}
// Everything past the last chunk shares one set of counters.
ClassCounters g_overflow;
}  // namespace

int Profile::Bucket(uint64_t ns) {
  if (ns == 0) return 0;
  const int b = 63 - __builtin_clzll(ns);
  return b < kHistogramBuckets ? b : kHistogramBuckets - 1;
}

ClassCounters& Profile::For(uint32_t cls) {
  const uint32_t chunk = cls / kChunk;
  if (chunk >= kMaxChunks) return g_overflow;
  ClassCounters* c = chunks_[chunk].load(std::memory_order_acquire);
  if (c == nullptr) {
    RawLockGuard guard(grow_mu_);
    c = chunks_[chunk].load(std::memory_order_acquire);
    if (c == nullptr) {
      c = new ClassCounters[kChunk];
      chunks_[chunk].store(c, std::memory_order_release);
    }
  }
  return c[cls % kChunk];
}

const ClassCounters* Profile::Find(uint32_t cls) const {
  const uint32_t chunk = cls / kChunk;
  if (chunk >= kMaxChunks) return &g_overflow;
  const ClassCounters* c = chunks_[chunk].load(std::memory_order_acquire);
  return c == nullptr ? nullptr : &c[cls % kChunk];
}

void DurationCounters::Record(uint64_t ns) {
  count.fetch_add(1, std::memory_order_relaxed);
  total_ns.fetch_add(ns, std::memory_order_relaxed);
  StoreMax(max_ns, ns);
  histogram[Profile::Bucket(ns)].fetch_add(1, std::memory_order_relaxed);
}

std::vector<uint64_t> DurationCounters::Histogram() const {
  std::vector<uint64_t> out;
  for (const auto& bucket : histogram) out.push_back(bucket.load(std::memory_order_relaxed));
  while (!out.empty() && out.back() == 0) out.pop_back();
  return out;
}

}  // namespace lockgraph::internal
