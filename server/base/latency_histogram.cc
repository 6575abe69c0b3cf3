// server/base/latency_histogram.cc
// -----------------------------------------------------------------------------
// Reading latency histograms: percentiles and cumulative counts.
#include "base/latency_histogram.h"

#include <algorithm>
#include <cmath>

namespace cacheforge {

uint64_t LatencyHistogram::Snapshot::ValueAtPercentile(double percentile) const {
  if (total == 0) return 0;
  percentile = std::clamp(percentile, 0.0, 100.0);
  // HdrHistogram's rounding: the rank of the value, at least the first.
  auto rank = static_cast<uint64_t>(std::llround(percentile / 100.0 * static_cast<double>(total)));
  rank = std::clamp<uint64_t>(rank, 1, total);
  uint64_t seen = 0;
  for (size_t i = 0; i < kBuckets; ++i) {
    seen += counts[i];
    if (seen >= rank) return BucketHigh(i);
  }
  return BucketHigh(kBuckets - 1);
}

uint64_t LatencyHistogram::Snapshot::CountAtMost(uint64_t ns) const {
  uint64_t seen = 0;
  for (size_t i = 0; i < kBuckets && BucketHigh(i) <= ns; ++i) seen += counts[i];
  return seen;
}

}  // namespace cacheforge
