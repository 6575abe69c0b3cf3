// server/commands/sort_command.h
// -----------------------------------------------------------------------------
// SORT and SORT_RO, with Redis 7.0's options, replies and errors:
//
//   SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC]
//        [ALPHA] [STORE destination]
//
// A list, set or sorted set is sorted numerically (each element, or the
// value BY names, read as a double) or with ALPHA byte-wise; ties between
// equal numbers fall back to the elements' bytes, so the order is
// deterministic. BY without '*' does not sort (a list or sorted set keeps its
// order; a set is sorted ALPHA when STORE asks, as Redis does for
// determinism). GET # is the element; GET and BY patterns replace the first
// '*' with the element and may name a hash field (`weight_*->field`).
//
// Locking: the keys a pattern names are known only while sorting, so a SORT
// with a BY or GET pattern locks every shard of its database (through
// KeysLock, in rank order) and is atomic like any multi-key command; without
// one it locks only the key and the STORE destination.
#ifndef CACHEFORGE_COMMANDS_SORT_COMMAND_H_
#define CACHEFORGE_COMMANDS_SORT_COMMAND_H_

#include "commands/command.h"

namespace cacheforge {

Reply SortCommand(CommandContext& ctx);
Reply SortRoCommand(CommandContext& ctx);

}  // namespace cacheforge

#endif  // CACHEFORGE_COMMANDS_SORT_COMMAND_H_
