// server/commands/server_family.h
// -----------------------------------------------------------------------------
// Server and administration commands: INFO CONFIG COMMAND CLIENT TIME DEBUG
// SHUTDOWN.
#ifndef CACHEFORGE_COMMANDS_SERVER_FAMILY_H_
#define CACHEFORGE_COMMANDS_SERVER_FAMILY_H_

#include "commands/command.h"

namespace cacheforge {

Reply InfoCommand(CommandContext& ctx);
// The used_memory INFO reports (for /metrics).
uint64_t UsedMemoryBytes();
Reply ConfigGetCommand(CommandContext& ctx);
Reply ConfigSetCommand(CommandContext& ctx);
Reply ConfigResetStatCommand(CommandContext& ctx);
Reply ConfigHelpCommand(CommandContext& ctx);
Reply CommandCommand(CommandContext& ctx);
Reply CommandCountCommand(CommandContext& ctx);
Reply CommandInfoCommand(CommandContext& ctx);
Reply CommandDocsCommand(CommandContext& ctx);
Reply CommandListCommand(CommandContext& ctx);
Reply CommandHelpCommand(CommandContext& ctx);
Reply ClientIdCommand(CommandContext& ctx);
Reply ClientSetNameCommand(CommandContext& ctx);
Reply ClientGetNameCommand(CommandContext& ctx);
Reply ClientListCommand(CommandContext& ctx);
Reply ClientInfoCommand(CommandContext& ctx);
Reply ClientKillCommand(CommandContext& ctx);
Reply ClientHelpCommand(CommandContext& ctx);
Reply TimeCommand(CommandContext& ctx);
Reply DebugLockgraphCommand(CommandContext& ctx);
Reply DebugPopulateCommand(CommandContext& ctx);
Reply DebugSleepCommand(CommandContext& ctx);
Reply DebugHelpCommand(CommandContext& ctx);
Reply ShutdownCommand(CommandContext& ctx);

}  // namespace cacheforge

#endif  // CACHEFORGE_COMMANDS_SERVER_FAMILY_H_
