// server/commands/command_keys.h
// -----------------------------------------------------------------------------
// Which arguments of a command line are keys, read from the command's spec
// (command.h): first_key..last_key by key_step, then the `numkeys` keys of a
// command that counts them (LMPOP, ZUNIONSTORE), plus SORT's STORE
// destination, which no fixed position describes. COMMAND GETKEYS answers
// with these, and EXEC locks their shards before it runs a queued command, so
// the two cannot disagree.
#ifndef CACHEFORGE_COMMANDS_COMMAND_KEYS_H_
#define CACHEFORGE_COMMANDS_COMMAND_KEYS_H_

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "commands/command.h"

namespace cacheforge {

enum class CommandKeysResult {
  kOk,
  kNoKeys,   // the command takes no key arguments (FLUSHDB, KEYS, PING)
  kBadArgs,  // a count of keys that is not a positive number within the line
};

// Whether the command's spec names any key argument.
inline bool HasKeyArguments(const CommandSpec& spec) {
  return spec.first_key > 0 || spec.numkeys_at > 0;
}

// Appends the indexes into `args` (args[0] is the command's name, args[1] a
// subcommand's) of the line's key arguments to `out`, in order. The caller
// checked the arity. SORT's last STORE names its destination, as in Redis.
CommandKeysResult CommandKeys(const CommandSpec& spec, std::span<const std::string_view> args,
                              std::vector<size_t>* out);

}  // namespace cacheforge

#endif  // CACHEFORGE_COMMANDS_COMMAND_KEYS_H_
