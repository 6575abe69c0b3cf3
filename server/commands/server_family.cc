// server/commands/server_family.cc
// -----------------------------------------------------------------------------
// Administration: CONFIG, COMMAND, CLIENT, TIME, DEBUG, SHUTDOWN. (INFO is in
// info_command.cc.)
#include "commands/server_family.h"

#include <lockgraph/mutex.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <set>
#include <string>
#include <thread>

#include "base/log.h"
#include "commands/blocking.h"
#include "commands/command_keys.h"
#include "commands/command_table.h"
#include "commands/dispatcher.h"
#include "commands/key_access.h"
#include "commands/maxmemory.h"
#include "persist/persistence.h"
#include "util/glob.h"
#include "util/numbers.h"
#include "util/strings.h"

namespace cacheforge {
namespace {

// How long CONFIG SET maxmemory evicts before answering; the rest is left to
// the event loops' cron, so a large cut does not stall this client's thread.
constexpr int64_t kConfigSetEvictionBudgetUs = 50'000;

Reply HelpLines(std::initializer_list<const char*> lines) {
  std::vector<Reply> out;
  for (const char* line : lines) out.push_back(Reply::Status(line));
  return Reply::Array(std::move(out));
}

}  // namespace

// ------------------------------- CONFIG --------------------------------------

// CONFIG GET parameter [parameter ...] (glob patterns)
Reply ConfigGetCommand(CommandContext& ctx) {
  std::vector<Reply> out;
  std::set<std::string> seen;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    for (auto& [name, value] : ctx.server.config().Match(ctx.arg(i))) {
      if (!seen.insert(name).second) continue;
      out.push_back(Reply::Bulk(name));
      out.push_back(Reply::Bulk(value));
    }
  }
  return Reply::Map(std::move(out));
}

// CONFIG SET parameter value [parameter value ...] (all or nothing)
Reply ConfigSetCommand(CommandContext& ctx) {
  if (ctx.argc() % 2 != 0) {
    return Reply::Error("ERR wrong number of arguments for 'config|set' command");
  }
  Config& config = ctx.server.config();
  for (size_t i = 2; i < ctx.argc(); i += 2) {
    std::string why;
    if (!config.Check(ctx.arg(i), ctx.arg(i + 1), true, &why)) {
      std::string value;
      if (!config.Get(ctx.arg(i), &value)) {
        return Reply::Error("ERR Unknown option or number of arguments for CONFIG SET - '" +
                            std::string(ctx.arg(i)) + "'");
      }
      return Reply::Error("ERR CONFIG SET failed (possibly related to argument '" +
                          ToLower(ctx.arg(i)) + "') - " + why);
    }
  }
  bool persistence = false;
  bool memory_settings = false;
  for (size_t i = 2; i < ctx.argc(); i += 2) {
    std::string why;
    config.Set(ctx.arg(i), ctx.arg(i + 1), true, &why);
    persistence = persistence || IsPersistenceSetting(ctx.arg(i));
    memory_settings |= EqualsIgnoreCase(ctx.arg(i), "maxmemory") ||
                       EqualsIgnoreCase(ctx.arg(i), "maxmemory-policy");
  }
  if (memory_settings && config.maxmemory() != 0) {
    uint64_t used = ctx.server.UsedMemory();
    if (used > config.maxmemory()) {
      Log(LogLevel::kWarning,
          "WARNING: the new maxmemory value set via CONFIG SET (%llu) is smaller than the "
          "current memory usage (%llu). This will result in key eviction and/or the inability "
          "to accept new write commands depending on the maxmemory-policy.",
          static_cast<unsigned long long>(config.maxmemory()),
          static_cast<unsigned long long>(used));
      // A first slice here; the event loops' cron goes on until under the limit.
      Server& server = ctx.server;
      ThreadStats& stats = ctx.stats;
      const int64_t now_ms = ctx.now_ms;
      ctx.RunOutsideShardLocks([&server, &stats, now_ms] {
        PerformEvictions(server, stats, now_ms, kConfigSetEvictionBudgetUs);
      });
    }
  }
  if (!persistence) return Reply::Ok();
  // Turning the AOF on writes the data through a rewrite, whose lock is
  // ordered before the shards: inside EXEC that waits until EXEC released
  // them, and a failure can then only be logged.
  if (ctx.client.exec != nullptr) {
    Server& server = ctx.server;
    ctx.RunOutsideShardLocks([&server] {
      std::string error;
      if (!ApplyPersistenceConfig(server, &error)) {
        Log(LogLevel::kWarning, "CONFIG SET inside a transaction failed: %s", error.c_str());
      }
    });
    return Reply::Ok();
  }
  std::string error;
  if (!ApplyPersistenceConfig(ctx.server, &error)) return Reply::Error(error);
  return Reply::Ok();
}

