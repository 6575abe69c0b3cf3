// server/commands/server_family.h
// -----------------------------------------------------------------------------
// Server and administration commands: INFO CONFIG COMMAND CLIENT TIME DEBUG
// SHUTDOWN.
#ifndef CACHEFORGE_COMMANDS_SERVER_FAMILY_H_
#define CACHEFORGE_COMMANDS_SERVER_FAMILY_H_

#include "commands/command.h"

namespace cacheforge {

Reply InfoCommand(CommandContext& ctx);
Reply ConfigGetCommand(CommandContext& ctx);
Reply ConfigSetCommand(CommandContext& ctx);
Reply ConfigResetStatCommand(CommandContext& ctx);
// FUNCTION FLUSH [ASYNC | SYNC]: the server has no functions (no scripting),
// so there is nothing to delete; clients and test harnesses call it to reset.
Reply FunctionFlushCommand(CommandContext& ctx);
Reply ConfigHelpCommand(CommandContext& ctx);
Reply CommandCommand(CommandContext& ctx);
Reply CommandCountCommand(CommandContext& ctx);
Reply CommandInfoCommand(CommandContext& ctx);
Reply CommandDocsCommand(CommandContext& ctx);
Reply CommandListCommand(CommandContext& ctx);
Reply CommandGetKeysCommand(CommandContext& ctx);
Reply CommandHelpCommand(CommandContext& ctx);
Reply ClientIdCommand(CommandContext& ctx);
Reply ClientSetNameCommand(CommandContext& ctx);
Reply ClientGetNameCommand(CommandContext& ctx);
Reply ClientListCommand(CommandContext& ctx);
Reply ClientInfoCommand(CommandContext& ctx);
Reply ClientKillCommand(CommandContext& ctx);
Reply ClientUnblockCommand(CommandContext& ctx);
// CLIENT REPLY ON|OFF|SKIP: OFF and SKIP answer nothing (see ClientSession).
Reply ClientReplyCommand(CommandContext& ctx);
Reply ClientHelpCommand(CommandContext& ctx);
Reply TimeCommand(CommandContext& ctx);
Reply DebugLockgraphCommand(CommandContext& ctx);
Reply DebugPopulateCommand(CommandContext& ctx);
Reply DebugSleepCommand(CommandContext& ctx);
Reply DebugHelpCommand(CommandContext& ctx);
Reply ShutdownCommand(CommandContext& ctx);

}  // namespace cacheforge

#endif  // CACHEFORGE_COMMANDS_SERVER_FAMILY_H_
