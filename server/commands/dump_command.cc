// server/commands/dump_command.cc
// -----------------------------------------------------------------------------
// RESTORE follows Redis 7.0's order of checks (options, an existing key, the
// TTL, the payload's footer, its contents) and error texts. A restored
// collection takes the encoding its size calls for under this server's
// thresholds, whatever encoding the payload carried. IDLETIME and FREQ set
// the restored key's access history (the LRU clock is kept under every
// policy here, so IDLETIME applies under an LFU policy too, where Redis
// ignores it).
#include "commands/dump_command.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include "commands/collection_access.h"
#include "commands/key_access.h"
#include "persist/rdb_payload.h"
#include "store/access.h"
#include "store/hash_object.h"
#include "store/list_object.h"
#include "store/set_object.h"
#include "store/zset_object.h"
#include "util/numbers.h"
#include "util/strings.h"

namespace cacheforge {
namespace {

// The longest idle time the LRU clock represents (about 248 days).
constexpr int64_t kMaxIdleSeconds = int64_t{INT32_MAX} * kLruTickMs / 1000;

struct RestoreArgs {
  bool replace = false;
  bool absttl = false;
  int64_t idle_seconds = -1;
  int64_t frequency = -1;
};

std::optional<Reply> ParseRestoreArgs(const CommandContext& ctx, RestoreArgs* out) {
  for (size_t i = 4; i < ctx.argc(); ++i) {
    const bool more = i + 1 < ctx.argc();
    if (EqualsIgnoreCase(ctx.arg(i), "REPLACE")) {
      out->replace = true;
    } else if (EqualsIgnoreCase(ctx.arg(i), "ABSTTL")) {
      out->absttl = true;
    } else if (EqualsIgnoreCase(ctx.arg(i), "IDLETIME") && more && out->frequency == -1) {
      if (!ParseInt64(ctx.arg(++i), &out->idle_seconds)) return Reply::Error(errors::kNotInteger);
      if (out->idle_seconds < 0) return Reply::Error("ERR Invalid IDLETIME value, must be >= 0");
    } else if (EqualsIgnoreCase(ctx.arg(i), "FREQ") && more && out->idle_seconds == -1) {
      if (!ParseInt64(ctx.arg(++i), &out->frequency)) return Reply::Error(errors::kNotInteger);
      if (out->frequency < 0 || out->frequency > 255) {
        return Reply::Error("ERR Invalid FREQ value, must be >= 0 and <= 255");
      }
    } else {
      return Reply::Error(errors::kSyntax);
    }
  }
  return std::nullopt;
}

// Creates `key` (absent) holding `value`.
Entry* CreateFrom(CommandContext& ctx, KeyLock& key, RdbValue& value) {
  const EncodingLimits limits = ctx.server.config().encoding_limits();
  switch (value.type) {
    case ValueType::kString: {
      Entry* e = key.Insert();
      key.Assign(e, value.string_value);
      return e;
    }
    case ValueType::kList: {
      Found<ListObject> list = Create<ListObject>(key, ListFill(ctx));
      key.MutateObject<ListObject>(list.entry, [&](ListObject& l) {
        for (const std::string& element : value.elements) l.list().PushBack(element);
      });
      return list.entry;
    }
    case ValueType::kHash: {
      Found<HashValue> hash = Create<HashValue>(key);
      key.MutateObject<HashValue>(hash.entry, [&](HashValue& h) {
        for (size_t i = 0; i + 1 < value.elements.size(); i += 2) {
          h.Set(value.elements[i], value.elements[i + 1], limits);
        }
      });
      return hash.entry;
    }
    case ValueType::kSet: {
      Found<SetObject> set = Create<SetObject>(key);
      key.MutateObject<SetObject>(set.entry, [&](SetObject& s) {
        for (const std::string& member : value.elements) s.Add(member, limits);
      });
      return set.entry;
    }
    case ValueType::kZset: {
      Found<ZsetObject> zset = Create<ZsetObject>(key);
      key.MutateObject<ZsetObject>(zset.entry, [&](ZsetObject& z) {
        for (const auto& [member, score] : value.scored) z.Set(member, score, limits);
      });
      return zset.entry;
    }
  }
  return nullptr;
}

}  // namespace

Reply DumpCommand(CommandContext& ctx) {
  KeyLock key(ctx, ctx.arg(1));
  Entry* e = key.FindForRead();
  if (e == nullptr) return Reply::Null();
  return Reply::Bulk(EncodeDumpPayload(*e));
}

Reply RestoreCommand(CommandContext& ctx) {
  RestoreArgs args;
  if (auto error = ParseRestoreArgs(ctx, &args)) return std::move(*error);
  KeyLock key(ctx, ctx.arg(1));
  Entry* existing = key.Find();
  if (existing != nullptr && !args.replace) {
    return Reply::Error("BUSYKEY Target key name already exists.");
  }
  int64_t ttl = 0;
  if (!ParseInt64(ctx.arg(2), &ttl)) return Reply::Error(errors::kNotInteger);
  if (ttl < 0) return Reply::Error("ERR Invalid TTL value, must be >= 0");
  RdbValue value;
  switch (DecodeDumpPayload(ctx.arg(3), &value)) {
    case PayloadError::kNone:
      break;
    case PayloadError::kVersionOrChecksum:
      return Reply::Error("ERR DUMP payload version or checksum are wrong");
    case PayloadError::kBadFormat:
      return Reply::Error("ERR Bad data format");
  }
  if (existing != nullptr) key.Erase(existing);
  const int64_t expire_at = ttl == 0 ? kNoExpiry : args.absttl ? ttl : ctx.now_ms + ttl;
  // Already past: nothing is created (what REPLACE deleted stays deleted).
  // The AOF loader keeps the key, as Redis's loading does; expiry takes it.
  if (expire_at != kNoExpiry && expire_at <= ctx.now_ms && !ctx.client.replaying_aof) {
    if (existing != nullptr) {
      ctx.propagate_as = {"DEL", std::string(ctx.arg(1))};
      ctx.Notify(kNotifyGeneric, "del", ctx.arg(1));
    }
    return Reply::Ok();
  }
  Entry* e = CreateFrom(ctx, key, value);
  if (expire_at != kNoExpiry) {
    key.SetExpire(e, expire_at);
    if (!args.absttl) {
      // The file gets the absolute time, as Redis propagates it.
      ctx.propagate_as = {"RESTORE", std::string(ctx.arg(1)), std::to_string(expire_at),
                          std::string(ctx.arg(3)), "ABSTTL"};
      if (args.replace) ctx.propagate_as.push_back("REPLACE");
      if (args.idle_seconds >= 0) {
        ctx.propagate_as.insert(ctx.propagate_as.end(),
                                {"IDLETIME", std::to_string(args.idle_seconds)});
      }
      if (args.frequency >= 0) {
        ctx.propagate_as.insert(ctx.propagate_as.end(), {"FREQ", std::to_string(args.frequency)});
      }
    }
  }
  if (args.idle_seconds >= 0) {
    e->lru = LruClock(ctx.now_ms - std::min(args.idle_seconds, kMaxIdleSeconds) * 1000);
  }
  if (args.frequency >= 0) {
    e->lfu = LfuPack(LfuMinutes(ctx.now_ms), static_cast<uint32_t>(args.frequency));
  }
  ctx.Notify(kNotifyGeneric, "restore", ctx.arg(1));
  return Reply::Ok();
}

}  // namespace cacheforge