// CONFIG RESETSTAT
Reply ConfigResetStatCommand(CommandContext& ctx) {
  Server& server = ctx.server;
  for (int i = 0; i < server.loop_count(); ++i) server.thread_stats(i).Reset();
  server.connections_received.store(0);
  server.rejected_connections.store(0);
  server.peak_memory.store(0);
  return Reply::Ok();
}

Reply ConfigHelpCommand(CommandContext&) {
  return HelpLines(
      {"CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", "GET <pattern>",
       "    Return parameters matching the glob-like <pattern> and their values.",
       "SET <directive> <value>", "    Set the configuration <directive> to <value>.", "RESETSTAT",
       "    Reset statistics reported by the INFO command.", "HELP", "    Print this help."});
}

// ------------------------------- COMMAND -------------------------------------

namespace {

// The command's ACL categories (without the '@'), as Redis names them: what
// it does to data, whether it is fast, and its data type or area.
std::vector<std::string_view> AclCategories(const CommandSpec& spec) {
  std::vector<std::string_view> out;
  if (spec.flags & kCmdWrite) out.push_back("write");
  if (spec.flags & kCmdReadonly) out.push_back("read");
  out.push_back((spec.flags & kCmdFast) ? "fast" : "slow");
  if (spec.flags & kCmdBlocking) out.push_back("blocking");
  static constexpr std::pair<std::string_view, std::string_view> kByGroup[] = {
      {"string", "string"},
      {"generic", "keyspace"},
      {"connection", "connection"},
      {"list", "list"},
      {"hash", "hash"},
      {"set", "set"},
      {"sorted_set", "sortedset"},
      {"bitmap", "bitmap"},
      {"pubsub", "pubsub"},
      {"transactions", "transaction"},
      {"scripting", "scripting"},
  };
  std::string_view area = "admin";
  for (const auto& [group, category] : kByGroup) {
    if (group == spec.group) area = category;
  }
  out.push_back(area);
  return out;
}

Reply DescribeCommand(const CommandEntry& entry) {
  const CommandSpec& spec = *entry.spec;
  std::vector<Reply> flags;
  for (const std::string& flag : CommandFlagNames(spec)) flags.push_back(Reply::Status(flag));
  std::vector<Reply> categories;
  for (std::string_view category : AclCategories(spec)) {
    categories.push_back(Reply::Status("@" + std::string(category)));
  }
  std::vector<Reply> subcommands;
  for (const CommandEntry* sub : entry.subcommands) subcommands.push_back(DescribeCommand(*sub));
  std::vector<Reply> info;
  info.push_back(Reply::Bulk(entry.full_name));
  info.push_back(Reply::Integer(spec.arity));
  // RESP3 shapes as Redis 7.0's: sets, and an empty set for no subcommands.
  info.push_back(Reply::Set(std::move(flags)));
  info.push_back(Reply::Integer(spec.first_key));
  info.push_back(Reply::Integer(spec.last_key));
  info.push_back(Reply::Integer(spec.key_step));
  info.push_back(Reply::Set(std::move(categories)));
  info.push_back(Reply::Set({}));  // tips
  info.push_back(Reply::Set({}));  // key specifications
  info.push_back(subcommands.empty() ? Reply::Set({}) : Reply::Array(std::move(subcommands)));
  return Reply::Array(std::move(info));
}

Reply DocsFor(const CommandEntry& entry) {
  std::vector<Reply> doc;
  doc.push_back(Reply::Bulk("summary"));
  doc.push_back(Reply::Bulk(entry.spec->summary));
  doc.push_back(Reply::Bulk("since"));
  doc.push_back(Reply::Bulk("1.0.0"));
  doc.push_back(Reply::Bulk("group"));
  doc.push_back(Reply::Bulk(entry.spec->group));
  if (!entry.subcommands.empty()) {
    std::vector<Reply> subs;
    for (const CommandEntry* sub : entry.subcommands) {
      subs.push_back(Reply::Bulk(sub->full_name));
      subs.push_back(DocsFor(*sub));
    }
    doc.push_back(Reply::Bulk("subcommands"));
    doc.push_back(Reply::Map(std::move(subs)));
  }
  return Reply::Map(std::move(doc));
}

}  // namespace

