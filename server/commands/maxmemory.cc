// server/commands/maxmemory.cc
// -----------------------------------------------------------------------------
// maxmemory enforcement; see maxmemory.h.
#include "commands/maxmemory.h"

#include <chrono>
#include <limits>

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
  EvictionRecorder(Server& server, ThreadStats& stats, AppendOnlyFile* aof)
      : server_(server), stats_(stats), aof_(aof) {}
  void OnEvicted(int db, std::string_view key) override {
    if (aof_ != nullptr) aof_->Append(db, {"DEL", key});
    if (server_.keyspace_events().Enabled(kNotifyEvicted)) {
      server_.keyspace_events().Notify(kNotifyEvicted, "evicted", key, db);
    }
    stats_.evicted_keys.Add();
  }
  // The limit is read again each time: CONFIG SET maxmemory 0 stops an
  // eviction round already under way.
  bool StillOverLimit() override {
    const uint64_t limit = server_.config().maxmemory();
    return limit != 0 && server_.UsedMemory() > limit;
  }

 private:
  Server& server_;
  ThreadStats& stats_;
  AppendOnlyFile* aof_;  // null: no append-only file
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
  if (server.UsedMemory() <= limit) return MemoryState::kUnderLimit;
  EvictionParams params;
  params.policy = config.maxmemory_policy();
  params.samples = config.maxmemory_samples();
  params.lfu_decay_time = config.lfu_decay_time();
  params.now_ms = now_ms;
  AppendOnlyFile* aof = server.aof() != nullptr && server.aof()->enabled() ? server.aof() : nullptr;
  EvictionRecorder recorder(server, stats, aof);
  params.listener = &recorder;
  // No byte target: the recorder ends the round as soon as memory is under the
  // limit, also when other threads' evictions or frees got it there first, and
  // keeps it going while writers on other threads add memory.
  const EvictionResult result =
      ThreadEvictor().Evict(server.databases(), params, std::numeric_limits<uint64_t>::max(),
                            std::chrono::microseconds(budget_us));
  const uint64_t limit_now = config.maxmemory();
  if (limit_now == 0 || server.UsedMemory() <= limit_now) return MemoryState::kUnderLimit;
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
