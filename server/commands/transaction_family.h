// server/commands/transaction_family.h
// -----------------------------------------------------------------------------
// MULTI, EXEC, DISCARD, WATCH and UNWATCH, with Redis's semantics: commands
// after MULTI are queued (+QUEUED); a command refused while queueing (unknown,
// wrong arity, OOM) makes EXEC answer EXECABORT; an error inside EXEC does not
// undo the commands before it; a change to a watched key made before EXEC —
// by any client, by expiry or eviction, by FLUSHALL — makes EXEC answer a
// null array and run nothing.
//
// Atomicity across shards: EXEC computes every shard its queue and its
// watched keys touch (a command that names no keys counts as touching all of
// them), takes them at once through TransactionShards, in ascending shard
// order like any multi-key command, and runs the whole queue before it
// releases them. No other client sees a state between two queued commands.
// The queued writes reach the AOF as one record group wrapped in MULTI/EXEC,
// appended while the shards are held, so a restart replays all of them or
// (a torn tail) none.
#ifndef CACHEFORGE_COMMANDS_TRANSACTION_FAMILY_H_
#define CACHEFORGE_COMMANDS_TRANSACTION_FAMILY_H_

#include "commands/command.h"
#include "store/keyspace.h"

namespace cacheforge {

Reply MultiCommand(CommandContext& ctx);
Reply ExecCommand(CommandContext& ctx);
Reply DiscardCommand(CommandContext& ctx);
Reply WatchCommand(CommandContext& ctx);
Reply UnwatchCommand(CommandContext& ctx);

// The dispatcher's half of MULTI: copies the command into the queue.
Reply QueueCommand(CommandContext& ctx, const CommandEntry& entry);

// Stops watching every key (UNWATCH, EXEC, DISCARD, and a closing
// connection). Takes each watched key's shard lock in turn; call with no
// shard lock held.
void UnwatchAll(Databases& dbs, WatchState& watch);

// Leaves MULTI, dropping the queue, and every WATCH (DISCARD, RESET).
void LeaveTransaction(Databases& dbs, ClientSession& client);

// Adds the shards a queued command may touch to `masks` (bit i of masks[d]:
// shard i of database d). `*db` is the database it runs in; a queued SELECT
// changes it for the commands after it, as it will when EXEC runs them.
void AddQueuedShards(Databases& dbs, const QueuedCommand& command, int* db,
                     std::vector<uint64_t>* masks);

}  // namespace cacheforge

#endif  // CACHEFORGE_COMMANDS_TRANSACTION_FAMILY_H_