// COMMAND: every command's description.
Reply CommandCommand(CommandContext&) {
  std::vector<Reply> out;
  for (const CommandEntry* entry : CommandTable::Get().commands()) {
    out.push_back(DescribeCommand(*entry));
  }
  return Reply::Array(std::move(out));
}

// COMMAND COUNT
Reply CommandCountCommand(CommandContext&) {
  return Reply::Integer(static_cast<int64_t>(CommandTable::Get().commands().size()));
}

// COMMAND INFO [command-name ...]
Reply CommandInfoCommand(CommandContext& ctx) {
  if (ctx.argc() == 2) return CommandCommand(ctx);
  std::vector<Reply> out;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    const CommandEntry* entry = CommandTable::Get().Find(ctx.arg(i));
    out.push_back(entry != nullptr ? DescribeCommand(*entry) : Reply::NullArray());
  }
  return Reply::Array(std::move(out));
}

// COMMAND DOCS [command-name ...]
Reply CommandDocsCommand(CommandContext& ctx) {
  std::vector<Reply> out;
  auto add = [&](const CommandEntry& entry) {
    out.push_back(Reply::Bulk(entry.full_name));
    out.push_back(DocsFor(entry));
  };
  if (ctx.argc() == 2) {
    for (const CommandEntry* entry : CommandTable::Get().commands()) add(*entry);
  } else {
    for (size_t i = 2; i < ctx.argc(); ++i) {
      if (const CommandEntry* entry = CommandTable::Get().Find(ctx.arg(i))) add(*entry);
    }
  }
  return Reply::Map(std::move(out));
}

// COMMAND LIST [FILTERBY PATTERN pattern]
// COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern]:
// every command and subcommand ("config|get") that passes the filter. No
// module is loaded, so a MODULE filter lists nothing.
Reply CommandListCommand(CommandContext& ctx) {
  enum class Filter { kNone, kModule, kAclCat, kPattern } filter = Filter::kNone;
  std::string_view value;
  if (ctx.argc() != 2) {
    if (ctx.argc() != 5 || !EqualsIgnoreCase(ctx.arg(2), "FILTERBY")) {
      return Reply::Error(errors::kSyntax);
    }
    value = ctx.arg(4);
    if (EqualsIgnoreCase(ctx.arg(3), "MODULE")) {
      filter = Filter::kModule;
    } else if (EqualsIgnoreCase(ctx.arg(3), "ACLCAT")) {
      filter = Filter::kAclCat;
    } else if (EqualsIgnoreCase(ctx.arg(3), "PATTERN")) {
      filter = Filter::kPattern;
    } else {
      return Reply::Error(errors::kSyntax);
    }
  }
  auto passes = [&](const CommandEntry& entry) {
    switch (filter) {
      case Filter::kNone:
        return true;
      case Filter::kModule:
        return false;
      case Filter::kAclCat:
        for (std::string_view category : AclCategories(*entry.spec)) {
          if (EqualsIgnoreCase(category, value)) return true;
        }
        return false;
      case Filter::kPattern:
        return GlobMatch(value, entry.full_name, true);
    }
    return false;
  };
  std::vector<Reply> out;
  for (const CommandEntry* entry : CommandTable::Get().commands()) {
    if (passes(*entry)) out.push_back(Reply::Bulk(entry->full_name));
    for (const CommandEntry* sub : entry->subcommands) {
      if (passes(*sub)) out.push_back(Reply::Bulk(sub->full_name));
    }
  }
  return Reply::Array(std::move(out));
}

