// server/commands/maxmemory.h
// -----------------------------------------------------------------------------
// Enforcing maxmemory: the dispatcher asks MakeRoomForWrite() before every
// command flagged denyoom, and the event loops' cron and CONFIG SET call
// PerformEvictions() to bring memory back under a limit that was lowered or
// overrun. Both evict per maxmemory-policy (store/eviction.h), count
// evicted_keys in the calling thread's stats, and take one shard lock at a
// time: call them with no lock held.
#ifndef CACHEFORGE_COMMANDS_MAXMEMORY_H_
#define CACHEFORGE_COMMANDS_MAXMEMORY_H_

#include <cstdint>

#include "base/server.h"
#include "base/stats.h"
#include "commands/command.h"
#include "store/access.h"

namespace cacheforge {

// Whether a command that may grow memory may run now. True when maxmemory is
// 0 or not exceeded, or after eviction freed enough (or ran out of its time
// slice and the cron goes on with it, as in Redis). False — the caller answers
// the OOM error — under noeviction, or when nothing is left that the policy
// may evict.
bool MakeRoomForWrite(CommandContext& ctx);

enum class MemoryState { kUnderLimit, kEvicting, kOutOfMemory };

// Evicts for at most `budget_us` (0: until done) while used memory is over
// maxmemory. kEvicting: still over the limit, eviction continues next time.
MemoryState PerformEvictions(Server& server, ThreadStats& stats, int64_t now_ms, int64_t budget_us);

// How key lookups record accesses under the current settings.
AccessTracking CurrentAccessTracking(const Config& config);

}  // namespace cacheforge

#endif  // CACHEFORGE_COMMANDS_MAXMEMORY_H_
