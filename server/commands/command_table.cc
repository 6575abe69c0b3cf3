// server/commands/command_table.cc
// -----------------------------------------------------------------------------
// THE command table. Every command the server answers is one line here: name,
// arity (N exact, -N at least N, the name counted), flags, key positions
// (first, last, step), handler, group and summary. The dispatcher checks arity
// from this table, once, before any handler runs.
#include "commands/command_table.h"

#include <algorithm>
#include <cctype>
#include <memory>

#include "commands/connection_family.h"
#include "commands/keys_family.h"
#include "commands/object_command.h"
#include "commands/persistence_family.h"
#include "commands/server_family.h"
#include "commands/string_family.h"

namespace cacheforge {
namespace {

constexpr uint32_t kW = kCmdWrite | kCmdDenyOom;
constexpr uint32_t kR = kCmdReadonly;
constexpr uint32_t kF = kCmdFast;
constexpr uint32_t kA = kCmdAdmin | kCmdLoading | kCmdStale;
constexpr uint32_t kConn = kCmdFast | kCmdLoading | kCmdStale;

// clang-format off
constexpr CommandSpec kConfigSubcommands[] = {
  {"get",       -3, kA, 0, 0, 0, ConfigGetCommand,       "server", "Returns the effective values of configuration parameters.", {}},
  {"set",       -4, kA, 0, 0, 0, ConfigSetCommand,       "server", "Sets configuration parameters in-flight.", {}},
  {"resetstat",  2, kA, 0, 0, 0, ConfigResetStatCommand, "server", "Resets the server's statistics.", {}},
  {"help",       2, kA, 0, 0, 0, ConfigHelpCommand,      "server", "Returns helpful text about the different subcommands.", {}},
};

constexpr CommandSpec kCommandSubcommands[] = {
  {"count",  2, kCmdLoading | kCmdStale, 0, 0, 0, CommandCountCommand, "server", "Returns a count of commands.", {}},
  {"info",  -2, kCmdLoading | kCmdStale, 0, 0, 0, CommandInfoCommand,  "server", "Returns information about one, multiple or all commands.", {}},
  {"docs",  -2, kCmdLoading | kCmdStale, 0, 0, 0, CommandDocsCommand,  "server", "Returns documentary information about one, multiple or all commands.", {}},
  {"list",  -2, kCmdLoading | kCmdStale, 0, 0, 0, CommandListCommand,  "server", "Returns a list of command names.", {}},
  {"help",   2, kCmdLoading | kCmdStale, 0, 0, 0, CommandHelpCommand,  "server", "Returns helpful text about the different subcommands.", {}},
};

constexpr CommandSpec kClientSubcommands[] = {
  {"id",       2, kConn, 0, 0, 0, ClientIdCommand,      "connection", "Returns the unique client ID of the connection.", {}},
  {"setname",  3, kConn, 0, 0, 0, ClientSetNameCommand, "connection", "Sets the connection name.", {}},
  {"getname",  2, kConn, 0, 0, 0, ClientGetNameCommand, "connection", "Returns the name of the connection.", {}},
  {"list",    -2, kA,    0, 0, 0, ClientListCommand,    "connection", "Lists open connections.", {}},
  {"info",     2, kConn, 0, 0, 0, ClientInfoCommand,    "connection", "Returns information about the connection.", {}},
  {"kill",    -3, kA,    0, 0, 0, ClientKillCommand,    "connection", "Terminates open connections.", {}},
  {"help",     2, kConn, 0, 0, 0, ClientHelpCommand,    "connection", "Returns helpful text about the different subcommands.", {}},
};

constexpr CommandSpec kDebugSubcommands[] = {
  {"lockgraph", -2, kA, 0, 0, 0, DebugLockgraphCommand, "server", "Returns the server's lock-order graph (JSON or DOT) or its lock contention profile.", {}},
  {"populate", -3, kA, 0, 0, 0, DebugPopulateCommand,  "server", "Creates string keys for tests and measurements.", {}},
  {"sleep",     3, kA, 0, 0, 0, DebugSleepCommand,     "server", "Stops the connection's I/O thread for a while.", {}},
  {"help",      2, kA, 0, 0, 0, DebugHelpCommand,      "server", "Returns helpful text about the different subcommands.", {}},
};

constexpr CommandSpec kObjectSubcommands[] = {
  {"encoding", 3, kR, 2, 2, 1, ObjectEncodingCommand, "generic", "Returns the internal encoding of a Redis object.", {}},
  {"freq",     3, kR, 2, 2, 1, ObjectFreqCommand,     "generic", "Returns the logarithmic access frequency counter of a Redis object.", {}},
  {"idletime", 3, kR, 2, 2, 1, ObjectIdleTimeCommand, "generic", "Returns the time since the last access to a Redis object.", {}},
  {"refcount", 3, kR, 2, 2, 1, ObjectRefCountCommand, "generic", "Returns the reference count of a value of a key.", {}},
  {"help",     2, kR, 0, 0, 0, ObjectHelpCommand,     "generic", "Returns helpful text about the different subcommands.", {}},
};

constexpr CommandSpec kCommands[] = {
  // connection
  {"ping",      -1, kConn,            0, 0, 0, PingCommand,   "connection", "Returns the server's liveliness response.", {}},
  {"echo",       2, kConn,            0, 0, 0, EchoCommand,   "connection", "Returns the given string.", {}},
  {"quit",      -1, kConn | kCmdNoAuth, 0, 0, 0, QuitCommand, "connection", "Closes the connection.", {}},
  {"hello",     -1, kConn | kCmdNoAuth, 0, 0, 0, HelloCommand, "connection", "Handshakes with the server (RESP2 only).", {}},
  {"auth",      -2, kConn | kCmdNoAuth, 0, 0, 0, AuthCommand, "connection", "Authenticates the connection.", {}},
  {"select",     2, kConn,            0, 0, 0, SelectCommand, "connection", "Changes the selected database (only 0 exists).", {}},
  // strings
  {"set",       -3, kW,      1, 1, 1, SetCommand,         "string", "Sets the string value of a key, ignoring its type.", {}},
  {"get",        2, kR | kF, 1, 1, 1, GetCommand,         "string", "Returns the string value of a key.", {}},
  {"getset",     3, kW | kF, 1, 1, 1, GetSetCommand,      "string", "Returns the previous string value of a key after setting it to a new value.", {}},
  {"getdel",     2, kCmdWrite | kF, 1, 1, 1, GetDelCommand, "string", "Returns the string value of a key after deleting the key.", {}},
  {"getex",     -2, kCmdWrite | kF, 1, 1, 1, GetExCommand, "string", "Returns the string value of a key after setting its expiration time.", {}},
  {"setnx",      3, kW | kF, 1, 1, 1, SetNxCommand,       "string", "Set the string value of a key only when the key doesn't exist.", {}},
  {"setex",      4, kW,      1, 1, 1, SetExCommand,       "string", "Sets the string value and expiration time of a key.", {}},
  {"psetex",     4, kW,      1, 1, 1, PSetExCommand,      "string", "Sets both string value and expiration time in milliseconds of a key.", {}},
  {"mget",      -2, kR | kF, 1, -1, 1, MGetCommand,       "string", "Atomically returns the string values of one or more keys.", {}},
  {"mset",      -3, kW,      1, -1, 2, MSetCommand,       "string", "Atomically creates or modifies the string values of one or more keys.", {}},
  {"msetnx",    -3, kW,      1, -1, 2, MSetNxCommand,     "string", "Atomically modifies the string values of one or more keys only when all keys don't exist.", {}},
  {"append",     3, kW | kF, 1, 1, 1, AppendCommand,      "string", "Appends a string to the value of a key. Creates the key if it doesn't exist.", {}},
  {"strlen",     2, kR | kF, 1, 1, 1, StrLenCommand,      "string", "Returns the length of a string value.", {}},
  {"getrange",   4, kR,      1, 1, 1, GetRangeCommand,    "string", "Returns a substring of the string stored at a key.", {}},
  {"setrange",   4, kW,      1, 1, 1, SetRangeCommand,    "string", "Overwrites a part of a string value with another by an offset.", {}},
  {"incr",       2, kW | kF, 1, 1, 1, IncrCommand,        "string", "Increments the integer value of a key by one.", {}},
  {"decr",       2, kW | kF, 1, 1, 1, DecrCommand,        "string", "Decrements the integer value of a key by one.", {}},
  {"incrby",     3, kW | kF, 1, 1, 1, IncrByCommand,      "string", "Increments the integer value of a key by a number.", {}},
  {"decrby",     3, kW | kF, 1, 1, 1, DecrByCommand,      "string", "Decrements a number from the integer value of a key.", {}},
  {"incrbyfloat", 3, kW | kF, 1, 1, 1, IncrByFloatCommand, "string", "Increment the floating point value of a key by a number.", {}},
  // keys
  {"del",       -2, kCmdWrite, 1, -1, 1, DelCommand,      "generic", "Deletes one or more keys.", {}},
  {"unlink",    -2, kCmdWrite | kF, 1, -1, 1, DelCommand, "generic", "Asynchronously deletes one or more keys.", {}},
  {"exists",    -2, kR | kF, 1, -1, 1, ExistsCommand,     "generic", "Determines whether one or more keys exist.", {}},
  {"type",       2, kR | kF, 1, 1, 1, TypeCommand,        "generic", "Determines the type of value stored at a key.", {}},
  {"rename",     3, kCmdWrite, 1, 2, 1, RenameCommand,    "generic", "Renames a key and overwrites the destination.", {}},
  {"renamenx",   3, kCmdWrite | kF, 1, 2, 1, RenameNxCommand, "generic", "Renames a key only when the target key name doesn't exist.", {}},
  {"expire",    -3, kCmdWrite | kF, 1, 1, 1, ExpireCommand, "generic", "Sets the expiration time of a key in seconds.", {}},
  {"pexpire",   -3, kCmdWrite | kF, 1, 1, 1, PExpireCommand, "generic", "Sets the expiration time of a key in milliseconds.", {}},
  {"expireat",  -3, kCmdWrite | kF, 1, 1, 1, ExpireAtCommand, "generic", "Sets the expiration time of a key to a Unix timestamp.", {}},
  {"pexpireat", -3, kCmdWrite | kF, 1, 1, 1, PExpireAtCommand, "generic", "Sets the expiration time of a key to a Unix milliseconds timestamp.", {}},
  {"expiretime", 2, kR | kF, 1, 1, 1, ExpireTimeCommand,  "generic", "Returns the expiration time of a key as a Unix timestamp.", {}},
  {"pexpiretime", 2, kR | kF, 1, 1, 1, PExpireTimeCommand, "generic", "Returns the expiration time of a key as a Unix milliseconds timestamp.", {}},
  {"ttl",        2, kR | kF, 1, 1, 1, TtlCommand,         "generic", "Returns the expiration time in seconds of a key.", {}},
  {"pttl",       2, kR | kF, 1, 1, 1, PTtlCommand,        "generic", "Returns the expiration time in milliseconds of a key.", {}},
  {"persist",    2, kCmdWrite | kF, 1, 1, 1, PersistCommand, "generic", "Removes the expiration time of a key.", {}},
  {"keys",       2, kR,      0, 0, 0, KeysCommand,        "generic", "Returns all key names that match a pattern.", {}},
  {"scan",      -2, kR,      0, 0, 0, ScanCommand,        "generic", "Iterates over the key names in the database.", {}},
  {"randomkey",  1, kR,      0, 0, 0, RandomKeyCommand,   "generic", "Returns a random key name from the database.", {}},
  {"dbsize",     1, kR | kF, 0, 0, 0, DbSizeCommand,      "server", "Returns the number of keys in the database.", {}},
  {"flushdb",   -1, kCmdWrite, 0, 0, 0, FlushDbCommand,   "server", "Remove all keys from the current database.", {}},
  {"flushall",  -1, kCmdWrite, 0, 0, 0, FlushDbCommand,   "server", "Removes all keys from all databases.", {}},
  {"object",    -2, 0,       0, 0, 0, nullptr,            "generic", "A container for object introspection commands.", kObjectSubcommands},
  // server
  {"info",      -1, kCmdLoading | kCmdStale, 0, 0, 0, InfoCommand, "server", "Returns information and statistics about the server.", {}},
  {"config",    -2, 0,       0, 0, 0, nullptr,            "server", "A container for server configuration commands.", kConfigSubcommands},
  {"command",   -1, kCmdLoading | kCmdStale, 0, 0, 0, CommandCommand, "server", "Returns detailed information about all commands.", kCommandSubcommands},
  {"client",    -2, 0,       0, 0, 0, nullptr,            "connection", "A container for client connection commands.", kClientSubcommands},
  {"time",       1, kConn,   0, 0, 0, TimeCommand,        "server", "Returns the server time.", {}},
  {"debug",     -2, kA,      0, 0, 0, nullptr,            "server", "A container for debugging commands.", kDebugSubcommands},
  {"bgrewriteaof", 1, kA, 0, 0, 0, BgRewriteAofCommand, "server", "Asynchronously rewrites the append-only file to disk.", {}},
  {"shutdown",  -1, kA,      0, 0, 0, ShutdownCommand, "server", "Synchronously saves the database(s) to disk and shuts down the server.", {}},
};
// clang-format on

bool EqualsLower(std::string_view text, std::string_view lower) {
  return text.size() == lower.size() &&
         std::equal(text.begin(), text.end(), lower.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == b;
         });
}

}  // namespace