// COMMAND GETKEYS command [arg ...]: the key arguments of a command line, as
// EXEC finds them to lock their shards (command_keys.h), with Redis's errors
// in Redis's order.
Reply CommandGetKeysCommand(CommandContext& ctx) {
  std::span<const std::string_view> line = ctx.args.subspan(2);
  const CommandEntry* entry = CommandTable::Get().Find(line[0]);
  if (entry != nullptr && !entry->subcommands.empty() && line.size() > 1) {
    entry = CommandTable::FindSub(*entry, line[1]);
  }
  if (entry == nullptr) return Reply::Error("ERR Invalid command specified");
  const CommandSpec& spec = *entry->spec;
  if (!HasKeyArguments(spec)) return Reply::Error("ERR The command has no key arguments");
  if (!ArityOk(spec.arity, line.size())) {
    return Reply::Error("ERR Invalid number of arguments specified for command");
  }
  std::vector<size_t> keys;
  if (CommandKeys(spec, line, &keys) != CommandKeysResult::kOk || keys.empty()) {
    return Reply::Error("ERR Invalid arguments specified for command");
  }
  std::vector<Reply> out;
  for (size_t i : keys) out.push_back(Reply::Bulk(std::string(line[i])));
  return Reply::Array(std::move(out));
}

Reply CommandHelpCommand(CommandContext&) {
  return HelpLines(
      {"COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", "(no subcommand)",
       "    Return details about all commands.", "COUNT",
       "    Return the total number of commands in this server.", "LIST",
       "    Return a list of all commands in this server.", "INFO [<command-name> ...]",
       "    Return details about the given commands.", "DOCS [<command-name> ...]",
       "    Return documentation details about the given commands.", "GETKEYS <full-command>",
       "    Return the keys from a full Redis command.", "HELP", "    Print this help."});
}

// ------------------------------- CLIENT --------------------------------------

// CLIENT ID
Reply ClientIdCommand(CommandContext& ctx) {
  return Reply::Integer(static_cast<int64_t>(ctx.client.info->id));
}

// CLIENT SETNAME name
Reply ClientSetNameCommand(CommandContext& ctx) {
  for (char c : ctx.arg(2)) {
    if (c < '!' || c > '~') {
      return Reply::Error(
          "ERR Client names cannot contain spaces, newlines or special characters.");
    }
  }
  ctx.server.clients().SetName(ctx.client.info->id, std::string(ctx.arg(2)));
  return Reply::Ok();
}

// CLIENT GETNAME
Reply ClientGetNameCommand(CommandContext& ctx) {
  std::string name = ctx.server.clients().GetName(ctx.client.info->id);
  return name.empty() ? Reply::Null() : Reply::Bulk(std::move(name));
}

// CLIENT LIST [TYPE NORMAL] [ID id ...]
Reply ClientListCommand(CommandContext& ctx) {
  std::vector<uint64_t> ids;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    if (EqualsIgnoreCase(ctx.arg(i), "TYPE") && i + 1 < ctx.argc()) {
      std::string type = ToLower(ctx.arg(++i));
      if (type != "normal" && type != "master" && type != "replica" && type != "pubsub") {
        return Reply::Error("ERR Unknown client type '" + std::string(ctx.arg(i)) + "'");
      }
      if (type != "normal") return Reply::Bulk("");
    } else if (EqualsIgnoreCase(ctx.arg(i), "ID") && i + 1 < ctx.argc()) {
      while (++i < ctx.argc()) {
        int64_t id = 0;
        if (!ParseInt64(ctx.arg(i), &id) || id <= 0) return Reply::Error("ERR Invalid client ID");
        ids.push_back(static_cast<uint64_t>(id));
      }
    } else {
      return Reply::Error(errors::kSyntax);
    }
  }
  if (ids.empty()) return Reply::Verbatim(ctx.server.clients().Describe(0, ctx.now_ms));
  std::string out;
  for (uint64_t id : ids) out += ctx.server.clients().Describe(id, ctx.now_ms);
  return Reply::Verbatim(std::move(out));
}

// CLIENT INFO
Reply ClientInfoCommand(CommandContext& ctx) {
  return Reply::Verbatim(ctx.server.clients().Describe(ctx.client.info->id, ctx.now_ms));
}

