// server/commands/maxmemory.cc
// -----------------------------------------------------------------------------
// maxmemory enforcement; see maxmemory.h.
#include "commands/maxmemory.h"

#include <chrono>
#include <optional>

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

// Evicted keys reach the append-only file as DELs, so a restart does not bring
// back what the memory limit removed.
class AofEvictionListener : public EvictionListener {
 public:
  explicit AofEvictionListener(AppendOnlyFile& aof) : aof_(aof) {}
  void OnEvicted(std::string_view key) override { aof_.Append({"DEL", key}); }

 private:
  AppendOnlyFile& aof_;
};

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
  std::optional<AofEvictionListener> listener;
  if (server.aof() != nullptr && server.aof()->enabled()) {
    listener.emplace(*server.aof());
    params.listener = &*listener;
  }
  EvictionResult result = ThreadEvictor().Evict(server.keyspace(), params, used - limit,
                                                std::chrono::microseconds(budget_us));
  if (result.keys > 0) stats.evicted_keys.Add(result.keys);
  if (server.UsedMemory() <= limit) return MemoryState::kUnderLimit;
  return result.exhausted ? MemoryState::kOutOfMemory : MemoryState::kEvicting;
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