const CommandTable& CommandTable::Get() {
  static const CommandTable* table = new CommandTable();
  return *table;
}

CommandTable::CommandTable() {
  for (const CommandSpec& spec : kCommands) {
    CommandEntry* entry = Add(&spec, nullptr);
    top_.push_back(entry);
    for (const CommandSpec& sub : spec.subcommands) entry->subcommands.push_back(Add(&sub, entry));
  }
}

CommandEntry* CommandTable::Add(const CommandSpec* spec, const CommandEntry* parent) {
  auto entry = std::make_unique<CommandEntry>();
  entry->spec = spec;
  entry->id = all_.size();
  entry->parent = parent;
  entry->full_name = parent != nullptr ? parent->full_name + "|" + spec->name : spec->name;
  all_.push_back(std::move(entry));
  return all_.back().get();
}

const CommandEntry* CommandTable::Find(std::string_view name) const {
  // A linear scan over ~55 names with a first-letter filter beats hashing a
  // lowered copy for names this short.
  if (name.empty()) return nullptr;
  char first = static_cast<char>(std::tolower(static_cast<unsigned char>(name[0])));
  for (const CommandEntry* entry : top_) {
    if (entry->spec->name[0] == first && EqualsLower(name, entry->spec->name)) return entry;
  }
  return nullptr;
}

const CommandEntry* CommandTable::FindSub(const CommandEntry& container, std::string_view name) {
  for (const CommandEntry* sub : container.subcommands) {
    if (EqualsLower(name, sub->spec->name)) return sub;
  }
  return nullptr;
}

std::vector<std::string> CommandFlagNames(uint32_t flags) {
  static constexpr std::pair<uint32_t, const char*> kNames[] = {
      {kCmdWrite, "write"}, {kCmdReadonly, "readonly"}, {kCmdDenyOom, "denyoom"},
      {kCmdAdmin, "admin"}, {kCmdNoAuth, "no_auth"},    {kCmdLoading, "loading"},
      {kCmdStale, "stale"}, {kCmdFast, "fast"},
  };
  std::vector<std::string> out;
  for (const auto& [flag, name] : kNames) {
    if (flags & flag) out.push_back(name);
  }
  return out;
}

}  // namespace cacheforge