// CLIENT KILL ip:port | CLIENT KILL [ID id] [ADDR ip:port] [LADDR ip:port] [SKIPME yes/no]
Reply ClientKillCommand(CommandContext& ctx) {
  KillFilter filter;
  uint64_t self = ctx.client.info->id;
  if (ctx.argc() == 3) {  // the old form: one address, OK or an error
    filter.addr = std::string(ctx.arg(2));
    size_t killed = ctx.server.clients().Kill(filter);
    if (killed == 0) return Reply::Error("ERR No such client");
    if (ctx.client.info->kill_requested.load()) ctx.client.close_after_reply = true;
    return Reply::Ok();
  }
  if (ctx.argc() % 2 != 0) return Reply::Error(errors::kSyntax);
  bool skip_me = true;
  for (size_t i = 2; i < ctx.argc(); i += 2) {
    std::string_view option = ctx.arg(i);
    std::string_view value = ctx.arg(i + 1);
    if (EqualsIgnoreCase(option, "ID")) {
      int64_t id = 0;
      if (!ParseInt64(value, &id) || id <= 0) {
        return Reply::Error("ERR client-id should be greater than 0");
      }
      filter.id = static_cast<uint64_t>(id);
    } else if (EqualsIgnoreCase(option, "ADDR")) {
      filter.addr = std::string(value);
    } else if (EqualsIgnoreCase(option, "LADDR")) {
      filter.laddr = std::string(value);
    } else if (EqualsIgnoreCase(option, "TYPE")) {
      if (EqualsIgnoreCase(value, "normal")) {
        filter.type = KillFilter::Type::kNormal;
      } else if (EqualsIgnoreCase(value, "pubsub")) {
        filter.type = KillFilter::Type::kPubSub;
      } else if (EqualsIgnoreCase(value, "master") || EqualsIgnoreCase(value, "replica") ||
                 EqualsIgnoreCase(value, "slave")) {
        filter.type = KillFilter::Type::kNoClient;
      } else {
        return Reply::Error("ERR Unknown client type '" + std::string(value) + "'");
      }
    } else if (EqualsIgnoreCase(option, "USER")) {
      // Every connection is the default user's (AUTH has no other).
      if (value != "default") {
        return Reply::Error("ERR No such user '" + std::string(value) + "'");
      }
    } else if (EqualsIgnoreCase(option, "SKIPME")) {
      if (EqualsIgnoreCase(value, "yes")) {
        skip_me = true;
      } else if (EqualsIgnoreCase(value, "no")) {
        skip_me = false;
      } else {
        return Reply::Error(errors::kSyntax);
      }
    } else {
      return Reply::Error(errors::kSyntax);
    }
  }
  if (skip_me) filter.skip_id = self;
  size_t killed = ctx.server.clients().Kill(filter);
  if (ctx.client.info->kill_requested.load()) ctx.client.close_after_reply = true;
  return Reply::Integer(static_cast<int64_t>(killed));
}

// CLIENT REPLY ON | OFF | SKIP. ON also cancels a SKIP given just before it,
// so its own OK is sent, as in Redis.
Reply ClientReplyCommand(CommandContext& ctx) {
  ClientSession& client = ctx.client;
  if (EqualsIgnoreCase(ctx.arg(2), "ON")) {
    client.RepliesOn();
    return Reply::Ok();
  }
  if (EqualsIgnoreCase(ctx.arg(2), "OFF")) {
    client.replies_off = true;
    return Reply::None();
  }
  if (EqualsIgnoreCase(ctx.arg(2), "SKIP")) {
    if (!client.replies_off) client.skip_next_reply = true;
    return Reply::None();
  }
  return Reply::Error(errors::kSyntax);
}

// CLIENT UNBLOCK client-id [TIMEOUT | ERROR]
Reply ClientUnblockCommand(CommandContext& ctx) {
  int64_t id = 0;
  if (!ParseInt64(ctx.arg(2), &id)) return Reply::Error(errors::kNotInteger);
  Reply answer = Reply::NullArray();  // what a timeout answers
  if (ctx.argc() == 4) {
    if (EqualsIgnoreCase(ctx.arg(3), "ERROR")) {
      answer = Reply::Error("UNBLOCKED client unblocked via CLIENT UNBLOCK");
    } else if (!EqualsIgnoreCase(ctx.arg(3), "TIMEOUT")) {
      return Reply::Error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
    }
  } else if (ctx.argc() > 4) {
    return Reply::Error(errors::kSyntax);
  }
  return Reply::Integer(
      UnblockClient(ctx.server, static_cast<uint64_t>(id), std::move(answer)) ? 1 : 0);
}

