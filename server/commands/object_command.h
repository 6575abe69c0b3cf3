// server/commands/object_command.h
// -----------------------------------------------------------------------------
// OBJECT ENCODING | FREQ | IDLETIME | REFCOUNT | HELP: what eviction sees of a
// key, for checking a maxmemory-policy. None of them counts as an access.
#ifndef CACHEFORGE_COMMANDS_OBJECT_COMMAND_H_
#define CACHEFORGE_COMMANDS_OBJECT_COMMAND_H_

#include "commands/command.h"

namespace cacheforge {

Reply ObjectEncodingCommand(CommandContext& ctx);
Reply ObjectFreqCommand(CommandContext& ctx);
Reply ObjectIdleTimeCommand(CommandContext& ctx);
Reply ObjectRefCountCommand(CommandContext& ctx);
Reply ObjectHelpCommand(CommandContext& ctx);
// MEMORY USAGE key [SAMPLES count]: the heap bytes the key holds, its entry,
// name and value included, as the shard counts them for maxmemory.
Reply MemoryUsageCommand(CommandContext& ctx);

}  // namespace cacheforge

#endif  // CACHEFORGE_COMMANDS_OBJECT_COMMAND_H_
