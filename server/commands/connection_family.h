// server/commands/connection_family.h
// -----------------------------------------------------------------------------
// Connection commands: PING ECHO QUIT HELLO AUTH SELECT.
#ifndef CACHEFORGE_COMMANDS_CONNECTION_FAMILY_H_
#define CACHEFORGE_COMMANDS_CONNECTION_FAMILY_H_

#include "commands/command.h"

namespace cacheforge {

Reply PingCommand(CommandContext& ctx);
Reply EchoCommand(CommandContext& ctx);
Reply QuitCommand(CommandContext& ctx);
// RESET: the connection as it was when it opened (see the definition).
Reply ResetCommand(CommandContext& ctx);
Reply HelloCommand(CommandContext& ctx);
Reply AuthCommand(CommandContext& ctx);
Reply SelectCommand(CommandContext& ctx);

}  // namespace cacheforge

#endif  // CACHEFORGE_COMMANDS_CONNECTION_FAMILY_H_
