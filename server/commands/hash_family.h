// server/commands/hash_family.h
// -----------------------------------------------------------------------------
// Hash commands: HSET HMSET HSETNX HGET HMGET HDEL HLEN HSTRLEN HEXISTS HKEYS
// HVALS HGETALL HINCRBY HINCRBYFLOAT HRANDFIELD HSCAN.
#ifndef CACHEFORGE_COMMANDS_HASH_FAMILY_H_
#define CACHEFORGE_COMMANDS_HASH_FAMILY_H_

#include "commands/command.h"

namespace cacheforge {

Reply HSetCommand(CommandContext& ctx);
Reply HMSetCommand(CommandContext& ctx);
Reply HSetNxCommand(CommandContext& ctx);
Reply HGetCommand(CommandContext& ctx);
Reply HMGetCommand(CommandContext& ctx);
Reply HDelCommand(CommandContext& ctx);
Reply HLenCommand(CommandContext& ctx);
Reply HStrLenCommand(CommandContext& ctx);
Reply HExistsCommand(CommandContext& ctx);
Reply HKeysCommand(CommandContext& ctx);
Reply HValsCommand(CommandContext& ctx);
Reply HGetAllCommand(CommandContext& ctx);
Reply HIncrByCommand(CommandContext& ctx);
Reply HIncrByFloatCommand(CommandContext& ctx);
Reply HRandFieldCommand(CommandContext& ctx);
Reply HScanCommand(CommandContext& ctx);

}  // namespace cacheforge

#endif  // CACHEFORGE_COMMANDS_HASH_FAMILY_H_