Reply ClientHelpCommand(CommandContext&) {
  return HelpLines({"CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", "ID",
                    "    Return the ID of the current connection.", "GETNAME",
                    "    Return the name of the current connection.", "SETNAME <name>",
                    "    Assign the name <name> to the current connection.", "LIST [options ...]",
                    "    Return information about client connections.", "INFO",
                    "    Return information about the current client connection.",
                    "KILL <ip:port> | KILL <option> <value> [<option> <value> [...]]",
                    "    Kill connections. Options are ID, ADDR, LADDR, SKIPME.",
                    "UNBLOCK <clientid> [TIMEOUT|ERROR]",
                    "    Unblock the specified blocked client.", "HELP", "    Print this help."});
}

// ------------------------------- misc ----------------------------------------

// TIME
Reply TimeCommand(CommandContext&) {
  int64_t us = NowUs();
  std::vector<Reply> out;
  out.push_back(Reply::Bulk(std::to_string(us / 1000000)));
  out.push_back(Reply::Bulk(std::to_string(us % 1000000)));
  return Reply::Array(std::move(out));
}

// DEBUG LOCKGRAPH [GRAPH | DOT | STATS]
//   GRAPH (default): the process's lock-order graph as JSON (classes, edges,
//   cycles, contention profile); DOT: the same graph for Graphviz; STATS: the
//   contention profile per lock class, most total wait first (acquisitions and
//   hold times need LOCKGRAPH_OPTIONS=profile=1), and the detector's own counters.
Reply DebugLockgraphCommand(CommandContext& ctx) {
  if (ctx.argc() > 3) return Reply::Error(errors::kSyntax);
  const std::string_view what = ctx.argc() == 3 ? ctx.arg(2) : std::string_view("GRAPH");
  if (EqualsIgnoreCase(what, "GRAPH")) return Reply::Bulk(lockgraph::GraphJson());
  if (EqualsIgnoreCase(what, "DOT")) return Reply::Bulk(lockgraph::GraphDot());
  if (!EqualsIgnoreCase(what, "STATS")) return Reply::Error(errors::kSyntax);
  std::vector<Reply> rows;
  for (const lockgraph::LockProfile& p : lockgraph::GetProfile()) {
    std::vector<Reply> row;
    auto field = [&](const char* name, uint64_t value) {
      row.push_back(Reply::Bulk(name));
      row.push_back(Reply::Integer(static_cast<int64_t>(value)));
    };
    row.push_back(Reply::Bulk("class"));
    row.push_back(Reply::Bulk(p.name));
    field("acquisitions", p.acquisitions);
    field("contended", p.contended);
    field("wait_total_us", p.wait_total_ns / 1000);
    field("wait_max_us", p.wait_max_ns / 1000);
    field("hold_total_us", p.hold_total_ns / 1000);
    field("hold_max_us", p.hold_max_ns / 1000);
    field("long_waits", p.long_waits);
    field("long_holds", p.long_holds);
    rows.push_back(Reply::Map(std::move(row)));
  }
  const lockgraph::Stats s = lockgraph::GetStats();
  std::vector<Reply> detector;
  auto stat = [&](const char* name, uint64_t value) {
    detector.push_back(Reply::Bulk(name));
    detector.push_back(Reply::Integer(static_cast<int64_t>(value)));
  };
  stat("classes", s.classes);
  stat("live_nodes", s.live_nodes);
  stat("live_edges", s.live_edges);
  stat("reports", s.reports);
  stat("memory_bytes", s.memory_bytes);
  std::vector<Reply> out;
  out.push_back(Reply::Bulk("profile"));
  out.push_back(Reply::Array(std::move(rows)));
  out.push_back(Reply::Bulk("detector"));
  out.push_back(Reply::Map(std::move(detector)));
  return Reply::Map(std::move(out));
}

