// server/commands/dump_command.h
// -----------------------------------------------------------------------------
// DUMP and RESTORE: a key's value as Redis's serialized payload and back
// (persist/rdb_payload.h), so keys move between cacheforge and redis-server
// with the tools that use them (redis-cli --pipe of RESTOREs, MIGRATE-based
// scripts, RedisShake-style copiers).
#ifndef CACHEFORGE_COMMANDS_DUMP_COMMAND_H_
#define CACHEFORGE_COMMANDS_DUMP_COMMAND_H_

#include "commands/command.h"

namespace cacheforge {

// DUMP key: the payload, or a null for a missing key.
Reply DumpCommand(CommandContext& ctx);
// RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]
Reply RestoreCommand(CommandContext& ctx);

}  // namespace cacheforge

#endif  // CACHEFORGE_COMMANDS_DUMP_COMMAND_H_
