// server/commands/transaction_family.cc
// -----------------------------------------------------------------------------
// MULTI/EXEC/DISCARD/WATCH/UNWATCH; see the header for the semantics and the
// locking.
#include "commands/transaction_family.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "commands/command_keys.h"
#include "commands/command_table.h"
#include "commands/dispatcher.h"
#include "commands/key_access.h"
#include "commands/maxmemory.h"
#include "persist/aof_format.h"
#include "persist/append_only_file.h"
#include "util/numbers.h"
#include "util/strings.h"

namespace cacheforge {
namespace {

uint64_t ShardBit(const Keyspace& keyspace, std::string_view key) {
  return uint64_t{1} << keyspace.ShardIndex(Keyspace::Hash(key));
}

// Runs the queue under the held shards; the replies, in order.
std::vector<Reply> RunQueue(CommandContext& ctx, const MultiState& multi) {
  std::vector<Reply> replies;
  replies.reserve(multi.commands.size());
  std::vector<std::string_view> views;
  for (const QueuedCommand& queued : multi.commands) {
    views.assign(queued.args.begin(), queued.args.end());
    CommandContext sub{ctx.server, ctx.client, ctx.stats, views, ctx.now_ms};
    replies.push_back(Call(sub, *queued.entry));
  }
  return replies;
}

// Whether a watched key changed since WATCH. A watched key whose TTL has
// passed counts as changed, as in Redis: looking it up deletes it, which
// marks the flag.
bool WatchedKeysChanged(CommandContext& ctx) {
  WatchState& watch = ctx.client.watch;
  if (watch.flag == nullptr) return false;
  for (const auto& [db, key] : watch.keys) {
    uint64_t hash = Keyspace::Hash(key);
    Shard& shard = ctx.server.db(db).ShardFor(hash);
    shard.AssertHeld();
    uint64_t expired = 0;
    shard.FindLocked(key, hash, ctx.now_ms, &expired);
    if (expired != 0) ctx.stats.expired_keys.Add(expired);
  }
  return watch.flag->dirty.load(std::memory_order_relaxed);
}

// The queued writes' records as the AOF gets them: one write alone, several
// wrapped in MULTI ... EXEC so that a replay applies all or none.
std::string AofGroup(const ExecScope& scope) {
  if (scope.aof_count == 1) return scope.aof_records;
  std::string group;
  AppendAofCommand({"MULTI"}, &group);
  group += scope.aof_records;
  AppendAofCommand({"EXEC"}, &group);
  return group;
}

}  // namespace

void AddQueuedShards(Databases& dbs, const QueuedCommand& command, int* db,
                     std::vector<uint64_t>* masks) {
  const CommandSpec& spec = *command.entry->spec;
  const std::vector<std::string>& args = command.args;
  const int argc = static_cast<int>(args.size());
  std::vector<uint64_t>& m = *masks;
  auto all_of = [&](int d) { m[static_cast<size_t>(d)] = ShardSetLock::AllShards(dbs.db(d)); };
  auto add_key = [&](int d, std::string_view key) {
    m[static_cast<size_t>(d)] |= ShardBit(dbs.db(d), key);
  };
  // A database number argument; false when it is not one (the command fails
  // before touching that database).
  auto db_arg = [&](int i, int* out) {
    int64_t n = 0;
    if (i >= argc || !ParseInt64(args[static_cast<size_t>(i)], &n) || n < 0 || n >= dbs.count()) {
      return false;
    }
    *out = static_cast<int>(n);
    return true;
  };
  if (spec.flags & kCmdAllDbs) {
    for (int d = 0; d < dbs.count(); ++d) all_of(d);
    return;
  }
  // The commands that name a database, not only keys of the selected one.
  const std::string_view name = spec.name;
  int other = 0;
  if (name == "select") {
    if (db_arg(1, &other)) *db = other;
    return;
  }
  if (name == "swapdb") {
    int first = 0;
    if (db_arg(1, &first) && db_arg(2, &other)) {
      all_of(first);
      all_of(other);
    }
    return;
  }
  // SORT's BY and GET patterns and its STORE key are not in the key spec.
  if (name == "sort" || name == "sort_ro") {
    all_of(*db);
    return;
  }
  if (name == "move" && argc > 2 && db_arg(2, &other)) add_key(other, args[1]);
  if (name == "copy" && argc > 2) {
    for (int i = 3; i + 1 < argc; ++i) {
      if (EqualsIgnoreCase(args[static_cast<size_t>(i)], "db") && db_arg(i + 1, &other)) {
        add_key(other, args[2]);
      }
    }
  }
  // A command that names no keys may read or change any of the selected
  // database's (FLUSHDB, KEYS, DBSIZE, RANDOMKEY): it needs them all. A bad
  // count of keys makes the command fail before it touches one; locking the
  // whole database keeps that case simple.
  std::vector<std::string_view> views(args.begin(), args.end());
  std::vector<size_t> keys;
  if (CommandKeys(spec, views, &keys) != CommandKeysResult::kOk) {
    all_of(*db);
    return;
  }
  for (size_t i : keys) add_key(*db, args[i]);
}

Reply QueueCommand(CommandContext& ctx, const CommandEntry& entry) {
  MultiState& multi = ctx.client.multi;
  // A doomed transaction keeps nothing (a pipelining client may not have
  // read the error yet).
  if (!multi.aborted) multi.commands.push_back({&entry, {ctx.args.begin(), ctx.args.end()}});
  ctx.client.info->multi_queued.store(static_cast<int>(multi.commands.size()),
                                      std::memory_order_relaxed);
  return Reply::Status("QUEUED");
}

void UnwatchAll(Databases& dbs, WatchState& watch) {
  for (const auto& [db, key] : watch.keys) {
    Keyspace& keyspace = dbs.db(db);
    Shard& shard = keyspace.ShardFor(Keyspace::Hash(key));
    ShardLock lock(keyspace, shard);
    shard.AssertHeld();
    shard.UnwatchLocked(key, watch.flag.get());
  }
  watch.keys.clear();
  if (watch.flag != nullptr) watch.flag->dirty.store(false, std::memory_order_relaxed);
}

// MULTI
Reply MultiCommand(CommandContext& ctx) {
  if (ctx.client.multi.active) return Reply::Error("ERR MULTI calls can not be nested");
  ctx.client.multi.active = true;
  ctx.client.info->multi_queued.store(0, std::memory_order_relaxed);
  return Reply::Ok();
}

void LeaveTransaction(Databases& dbs, ClientSession& client) {
  client.multi = {};
  client.info->multi_queued.store(-1, std::memory_order_relaxed);
  UnwatchAll(dbs, client.watch);
}

// DISCARD
Reply DiscardCommand(CommandContext& ctx) {
  if (!ctx.client.multi.active) return Reply::Error("ERR DISCARD without MULTI");
  LeaveTransaction(ctx.server.databases(), ctx.client);
  return Reply::Ok();
}

// WATCH key [key ...]
Reply WatchCommand(CommandContext& ctx) {
  if (ctx.client.multi.active) return Reply::Error("ERR WATCH inside MULTI is not allowed");
  WatchState& watch = ctx.client.watch;
  if (watch.flag == nullptr) watch.flag = std::make_shared<WatchFlag>();
  // Already doomed: watching more cannot save it.
  if (watch.flag->dirty.load(std::memory_order_relaxed)) return Reply::Ok();
  for (size_t i = 1; i < ctx.argc(); ++i) {
    std::string_view key = ctx.arg(i);
    WatchedKey watched{ctx.client.db, std::string(key)};
    if (std::find(watch.keys.begin(), watch.keys.end(), watched) != watch.keys.end()) continue;
    KeyLock lock(ctx, key);
    // A key whose TTL passed goes now, before the watch starts: deleting a
    // key that was already logically gone is no change (Redis's rule for
    // stale keys).
    lock.Peek();
    Shard& shard = lock.shard();
    shard.AssertHeld();
    shard.WatchLocked(key, watch.flag);
    watch.keys.push_back(std::move(watched));
  }
  return Reply::Ok();
}

// UNWATCH
Reply UnwatchCommand(CommandContext& ctx) {
  UnwatchAll(ctx.server.databases(), ctx.client.watch);
  return Reply::Ok();
}

// EXEC
Reply ExecCommand(CommandContext& ctx) {
  ClientSession& client = ctx.client;
  if (!client.multi.active) return Reply::Error("ERR EXEC without MULTI");
  MultiState multi = std::move(client.multi);
  client.multi = {};
  client.info->multi_queued.store(-1, std::memory_order_relaxed);
  Databases& dbs = ctx.server.databases();
  if (multi.aborted) {
    UnwatchAll(dbs, client.watch);
    return Reply::Error("EXECABORT Transaction discarded because of previous errors.");
  }
  // Room for the whole queue is made once, before any lock: eviction takes
  // shard locks one at a time.
  const bool grows =
      std::any_of(multi.commands.begin(), multi.commands.end(),
                  [](const QueuedCommand& q) { return (q.entry->spec->flags & kCmdDenyOom) != 0; });
  if (grows && !client.replaying_aof && !MakeRoomForWrite(ctx)) {
    UnwatchAll(dbs, client.watch);
    return Reply::Error(std::string("EXECABORT Transaction discarded because of: ") + errors::kOom);
  }
  std::vector<uint64_t> masks = dbs.NoShards();
  int db = client.db;
  for (const QueuedCommand& queued : multi.commands) AddQueuedShards(dbs, queued, &db, &masks);
  for (const auto& [watched_db, key] : client.watch.keys) {
    masks[static_cast<size_t>(watched_db)] |= ShardBit(dbs.db(watched_db), key);
  }

  ExecScope scope;
  std::vector<Reply> replies;
  bool changed = false;
  {
    TransactionShards shards(dbs, std::move(masks));
    changed = WatchedKeysChanged(ctx);
    if (!changed) {
      client.exec = &scope;
      replies = RunQueue(ctx, multi);
      client.exec = nullptr;
      AppendOnlyFile* aof = ctx.server.aof();
      if (scope.aof_count > 0 && aof != nullptr) {
        ctx.aof_offset = aof->AppendEncoded(AofGroup(scope), scope.aof_first_db, scope.aof_last_db);
      }
    }
  }
  UnwatchAll(dbs, client.watch);
  for (auto& work : scope.after_unlock) work();
  if (changed) return Reply::NullArray();
  return Reply::Array(std::move(replies));
}

}  // namespace cacheforge
