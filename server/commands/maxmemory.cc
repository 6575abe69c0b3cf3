// server/commands/maxmemory.cc
// -----------------------------------------------------------------------------
// maxmemory enforcement; see maxmemory.h.
#include "commands/maxmemory.h"

#include <chrono>
#include <algorithm>

#include "persist/append_only_file.h"
#include "store/eviction.h"

namespace cacheforge {
namespace {

// Redis's default eviction time slice per command (maxmemory-eviction-tenacity
// 10): beyond it the command runs and the cron carries on evicting.
constexpr int64_t kCommandBudgetUs = 500;

// Each I/O thread evicts with its own pool, so threads never share one.
Evictor& ThreadEvictor() {
  thread_local Evictor evictor;
  return evictor;
}

// Each eviction is counted while its shard lock is still held, so a reader
// that sees a key gone (DBSIZE) sees it in evicted_keys too; evicted keys reach
// the append-only file as DELs, so a restart does not bring back what the
// memory limit removed.
class EvictionRecorder : public EvictionListener {
 public:
  EvictionRecorder(ThreadStats& stats, AppendOnlyFile* aof) : stats_(stats), aof_(aof) {}
  void OnEvicted(std::string_view key) override {
    if (aof_ != nullptr) aof_->Append({"DEL", key});
    stats_.evicted_keys.Add();
  }

 private:
  ThreadStats& stats_;
  AppendOnlyFile* aof_;  // null: no append-only file
};

// Several I/O threads may evict at once. Each takes what is over the limit in
// slices of at most this many bytes and looks at used memory again between
// them, so together they stop near the limit instead of each freeing the
// whole excess.
constexpr uint64_t kSliceBytes = 256 * 1024;

}  // namespace

AccessTracking CurrentAccessTracking(const Config& config) {
  AccessTracking tracking;
  tracking.lfu = IsLfuPolicy(config.maxmemory_policy());
  if (tracking.lfu) {
    tracking.lfu_log_factor = config.lfu_log_factor();
    tracking.lfu_decay_time = config.lfu_decay_time();
  }
  return tracking;
}

MemoryState PerformEvictions(Server& server, ThreadStats& stats, int64_t now_ms,
                             int64_t budget_us) {
  const Config& config = server.config();
  const uint64_t limit = config.maxmemory();
  if (limit == 0) return MemoryState::kUnderLimit;
  const uint64_t used = server.UsedMemory();
  if (used <= limit) return MemoryState::kUnderLimit;
  EvictionParams params;
  params.policy = config.maxmemory_policy();
  params.samples = config.maxmemory_samples();
  params.lfu_decay_time = config.lfu_decay_time();
  params.now_ms = now_ms;
  AppendOnlyFile* aof = server.aof() != nullptr && server.aof()->enabled() ? server.aof() : nullptr;
  EvictionRecorder recorder(stats, aof);
  params.listener = &recorder;
  const auto start = std::chrono::steady_clock::now();
  const auto budget = std::chrono::microseconds(budget_us);
  for (uint64_t now_used = used; now_used > limit; now_used = server.UsedMemory()) {
    auto left = std::chrono::microseconds(0);  // zero: no limit
    if (budget_us > 0) {
      left = budget - std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now() - start);
      if (left.count() <= 0) return MemoryState::kEvicting;
    }
    EvictionResult result = ThreadEvictor().Evict(
        server.keyspace(), params, std::min(now_used - limit, kSliceBytes), left);
    if (result.exhausted) {
      return server.UsedMemory() <= limit ? MemoryState::kUnderLimit : MemoryState::kOutOfMemory;
    }
  }
  return MemoryState::kUnderLimit;
}

bool MakeRoomForWrite(CommandContext& ctx) {
  const Config& config = ctx.server.config();
  const uint64_t limit = config.maxmemory();
  if (limit == 0 || ctx.server.UsedMemory() <= limit) return true;
  if (config.maxmemory_policy() == EvictionPolicy::kNoEviction) return false;
  return PerformEvictions(ctx.server, ctx.stats, ctx.now_ms, kCommandBudgetUs) !=
         MemoryState::kOutOfMemory;
}

}  // namespace cacheforge
