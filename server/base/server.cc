// server/base/server.cc
// -----------------------------------------------------------------------------
// Shared server state.
#include "base/server.h"

#include <malloc.h>
#include <time.h>

#include <algorithm>
#include <random>

namespace cacheforge {

int64_t NowMs() { return NowUs() / 1000; }

int64_t NowUs() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

Server::Server(Config* config, int loops, size_t command_count)
    : config_(config),
      databases_(static_cast<int>(config->GetInt("databases")),
                 static_cast<int>(config->GetInt("shards"))),
      clients_([this](int loop) { Wake(loop); }),
      keyspace_events_(*config, pubsub_),
      start_ms_(NowMs()) {
  databases_.SetEvents(&keyspace_events_);
  for (int i = 0; i < loops; ++i) {
    thread_stats_.push_back(std::make_unique<ThreadStats>(command_count));
  }
  std::random_device device;
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 40; ++i) run_id_.push_back(kHex[device() % 16]);
  // Once, while the heap is small: mallinfo2() walks every free list, so it
  // is never called on a running server (see util/heap_bytes.h).
  struct mallinfo2 info = mallinfo2();
  startup_memory_ = info.uordblks + info.hblkhd;
}

uint64_t Server::ClientBufferBytes() const {
  int64_t total = 0;
  for (const auto& stats : thread_stats_) {
    total += stats->client_buffer_bytes.load(std::memory_order_relaxed);
  }
  return total > 0 ? static_cast<uint64_t>(total) : 0;
}

uint64_t Server::UsedMemory() const {
  return startup_memory_ + databases_.DatasetBytes() + ClientBufferBytes();
}

uint64_t Server::UpdatePeakMemory(uint64_t used) {
  uint64_t peak = peak_memory.load(std::memory_order_relaxed);
  while (used > peak && !peak_memory.compare_exchange_weak(peak, used)) {
  }
  return std::max(peak, used);
}

namespace {
constexpr uint32_t kSave = 1, kNoSave = 2, kNow = 4, kForce = 8;
}  // namespace

void Server::RequestShutdown(ShutdownOptions options) {
  uint32_t flags = (options.save ? kSave : 0) | (options.nosave ? kNoSave : 0) |
                   (options.now ? kNow : 0) | (options.force ? kForce : 0);
  shutdown_flags_.fetch_or(flags, std::memory_order_acq_rel);
  shutdown_.store(true, std::memory_order_release);
  for (int i = 0; i < loop_count(); ++i) Wake(i);
}

ShutdownOptions Server::shutdown_options() const {
  uint32_t flags = shutdown_flags_.load(std::memory_order_acquire);
  return ShutdownOptions{.save = (flags & kSave) != 0,
                         .nosave = (flags & kNoSave) != 0,
                         .now = (flags & kNow) != 0,
                         .force = (flags & kForce) != 0};
}

}  // namespace cacheforge
