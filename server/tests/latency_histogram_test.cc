// server/tests/latency_histogram_test.cc
// -----------------------------------------------------------------------------
// The latency histogram: buckets tile the range without gaps, each within
// 12.5% of its values, percentiles as HdrHistogram reports them, and the
// power-of-two counts /metrics exports.
#include "base/latency_histogram.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>

namespace cacheforge {
namespace {

using H = LatencyHistogram;

TEST(LatencyHistogram, BucketsTileTheRangeWithBoundedWidth) {
  EXPECT_EQ(H::BucketLow(0), 0u);
  for (size_t b = 0; b + 1 < H::kBuckets; ++b) {
    ASSERT_EQ(H::BucketHigh(b) + 1, H::BucketLow(b + 1)) << "gap or overlap after bucket " << b;
    ASSERT_EQ(H::BucketOf(H::BucketLow(b)), b);
    ASSERT_EQ(H::BucketOf(H::BucketHigh(b)), b);
    uint64_t width = H::BucketHigh(b) - H::BucketLow(b) + 1;
    ASSERT_LE(width * 8, std::max<uint64_t>(H::BucketLow(b), 8)) << "bucket " << b;
  }
  // Every power of two starts a bucket, so counts up to 2^k - 1 are exact.
  for (int k = 3; k <= H::kMaxExponent; ++k) {
    uint64_t p = uint64_t{1} << k;
    EXPECT_EQ(H::BucketLow(H::BucketOf(p)), p);
  }
  // Beyond the range, everything lands in the last bucket.
  EXPECT_EQ(H::BucketOf(uint64_t{1} << 40), H::kBuckets - 1);
  EXPECT_EQ(H::BucketOf(UINT64_MAX), H::kBuckets - 1);
}

TEST(LatencyHistogram, RandomValuesLandInTheirBucket) {
  std::mt19937_64 random(7);
  for (int i = 0; i < 100000; ++i) {
    uint64_t v = random() >> (random() % 64);
    size_t b = H::BucketOf(v);
    ASSERT_LT(b, H::kBuckets);
    if (b + 1 < H::kBuckets) {
      ASSERT_LE(H::BucketLow(b), v);
      ASSERT_LE(v, H::BucketHigh(b));
    }
  }
}

TEST(LatencyHistogram, PercentilesAsHdrHistogram) {
  H h;
  H::Snapshot empty;
  empty.Add(h);
  EXPECT_EQ(empty.total, 0u);
  EXPECT_EQ(empty.ValueAtPercentile(50), 0u);
  // 98 fast calls at 1000 ns, one at 50 us, one at 2 ms.
  for (int i = 0; i < 98; ++i) h.Record(1000);
  h.Record(50'000);
  h.Record(2'000'000);
  H::Snapshot s;
  s.Add(h);
  ASSERT_EQ(s.total, 100u);
  EXPECT_EQ(s.ValueAtPercentile(50), H::BucketHigh(H::BucketOf(1000)));
  EXPECT_EQ(s.ValueAtPercentile(98), H::BucketHigh(H::BucketOf(1000)));
  EXPECT_EQ(s.ValueAtPercentile(99), H::BucketHigh(H::BucketOf(50'000)));
  EXPECT_EQ(s.ValueAtPercentile(99.9), H::BucketHigh(H::BucketOf(2'000'000)));
  EXPECT_EQ(s.ValueAtPercentile(100), H::BucketHigh(H::BucketOf(2'000'000)));
  // Reported values are never below the true value nor above it by 12.5%.
  for (uint64_t v : {1000ull, 50'000ull, 2'000'000ull}) {
    uint64_t high = H::BucketHigh(H::BucketOf(v));
    EXPECT_GE(high, v);
    EXPECT_LE(high, v + v / 8);
  }
}

TEST(LatencyHistogram, CountAtMostPowersOfTwoAndReset) {
  H h;
  h.Record(0);
  h.Record(1023);
  h.Record(1024);
  h.Record(4095);
  h.Record(4096);
  h.Record(uint64_t{1} << 50);  // off the scale
  H::Snapshot s;
  s.Add(h);
  EXPECT_EQ(s.CountAtMost(1023), 2u);
  EXPECT_EQ(s.CountAtMost(2047), 3u);
  EXPECT_EQ(s.CountAtMost(4095), 4u);
  EXPECT_EQ(s.CountAtMost((uint64_t{1} << 35) - 1), 5u);
  EXPECT_EQ(s.total, 6u);
  // Two threads' histograms sum.
  H other;
  other.Record(1023);
  s.Add(other);
  EXPECT_EQ(s.CountAtMost(1023), 3u);
  h.Reset();
  H::Snapshot after;
  after.Add(h);
  EXPECT_EQ(after.total, 0u);
}

}  // namespace
}  // namespace cacheforge
