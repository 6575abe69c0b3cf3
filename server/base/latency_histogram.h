// server/base/latency_histogram.h
// -----------------------------------------------------------------------------
// Command durations for INFO latencystats and the /metrics histograms.
//
// Buckets are log-linear, like HdrHistogram with one significant digit of
// binary precision: values below 8 ns are exact, above that every power of
// two is split into 8 buckets, so a bucket is at most 12.5% wide. Durations
// up to 2^37 ns (about 137 s) have their own bucket; longer ones land in the
// last. Recording is one relaxed atomic add on the recording thread's own
// histogram; readers sum the threads' histograms into a Snapshot.
//
// Thread safety: Record and Reset may race with readers; a reader sees each
// bucket's count at some recent moment, which is all monitoring needs.
//
// Why not lockgraph's contention profile histogram (DurationCounters in
// lockgraph/src/internal/profile.h): INFO latencystats answers p50, p99 and
// p99.9 as Redis does, which takes HdrHistogram's one binary digit of
// precision (12.5%), not log2 buckets that are 100% wide; each histogram has
// one writer (its I/O thread), so there is no shared count, total or maximum
// to keep; calls and microseconds are counted beside it for INFO
// commandstats; and CONFIG RESETSTAT clears it. The profile is also internal
// to the library (its headers are not part of what the server may include)
// and its buckets are fixed by the graph file format.
#ifndef CACHEFORGE_BASE_LATENCY_HISTOGRAM_H_
#define CACHEFORGE_BASE_LATENCY_HISTOGRAM_H_

#include <time.h>

#include <array>
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>

namespace cacheforge {

// CLOCK_MONOTONIC in nanoseconds: durations that wall-clock steps cannot bend.
inline int64_t MonotonicNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

class LatencyHistogram {
 public:
  static constexpr int kSubBits = 3;
  static constexpr uint64_t kSub = uint64_t{1} << kSubBits;  // buckets per power of two
  static constexpr int kMaxExponent = 36;                    // the last power with buckets
  static constexpr size_t kBuckets = kSub + (kMaxExponent - kSubBits + 1) * kSub;

  // The bucket a duration of `ns` falls in.
  static constexpr size_t BucketOf(uint64_t ns) {
    if (ns < kSub) return static_cast<size_t>(ns);
    int exponent = std::bit_width(ns) - 1;
    if (exponent > kMaxExponent) return kBuckets - 1;
    uint64_t sub = (ns >> (exponent - kSubBits)) & (kSub - 1);
    return static_cast<size_t>(kSub + static_cast<uint64_t>(exponent - kSubBits) * kSub + sub);
  }
  // The smallest and largest durations (inclusive) bucket `b` stands for.
  static constexpr uint64_t BucketLow(size_t b) {
    if (b < kSub) return b;
    uint64_t exponent = (b - kSub) / kSub + kSubBits;
    uint64_t sub = (b - kSub) % kSub;
    return (kSub + sub) << (exponent - kSubBits);
  }
  static constexpr uint64_t BucketHigh(size_t b) {
    if (b < kSub) return b;
    uint64_t exponent = (b - kSub) / kSub + kSubBits;
    return BucketLow(b) + (uint64_t{1} << (exponent - kSubBits)) - 1;
  }

  void Record(uint64_t ns) { buckets_[BucketOf(ns)].fetch_add(1, std::memory_order_relaxed); }
  uint64_t Count(size_t bucket) const { return buckets_[bucket].load(std::memory_order_relaxed); }
  void Reset() {
    for (auto& b : buckets_) b.store(0, std::memory_order_relaxed);
  }

  // The sum of several histograms at one moment, for reading.
  struct Snapshot {
    std::array<uint64_t, kBuckets> counts{};
    uint64_t total = 0;

    void Add(const LatencyHistogram& h) {
      for (size_t i = 0; i < kBuckets; ++i) {
        uint64_t c = h.Count(i);
        counts[i] += c;
        total += c;
      }
    }
    // The largest duration in the bucket holding the `percentile`th value
    // (0 < percentile <= 100), as HdrHistogram reports it; 0 when empty.
    uint64_t ValueAtPercentile(double percentile) const;
    // How many recorded durations were at most `ns`, counting whole buckets
    // (exact when `ns` is a bucket's upper end, as every power of two minus
    // one is).
    uint64_t CountAtMost(uint64_t ns) const;
  };

 private:
  std::array<std::atomic<uint64_t>, kBuckets> buckets_{};
};

}  // namespace cacheforge

#endif  // CACHEFORGE_BASE_LATENCY_HISTOGRAM_H_
