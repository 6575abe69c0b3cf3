// server/commands/set_family.h
// -----------------------------------------------------------------------------
// Set commands: SADD SREM SCARD SISMEMBER SMISMEMBER SMEMBERS SRANDMEMBER SPOP
// SMOVE SINTER SUNION SDIFF and their STORE forms, SINTERCARD, SSCAN.
#ifndef CACHEFORGE_COMMANDS_SET_FAMILY_H_
#define CACHEFORGE_COMMANDS_SET_FAMILY_H_

#include "commands/command.h"

namespace cacheforge {

Reply SAddCommand(CommandContext& ctx);
Reply SRemCommand(CommandContext& ctx);
Reply SCardCommand(CommandContext& ctx);
Reply SIsMemberCommand(CommandContext& ctx);
Reply SMIsMemberCommand(CommandContext& ctx);
Reply SMembersCommand(CommandContext& ctx);
Reply SRandMemberCommand(CommandContext& ctx);
Reply SPopCommand(CommandContext& ctx);
Reply SMoveCommand(CommandContext& ctx);
Reply SInterCommand(CommandContext& ctx);
Reply SUnionCommand(CommandContext& ctx);
Reply SDiffCommand(CommandContext& ctx);
Reply SInterStoreCommand(CommandContext& ctx);
Reply SUnionStoreCommand(CommandContext& ctx);
Reply SDiffStoreCommand(CommandContext& ctx);
Reply SInterCardCommand(CommandContext& ctx);
Reply SScanCommand(CommandContext& ctx);

}  // namespace cacheforge

#endif  // CACHEFORGE_COMMANDS_SET_FAMILY_H_
