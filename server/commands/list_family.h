// server/commands/list_family.h
// -----------------------------------------------------------------------------
// List commands: LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LLEN LINDEX LSET LRANGE
// LTRIM LREM LINSERT LPOS LMOVE RPOPLPUSH LMPOP.
#ifndef CACHEFORGE_COMMANDS_LIST_FAMILY_H_
#define CACHEFORGE_COMMANDS_LIST_FAMILY_H_

#include "commands/command.h"

namespace cacheforge {

Reply LPushCommand(CommandContext& ctx);
Reply RPushCommand(CommandContext& ctx);
Reply LPushXCommand(CommandContext& ctx);
Reply RPushXCommand(CommandContext& ctx);
Reply LPopCommand(CommandContext& ctx);
Reply RPopCommand(CommandContext& ctx);
Reply LLenCommand(CommandContext& ctx);
Reply LIndexCommand(CommandContext& ctx);
Reply LSetCommand(CommandContext& ctx);
Reply LRangeCommand(CommandContext& ctx);
Reply LTrimCommand(CommandContext& ctx);
Reply LRemCommand(CommandContext& ctx);
Reply LInsertCommand(CommandContext& ctx);
Reply LPosCommand(CommandContext& ctx);
Reply LMoveCommand(CommandContext& ctx);
Reply RPopLPushCommand(CommandContext& ctx);
Reply LMPopCommand(CommandContext& ctx);
// The blocking forms (commands/blocking.h).
Reply BLPopCommand(CommandContext& ctx);
Reply BRPopCommand(CommandContext& ctx);
Reply BLMoveCommand(CommandContext& ctx);
Reply BRPopLPushCommand(CommandContext& ctx);
Reply BLMPopCommand(CommandContext& ctx);

}  // namespace cacheforge

#endif  // CACHEFORGE_COMMANDS_LIST_FAMILY_H_
