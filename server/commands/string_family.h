// server/commands/string_family.h
// -----------------------------------------------------------------------------
// String commands: SET GET GETSET GETDEL GETEX SETNX SETEX PSETEX MGET MSET
// MSETNX APPEND STRLEN GETRANGE SETRANGE INCR DECR INCRBY DECRBY INCRBYFLOAT
// LCS.
#ifndef CACHEFORGE_COMMANDS_STRING_FAMILY_H_
#define CACHEFORGE_COMMANDS_STRING_FAMILY_H_

#include "commands/command.h"

namespace cacheforge {

Reply SetCommand(CommandContext& ctx);
Reply GetCommand(CommandContext& ctx);
Reply GetSetCommand(CommandContext& ctx);
Reply GetDelCommand(CommandContext& ctx);
Reply GetExCommand(CommandContext& ctx);
Reply SetNxCommand(CommandContext& ctx);
Reply SetExCommand(CommandContext& ctx);
Reply PSetExCommand(CommandContext& ctx);
Reply MGetCommand(CommandContext& ctx);
Reply MSetCommand(CommandContext& ctx);
Reply MSetNxCommand(CommandContext& ctx);
Reply AppendCommand(CommandContext& ctx);
Reply StrLenCommand(CommandContext& ctx);
Reply GetRangeCommand(CommandContext& ctx);
Reply SetRangeCommand(CommandContext& ctx);
Reply IncrCommand(CommandContext& ctx);
Reply DecrCommand(CommandContext& ctx);
Reply IncrByCommand(CommandContext& ctx);
Reply DecrByCommand(CommandContext& ctx);
Reply IncrByFloatCommand(CommandContext& ctx);
Reply LcsCommand(CommandContext& ctx);

}  // namespace cacheforge

#endif  // CACHEFORGE_COMMANDS_STRING_FAMILY_H_