// DEBUG POPULATE count [prefix] [size]: creates keys prefix:0 .. prefix:count-1
// (default "key") whose values are "value:N", padded with zeros or cut to
// `size` bytes when given; existing keys are left alone, as in Redis.
Reply DebugPopulateCommand(CommandContext& ctx) {
  int64_t count = 0;
  if (!ParseInt64(ctx.arg(2), &count) || count < 0) {
    return Reply::Error("ERR count must be a non-negative integer");
  }
  std::string prefix = ctx.argc() > 3 ? std::string(ctx.arg(3)) : "key";
  int64_t size = -1;
  if (ctx.argc() > 4 && (!ParseInt64(ctx.arg(4), &size) || size < 0 || size > 1024 * 1024)) {
    return Reply::Error("ERR size must be an integer between 0 and 1048576");
  }
  if (ctx.argc() > 5) return Reply::Error(errors::kSyntax);
  Keyspace& keyspace = ctx.db();
  for (int64_t i = 0; i < count; ++i) {
    std::string key = prefix + ":" + std::to_string(i);
    uint64_t hash = Keyspace::Hash(key);
    Shard& shard = keyspace.ShardFor(hash);
    ShardLock lock(keyspace, shard);
    shard.AssertHeld();
    uint64_t expired = 0;
    if (shard.FindLocked(key, hash, ctx.now_ms, &expired) != nullptr) continue;
    Entry* e = shard.InsertLocked(std::move(key), hash, ctx.now_ms);
    shard.MutateValueLocked(e, [&](std::string& v) {
      v = "value:" + std::to_string(i);
      if (size >= 0) v.resize(static_cast<size_t>(size), '\0');
    });
  }
  return Reply::Ok();
}

// DEBUG SLEEP seconds (blocks this client's I/O thread, as in Redis)
Reply DebugSleepCommand(CommandContext& ctx) {
  long double seconds = 0;
  if (!ParseLongDouble(ctx.arg(2), &seconds) || seconds < 0 || seconds > 60) {
    return Reply::Error(errors::kNotFloat);
  }
  std::this_thread::sleep_for(std::chrono::microseconds(static_cast<int64_t>(seconds * 1e6L)));
  return Reply::Ok();
}

Reply DebugHelpCommand(CommandContext&) {
  return HelpLines({"DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                    "LOCKGRAPH [GRAPH|DOT|STATS]",
                    "    The server's lock-order graph as JSON (default) or DOT, or the lock",
                    "    contention profile (STATS; full with LOCKGRAPH_OPTIONS=profile=1).",
                    "POPULATE <count> [<prefix>] [<size>]",
                    "    Create <count> string keys named key:<num>, or <prefix>:<num>.",
                    "SLEEP <seconds>", "    Stop the server's I/O thread for <seconds>.", "HELP",
                    "    Print this help."});
}

// SHUTDOWN [NOSAVE | SAVE] [NOW] [FORCE] [ABORT]
//   Stops accepting, finishes the replies already produced for every client
//   (NOW: does not wait for them), persists as SAVE/NOSAVE say once
//   persistence exists, and exits 0. On success this client gets no reply: its
//   connection closes. ABORT cancels nothing here: a shutdown cannot be
//   stopped once it started, as no step of it waits for a replica.
Reply ShutdownCommand(CommandContext& ctx) {
  ShutdownOptions options;
  bool abort = false;
  for (size_t i = 1; i < ctx.argc(); ++i) {
    std::string_view opt = ctx.arg(i);
    if (EqualsIgnoreCase(opt, "NOSAVE")) {
      options.nosave = true;
    } else if (EqualsIgnoreCase(opt, "SAVE")) {
      options.save = true;
    } else if (EqualsIgnoreCase(opt, "NOW")) {
      options.now = true;
    } else if (EqualsIgnoreCase(opt, "FORCE")) {
      options.force = true;
    } else if (EqualsIgnoreCase(opt, "ABORT")) {
      abort = true;
    } else {
      return Reply::Error(errors::kSyntax);
    }
  }
  const bool any_option = options.nosave || options.save || options.now || options.force;
  if ((abort && any_option) || (options.save && options.nosave)) {
    return Reply::Error(errors::kSyntax);
  }
  if (abort) {
    return Reply::Error(ctx.server.shutdown_requested()
                            ? "ERR Shutdown in progress and it can no longer be aborted."
                            : "ERR No shutdown in progress.");
  }
  Log(LogLevel::kWarning, "User requested shutdown...");
  ctx.server.RequestShutdown(options);
  ctx.client.close_after_reply = true;
  return Reply::None();
}

Reply FunctionFlushCommand(CommandContext& ctx) {
  if (ctx.argc() > 3 || (ctx.argc() == 3 && !EqualsIgnoreCase(ctx.arg(2), "ASYNC") &&
                         !EqualsIgnoreCase(ctx.arg(2), "SYNC"))) {
    return Reply::Error("ERR Bad flush type " + std::string(ctx.arg(ctx.argc() - 1)));
  }
  return Reply::Ok();
}

}  // namespace cacheforge
