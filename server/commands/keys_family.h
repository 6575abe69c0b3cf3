// server/commands/keys_family.h
// -----------------------------------------------------------------------------
// Generic key commands: DEL UNLINK EXISTS TYPE RENAME RENAMENX EXPIRE PEXPIRE
// EXPIREAT PEXPIREAT EXPIRETIME PEXPIRETIME TTL PTTL PERSIST KEYS SCAN
// RANDOMKEY DBSIZE FLUSHDB FLUSHALL.
#ifndef CACHEFORGE_COMMANDS_KEYS_FAMILY_H_
#define CACHEFORGE_COMMANDS_KEYS_FAMILY_H_

#include <optional>
#include <string_view>

#include "commands/command.h"

namespace cacheforge {

Reply DelCommand(CommandContext& ctx);
Reply ExistsCommand(CommandContext& ctx);
Reply TouchCommand(CommandContext& ctx);
Reply TypeCommand(CommandContext& ctx);
Reply RenameCommand(CommandContext& ctx);
Reply CopyCommand(CommandContext& ctx);
Reply MoveCommand(CommandContext& ctx);
Reply SwapDbCommand(CommandContext& ctx);
Reply RenameNxCommand(CommandContext& ctx);
Reply ExpireCommand(CommandContext& ctx);
Reply PExpireCommand(CommandContext& ctx);
Reply ExpireAtCommand(CommandContext& ctx);
Reply PExpireAtCommand(CommandContext& ctx);
Reply ExpireTimeCommand(CommandContext& ctx);
Reply PExpireTimeCommand(CommandContext& ctx);
Reply TtlCommand(CommandContext& ctx);
Reply PTtlCommand(CommandContext& ctx);
Reply PersistCommand(CommandContext& ctx);
Reply KeysCommand(CommandContext& ctx);
Reply ScanCommand(CommandContext& ctx);
Reply RandomKeyCommand(CommandContext& ctx);
Reply DbSizeCommand(CommandContext& ctx);
Reply FlushDbCommand(CommandContext& ctx);
Reply FlushAllCommand(CommandContext& ctx);

// A database number argument (SELECT, MOVE, SWAPDB, COPY ... DB): an error
// reply with `not_a_number` when it is not an integer, Redis's "ERR DB index
// is out of range" when no such database exists; else sets `*db`.
std::optional<Reply> ParseDbIndex(const CommandContext& ctx, std::string_view text,
                                  std::string_view not_a_number, int* db);

}  // namespace cacheforge

#endif  // CACHEFORGE_COMMANDS_KEYS_FAMILY_H_
