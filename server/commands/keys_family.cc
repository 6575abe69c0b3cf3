// server/commands/keys_family.cc
// -----------------------------------------------------------------------------
// Generic key commands. Commands over several keys (DEL, EXISTS, RENAME) lock
// all involved shards at once in ascending order, so each is atomic; commands
// over the whole keyspace (KEYS, SCAN, DBSIZE) visit one shard at a time, as
// a snapshot of all shards would stall every client.
#include "commands/keys_family.h"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "commands/key_access.h"
#include "commands/scan_args.h"
#include "util/glob.h"
#include "util/numbers.h"
#include "util/strings.h"

namespace cacheforge {
// DEL key [key ...] / UNLINK key [key ...]
Reply DelCommand(CommandContext& ctx) {
  auto keys = ctx.args.subspan(1);
  KeysLock lock(ctx, keys);
  int64_t deleted = 0;
  for (std::string_view key : keys) {
    if (Entry* e = lock.Find(key)) {
      lock.Erase(key, e);
      ctx.Notify(kNotifyGeneric, "del", key);
      ++deleted;
    }
  }
  return Reply::Integer(deleted);
}

namespace {

// How many of the command's key arguments are live (a key named twice counts
// twice); with `touch`, each found key counts as an access and a read.
Reply CountLiveKeys(CommandContext& ctx, bool touch) {
  auto keys = ctx.args.subspan(1);
  KeysLock lock(ctx, keys);
  int64_t found = 0;
  for (std::string_view key : keys) {
    found += (touch ? lock.FindForRead(key) : lock.Peek(key)) != nullptr ? 1 : 0;
  }
  return Reply::Integer(found);
}

}  // namespace

// EXISTS key [key ...]. Not an access: an idle key stays idle for eviction,
// as in Redis.
Reply ExistsCommand(CommandContext& ctx) { return CountLiveKeys(ctx, /*touch=*/false); }

// TOUCH key [key ...]: the keys that exist, each now accessed.
Reply TouchCommand(CommandContext& ctx) { return CountLiveKeys(ctx, /*touch=*/true); }

// TYPE key (not an access)
Reply TypeCommand(CommandContext& ctx) {
  KeyLock key(ctx, ctx.arg(1));
  Entry* e = key.Peek();
  return Reply::Status(e != nullptr ? TypeName(e->type()) : "none");
}

namespace {

// RENAME/RENAMENX: moves src to dst, keeping src's TTL.
Reply Rename(CommandContext& ctx, bool only_if_new) {
  std::string_view names[2] = {ctx.arg(1), ctx.arg(2)};
  KeysLock lock(ctx, names);
  Entry* src = lock.Find(names[0]);
  if (src == nullptr) return Reply::Error(errors::kNoSuchKey);
  if (names[0] == names[1]) return only_if_new ? Reply::Integer(0) : Reply::Ok();
  Entry* dst = lock.Find(names[1]);
  if (dst != nullptr && only_if_new) return Reply::Integer(0);
  Shard& src_shard = lock.ShardOf(names[0]);
  Shard& dst_shard = lock.ShardOf(names[1]);
  src_shard.AssertHeld();
  dst_shard.AssertHeld();
  if (dst == nullptr) dst = dst_shard.InsertLocked(std::string(names[1]), Keyspace::Hash(names[1]));
  dst_shard.MoveValueLocked(dst, src_shard, src);
  dst_shard.SetExpireLocked(dst, src_shard.ExpireAtLocked(src));
  // The value keeps its access history under its new name, as in Redis.
  dst->lru = src->lru;
  dst->lfu = src->lfu;
  src_shard.EraseLocked(src);
  ctx.Notify(kNotifyGeneric, "rename_from", names[0]);
  ctx.Notify(kNotifyGeneric, "rename_to", names[1]);
  return only_if_new ? Reply::Integer(1) : Reply::Ok();
}

}  // namespace

namespace {

// Replaces `dst` (null: none) with a deep copy of `src`, TTL included. Both
// shards are locked by the caller.
void CopyEntryLocked(CommandContext& ctx, Shard& src_shard, Entry* src, Shard& dst_shard,
                     Entry* dst, std::string_view dst_name) {
  src_shard.AssertHeld();
  dst_shard.AssertHeld();
  if (dst != nullptr) dst_shard.EraseLocked(dst);
  dst = dst_shard.InsertLocked(std::string(dst_name), Keyspace::Hash(dst_name), ctx.now_ms);
  dst_shard.CopyValueLocked(dst, *src);
  dst_shard.SetExpireLocked(dst, src_shard.ExpireAtLocked(src));
}

}  // namespace

std::optional<Reply> ParseDbIndex(const CommandContext& ctx, std::string_view text,
                                  std::string_view not_a_number, int* db) {
  int64_t index = 0;
  if (!ParseInt64(text, &index) || index < INT32_MIN || index > INT32_MAX) {
    return Reply::Error(std::string(not_a_number));
  }
  if (index < 0 || index >= ctx.server.databases().count()) {
    return Reply::Error("ERR DB index is out of range");
  }
  *db = static_cast<int>(index);
  return std::nullopt;
}

// COPY source destination [DB destination-db] [REPLACE]: a deep copy, TTL
// included, into the selected database or another one.
Reply CopyCommand(CommandContext& ctx) {
  bool replace = false;
  int dst_db = ctx.client.db;
  for (size_t i = 3; i < ctx.argc(); ++i) {
    if (EqualsIgnoreCase(ctx.arg(i), "REPLACE")) {
      replace = true;
    } else if (EqualsIgnoreCase(ctx.arg(i), "DB") && i + 1 < ctx.argc()) {
      if (auto error = ParseDbIndex(ctx, ctx.arg(++i), errors::kNotInteger, &dst_db)) {
        return *error;
      }
    } else {
      return Reply::Error(errors::kSyntax);
    }
  }
  std::string_view names[2] = {ctx.arg(1), ctx.arg(2)};
  if (dst_db == ctx.client.db && names[0] == names[1]) {
    return Reply::Error("ERR source and destination objects are the same");
  }
  if (dst_db != ctx.client.db) {
    DbKeysLock lock(ctx, ctx.client.db, names[0], dst_db, names[1]);
    Entry* src = lock.FindSrc(names[0]);
    if (src == nullptr) return Reply::Integer(0);
    Entry* dst = lock.FindDst(names[1]);
    if (dst != nullptr && !replace) return Reply::Integer(0);
    CopyEntryLocked(ctx, lock.src_shard(), src, lock.dst_shard(), dst, names[1]);
    ctx.server.keyspace_events().Notify(kNotifyGeneric, "copy_to", names[1], dst_db);
    return Reply::Integer(1);
  }
  KeysLock lock(ctx, names);
  Entry* src = lock.Find(names[0]);
  if (src == nullptr) return Reply::Integer(0);
  Entry* dst = lock.Find(names[1]);
  if (dst != nullptr && !replace) return Reply::Integer(0);
  CopyEntryLocked(ctx, lock.ShardOf(names[0]), src, lock.ShardOf(names[1]), dst, names[1]);
  ctx.Notify(kNotifyGeneric, "copy_to", names[1]);
  return Reply::Integer(1);
}

// MOVE key db: the key, its value, TTL and access history, to another
// database, unless a key of that name is there already.
Reply MoveCommand(CommandContext& ctx) {
  int dst_db = 0;
  if (auto error = ParseDbIndex(ctx, ctx.arg(2), errors::kNotInteger, &dst_db)) return *error;
  if (dst_db == ctx.client.db) {
    return Reply::Error("ERR source and destination objects are the same");
  }
  std::string_view key = ctx.arg(1);
  DbKeysLock lock(ctx, ctx.client.db, key, dst_db, key);
  Entry* src = lock.FindSrc(key);
  if (src == nullptr) return Reply::Integer(0);
  if (lock.FindDst(key) != nullptr) return Reply::Integer(0);
  Shard& src_shard = lock.src_shard();
  Shard& dst_shard = lock.dst_shard();
  src_shard.AssertHeld();
  dst_shard.AssertHeld();
  Entry* dst = dst_shard.InsertLocked(std::string(key), Keyspace::Hash(key), ctx.now_ms);
  dst_shard.MoveValueLocked(dst, src_shard, src);
  dst_shard.SetExpireLocked(dst, src_shard.ExpireAtLocked(src));
  dst->lru = src->lru;
  dst->lfu = src->lfu;
  src_shard.EraseLocked(src);
  ctx.Notify(kNotifyGeneric, "move_from", key);
  ctx.server.keyspace_events().Notify(kNotifyGeneric, "move_to", key, dst_db);
  return Reply::Integer(1);
}

// SWAPDB index1 index2: every client of one database sees the other's data.
// All shards of both are locked at once (DbShardsLock), and each shard's
// data swaps with its counterpart's: same shard count, same hashing.
Reply SwapDbCommand(CommandContext& ctx) {
  // Both numbers are parsed before either is checked against the range.
  int64_t numbers[2] = {0, 0};
  if (!ParseInt64(ctx.arg(1), &numbers[0]) || numbers[0] < INT32_MIN || numbers[0] > INT32_MAX) {
    return Reply::Error("ERR invalid first DB index");
  }
  if (!ParseInt64(ctx.arg(2), &numbers[1]) || numbers[1] < INT32_MIN || numbers[1] > INT32_MAX) {
    return Reply::Error("ERR invalid second DB index");
  }
  int first = 0, second = 0;
  if (auto error = ParseDbIndex(ctx, ctx.arg(1), "", &first)) return *error;
  if (auto error = ParseDbIndex(ctx, ctx.arg(2), "", &second)) return *error;
  Databases& dbs = ctx.server.databases();
  if (first != second) {
    std::vector<uint64_t> masks = dbs.NoShards();
    masks[static_cast<size_t>(first)] = ShardSetLock::AllShards(dbs.db(first));
    masks[static_cast<size_t>(second)] = ShardSetLock::AllShards(dbs.db(second));
    DbShardsLock lock(dbs, masks);
    for (int i = 0; i < dbs.shards_per_db(); ++i) {
      Shard& a = dbs.db(first).shard(i);
      Shard& b = dbs.db(second).shard(i);
      a.AssertHeld();
      b.AssertHeld();
      a.SwapDataLocked(b);
    }
    ctx.NoteChange();
  } else {
    ctx.NoteChange();  // Redis records it all the same
  }
  return Reply::Ok();
}

Reply RenameCommand(CommandContext& ctx) { return Rename(ctx, false); }
Reply RenameNxCommand(CommandContext& ctx) { return Rename(ctx, true); }

namespace {

// EXPIRE key seconds [NX | XX | GT | LT] and its three siblings.
Reply SetExpire(CommandContext& ctx, bool seconds, bool absolute) {
  bool nx = false, xx = false, gt = false, lt = false;
  for (size_t i = 3; i < ctx.argc(); ++i) {
    std::string_view opt = ctx.arg(i);
    if (EqualsIgnoreCase(opt, "NX")) {
      nx = true;
    } else if (EqualsIgnoreCase(opt, "XX")) {
      xx = true;
    } else if (EqualsIgnoreCase(opt, "GT")) {
      gt = true;
    } else if (EqualsIgnoreCase(opt, "LT")) {
      lt = true;
    } else {
      return Reply::Error("ERR Unsupported option " + std::string(opt));
    }
  }
  if (nx && (xx || gt || lt)) {
    return Reply::Error("ERR NX and XX, GT or LT options at the same time are not compatible");
  }
  if (gt && lt) return Reply::Error("ERR GT and LT options at the same time are not compatible");
  // Redis checks the options before the time.
  int64_t when = 0;
  if (!ParseInt64(ctx.arg(2), &when)) return Reply::Error(errors::kNotInteger);
  std::string invalid = "ERR invalid expire time in '" + ToLower(ctx.arg(0)) + "' command";
  if (seconds) {
    if (when > INT64_MAX / 1000 || when < INT64_MIN / 1000) return Reply::Error(invalid);
    when *= 1000;
  }
  if (!absolute) {
    if ((when > 0 && ctx.now_ms > INT64_MAX - when)) return Reply::Error(invalid);
    when += ctx.now_ms;
  }
  KeyLock key(ctx, ctx.arg(1));
  Entry* e = key.Find();
  if (e == nullptr) return Reply::Integer(0);
  int64_t current = key.ExpireAt(e);
  // A key without a TTL counts as expiring never (infinitely late) for GT/LT.
  if (nx && current != kNoExpiry) return Reply::Integer(0);
  if (xx && current == kNoExpiry) return Reply::Integer(0);
  if (gt && (current == kNoExpiry || when <= current)) return Reply::Integer(0);
  if (lt && current != kNoExpiry && when >= current) return Reply::Integer(0);
  if (when <= ctx.now_ms) {
    key.Erase(e);
    ctx.Notify(kNotifyGeneric, "del", ctx.arg(1));
  } else {
    key.SetExpire(e, when);
    ctx.Notify(kNotifyGeneric, "expire", ctx.arg(1));
  }
  // Recorded as an absolute time so a replay does not restart the TTL.
  if (ctx.aof != nullptr) {
    ctx.propagate_as = {"PEXPIREAT", std::string(ctx.arg(1)), std::to_string(when)};
  }
  return Reply::Integer(1);
}

// TTL/PTTL/EXPIRETIME/PEXPIRETIME: -2 no key, -1 no TTL. Not an access.
Reply ReadExpire(CommandContext& ctx, bool seconds, bool absolute) {
  KeyLock key(ctx, ctx.arg(1));
  Entry* e = key.PeekForRead();
  if (e == nullptr) return Reply::Integer(-2);
  const int64_t expire_at = key.ExpireAt(e);
  if (expire_at == kNoExpiry) return Reply::Integer(-1);
  int64_t value = absolute ? expire_at : std::max<int64_t>(expire_at - ctx.now_ms, 0);
  if (seconds) value = absolute ? value / 1000 : (value + 500) / 1000;
  return Reply::Integer(value);
}

}  // namespace

Reply ExpireCommand(CommandContext& ctx) { return SetExpire(ctx, true, false); }
Reply PExpireCommand(CommandContext& ctx) { return SetExpire(ctx, false, false); }
Reply ExpireAtCommand(CommandContext& ctx) { return SetExpire(ctx, true, true); }
Reply PExpireAtCommand(CommandContext& ctx) { return SetExpire(ctx, false, true); }
Reply TtlCommand(CommandContext& ctx) { return ReadExpire(ctx, true, false); }
Reply PTtlCommand(CommandContext& ctx) { return ReadExpire(ctx, false, false); }
Reply ExpireTimeCommand(CommandContext& ctx) { return ReadExpire(ctx, true, true); }
Reply PExpireTimeCommand(CommandContext& ctx) { return ReadExpire(ctx, false, true); }

// PERSIST key
Reply PersistCommand(CommandContext& ctx) {
  KeyLock key(ctx, ctx.arg(1));
  Entry* e = key.Find();
  if (e == nullptr || !e->has_expire()) return Reply::Integer(0);
  key.SetExpire(e, kNoExpiry);
  ctx.Notify(kNotifyGeneric, "persist", ctx.arg(1));
  return Reply::Integer(1);
}

// KEYS pattern
Reply KeysCommand(CommandContext& ctx) {
  std::string_view pattern = ctx.arg(1);
  bool all = pattern == "*";
  std::vector<Reply> keys;
  Keyspace& keyspace = ctx.db();
  for (int i = 0; i < keyspace.shard_count(); ++i) {
    Shard& shard = keyspace.shard(i);
    ShardLock lock(keyspace, shard);
    shard.AssertHeld();
    uint64_t cursor = 0;
    do {
      cursor = shard.DictLocked().Scan(cursor, [&](Entry* e) {
        shard.AssertHeld();  // the scan runs under `lock`
        if (shard.IsExpiredLocked(e, ctx.now_ms)) return;
        if (all || GlobMatch(pattern, e->key)) keys.push_back(Reply::Bulk(e->key));
      });
    } while (cursor != 0);
  }
  return Reply::Array(std::move(keys));
}

// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
//
// The cursor is the shard's Dict cursor times 64 plus the shard index, so one
// SCAN walks shard 0 to the end, then shard 1, and so on.
Reply ScanCommand(CommandContext& ctx) {
  ScanArgs args;
  if (auto error = ParseScanArgs(ctx, 1, /*allow_type=*/true, &args)) return std::move(*error);
  const uint64_t cursor = args.cursor;
  const std::string_view pattern = args.pattern;
  const bool has_pattern = args.has_pattern;
  const int64_t count = args.count;
  const std::string& type_filter = args.type;
  Keyspace& keyspace = ctx.db();
  int shard_index = static_cast<int>(cursor % 64);
  uint64_t dict_cursor = cursor / 64;
  std::vector<Reply> keys;
  // Like Redis, bound the buckets visited so a sparse table cannot stall us.
  int64_t budget = count * 10;
  while (shard_index < keyspace.shard_count() && budget > 0 &&
         static_cast<int64_t>(keys.size()) < count) {
    Shard& shard = keyspace.shard(shard_index);
    ShardLock lock(keyspace, shard);
    shard.AssertHeld();
    do {
      dict_cursor = shard.DictLocked().Scan(dict_cursor, [&](Entry* e) {
        shard.AssertHeld();  // the scan runs under `lock`
        if (shard.IsExpiredLocked(e, ctx.now_ms)) return;
        if (has_pattern && !GlobMatch(pattern, e->key)) return;
        if (!type_filter.empty() && type_filter != TypeName(e->type())) return;
        keys.push_back(Reply::Bulk(e->key));
      });
    } while (dict_cursor != 0 && --budget > 0 && static_cast<int64_t>(keys.size()) < count);
    if (dict_cursor == 0) ++shard_index;
  }
  uint64_t next = shard_index >= keyspace.shard_count() ? 0 : dict_cursor * 64 + shard_index;
  std::vector<Reply> reply;
  reply.push_back(Reply::Bulk(std::to_string(next)));
  reply.push_back(Reply::Array(std::move(keys)));
  return Reply::Array(std::move(reply));
}

// RANDOMKEY
Reply RandomKeyCommand(CommandContext& ctx) {
  Keyspace& keyspace = ctx.db();
  thread_local std::mt19937_64 rng{std::random_device{}()};
  int start = static_cast<int>(rng() % static_cast<uint64_t>(keyspace.shard_count()));
  for (int n = 0; n < keyspace.shard_count(); ++n) {
    Shard& shard = keyspace.shard((start + n) % keyspace.shard_count());
    ShardLock lock(keyspace, shard);
    shard.AssertHeld();
    uint64_t expired = 0;
    Entry* e = shard.RandomEntryLocked(ctx.now_ms, &expired);
    if (expired != 0) ctx.stats.expired_keys.Add(expired);
    if (e != nullptr) return Reply::Bulk(e->key);
  }
  return Reply::Null();
}

// DBSIZE
Reply DbSizeCommand(CommandContext& ctx) {
  Keyspace& keyspace = ctx.db();
  int64_t total = 0;
  for (int i = 0; i < keyspace.shard_count(); ++i) {
    Shard& shard = keyspace.shard(i);
    ShardLock lock(keyspace, shard);
    shard.AssertHeld();
    total += static_cast<int64_t>(shard.SizeLocked());
  }
  return Reply::Integer(total);
}

namespace {

bool ValidFlushArgs(const CommandContext& ctx) {
  return ctx.argc() == 1 || (ctx.argc() == 2 && (EqualsIgnoreCase(ctx.arg(1), "ASYNC") ||
                                                 EqualsIgnoreCase(ctx.arg(1), "SYNC")));
}

}  // namespace

// FLUSHDB [ASYNC | SYNC]: the selected database.
Reply FlushDbCommand(CommandContext& ctx) {
  if (!ValidFlushArgs(ctx)) return Reply::Error(errors::kSyntax);
  Keyspace& keyspace = ctx.db();
  KeysLock lock(ctx, ShardSetLock::AllShards(keyspace));
  for (int i = 0; i < keyspace.shard_count(); ++i) {
    keyspace.shard(i).AssertHeld();
    keyspace.shard(i).ClearLocked();
  }
  return Reply::Ok();
}

// FLUSHALL [ASYNC | SYNC]: every database, all shards locked at once so no
// client sees some databases emptied and others not.
Reply FlushAllCommand(CommandContext& ctx) {
  if (!ValidFlushArgs(ctx)) return Reply::Error(errors::kSyntax);
  Databases& dbs = ctx.server.databases();
  std::vector<uint64_t> masks = dbs.NoShards();
  for (int d = 0; d < dbs.count(); ++d) {
    masks[static_cast<size_t>(d)] = ShardSetLock::AllShards(dbs.db(d));
  }
  DbShardsLock lock(dbs, masks);
  for (int d = 0; d < dbs.count(); ++d) {
    Keyspace& keyspace = dbs.db(d);
    for (int i = 0; i < keyspace.shard_count(); ++i) {
      keyspace.shard(i).AssertHeld();
      keyspace.shard(i).ClearLocked();
    }
  }
  // Recorded even when there was nothing to delete, as Redis does.
  ctx.NoteChange();
  return Reply::Ok();
}

}  // namespace cacheforge
