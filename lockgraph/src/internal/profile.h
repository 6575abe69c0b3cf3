// Contention profile per lock class: acquisitions, contended acquisitions,
// wait and hold times with log2 histograms. Counters are atomics in chunks
// that never move, so the contended path updates them without a lock.
//
// Why not the server's LatencyHistogram (server/base/latency_histogram.h):
// these counters are written by every thread that takes a lock of the class
// (one shared set per class, so count, total and maximum go with the
// buckets); there may be up to a million classes with two histograms each;
// and the log2 buckets are a published format: LockProfile's
// wait_histogram and hold_histogram (lockgraph::GetProfile()) and the graph
// file's, bucket i = [2^i, 2^(i+1)) ns. 40 log2 buckets take 320 bytes; the
// server's 280 log-linear buckets would take 2.2 KB per histogram, for
// precision that a profile ranking lock classes by order of magnitude does
// not need. And the library cannot depend on the server.
#ifndef LOCKGRAPH_SRC_INTERNAL_PROFILE_H_
#define LOCKGRAPH_SRC_INTERNAL_PROFILE_H_

#include <atomic>
#include <cstdint>
#include <vector>

#include "internal/raw_mutex.h"

namespace lockgraph::internal {

inline constexpr int kHistogramBuckets = 40;  // bucket i: [2^i, 2^(i+1)) ns; 0 also in bucket 0

// Count, total, maximum and log2 histogram of one kind of duration.
struct DurationCounters {
  std::atomic<uint64_t> count{0};
  std::atomic<uint64_t> total_ns{0};
  std::atomic<uint64_t> max_ns{0};
  std::atomic<uint64_t> histogram[kHistogramBuckets] = {};

  void Record(uint64_t ns);
  // The histogram without its trailing empty buckets.
  std::vector<uint64_t> Histogram() const;
};

struct ClassCounters {
  std::atomic<uint64_t> acquisitions{0};  // counted in timing mode only
  DurationCounters waits;                 // contended acquisitions (timing mode)
  DurationCounters holds;                 // timing mode only
  std::atomic<uint64_t> long_waits{0};
  std::atomic<uint64_t> long_holds{0};
};

class Profile {
 public:
  Profile() = default;
  Profile(const Profile&) = delete;
  Profile& operator=(const Profile&) = delete;

  // The counters of class `cls`, created on first use. Never moves.
  ClassCounters& For(uint32_t cls);
  // Counters of classes [0, n); a class without counters yet reads as zeros.
  const ClassCounters* Find(uint32_t cls) const;

  static int Bucket(uint64_t ns);

  // Held across fork() by Detector::LockForFork. Not annotated: grow_mu_ is
  // private, so the caller's annotation could not name what is acquired.
  void LockForFork() LOCKGRAPH_NO_THREAD_SAFETY_ANALYSIS { grow_mu_.lock(); }
  void UnlockAfterFork() LOCKGRAPH_NO_THREAD_SAFETY_ANALYSIS { grow_mu_.unlock(); }

 private:
  static constexpr uint32_t kChunk = 256;
  static constexpr uint32_t kMaxChunks = 4096;  // 1M classes
  std::atomic<ClassCounters*> chunks_[kMaxChunks] = {};
  RawMutex grow_mu_;
};

}  // namespace lockgraph::internal

#endif  // LOCKGRAPH_SRC_INTERNAL_PROFILE_H_
