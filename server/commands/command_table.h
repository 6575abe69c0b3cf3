// server/commands/command_table.h
// -----------------------------------------------------------------------------
// The one table of every command the server knows (command_table.cc), and its
// lookup index. Each entry also gets a dense id for its counters.
#ifndef CACHEFORGE_COMMANDS_COMMAND_TABLE_H_
#define CACHEFORGE_COMMANDS_COMMAND_TABLE_H_

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command.h"

namespace cacheforge {

struct CommandEntry {
  const CommandSpec* spec;
  size_t id;                   // index into ThreadStats::per_command
  std::string full_name;       // "get", "config|get"
  const CommandEntry* parent;  // the container, for subcommands
  std::vector<const CommandEntry*> subcommands;
};

class CommandTable {
 public:
  // The table of the server, built once on first use.
  static const CommandTable& Get();

  // Case-insensitive lookup of a top-level command, or null.
  const CommandEntry* Find(std::string_view name) const;
  // Case-insensitive lookup of `container`'s subcommand, or null.
  static const CommandEntry* FindSub(const CommandEntry& container, std::string_view name);

  // Top-level commands, in table order.
  const std::vector<const CommandEntry*>& commands() const { return top_; }
  // Every entry, subcommands included, indexed by id.
  const std::vector<std::unique_ptr<CommandEntry>>& all() const { return all_; }
  size_t size() const { return all_.size(); }

 private:
  CommandTable();
  CommandEntry* Add(const CommandSpec* spec, const CommandEntry* parent);

  std::vector<std::unique_ptr<CommandEntry>> all_;
  std::vector<const CommandEntry*> top_;
};

// Flag names as COMMAND INFO prints them; "movablekeys" last, as Redis adds
// it, for a command whose keys first/last/step do not describe (a numkeys
// count, SORT's STORE), so a cluster client asks COMMAND GETKEYS instead.
std::vector<std::string> CommandFlagNames(const CommandSpec& spec);

}  // namespace cacheforge

#endif  // CACHEFORGE_COMMANDS_COMMAND_TABLE_H_
