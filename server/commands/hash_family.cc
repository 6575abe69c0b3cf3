// server/commands/hash_family.cc
// -----------------------------------------------------------------------------
// Hash commands, with Redis 7.0's replies and error texts. Each works under
// its key's shard lock (KeyLock).
#include "commands/hash_family.h"

#include <cmath>
#include <string>
#include <vector>

#include "commands/collection_access.h"
#include "commands/scan_args.h"
#include "store/hash_object.h"
#include "util/glob.h"
#include "util/numbers.h"
#include "util/strings.h"

namespace cacheforge {
namespace {

Reply WrongArgs(const CommandContext& ctx) {
  return Reply::Error("ERR wrong number of arguments for '" + ToLower(ctx.arg(0)) + "' command");
}

// Finds or creates the hash at the locked key.
Found<HashValue> FindOrCreate(KeyLock& key) {
  Found<HashValue> hash = As<HashValue>(key.Find());
  if (hash.wrong_type || hash.entry != nullptr) return hash;
  return Create<HashValue>(key);
}

// HSET and HMSET: sets each field/value pair; the number of new fields.
std::optional<Reply> SetPairs(CommandContext& ctx, int64_t* added) {
  if (ctx.argc() % 2 != 0) return WrongArgs(ctx);
  KeyLock key(ctx, ctx.arg(1));
  Found<HashValue> hash = FindOrCreate(key);
  if (hash.wrong_type) return WrongType();
  const EncodingLimits limits = ctx.server.config().encoding_limits();
  *added = key.MutateObject<HashValue>(hash.entry, [&](HashValue& h) {
    int64_t n = 0;
    for (size_t i = 2; i < ctx.argc(); i += 2) n += h.Set(ctx.arg(i), ctx.arg(i + 1), limits);
    return n;
  });
  ctx.Notify(kNotifyHash, "hset", ctx.arg(1));
  return std::nullopt;
}

// HKEYS, HVALS, HGETALL (a map in RESP3).
Reply ListAll(CommandContext& ctx, bool fields, bool values) {
  KeyLock key(ctx, ctx.arg(1));
  Found<HashValue> hash = As<HashValue>(key.FindForRead());
  if (hash.wrong_type) return WrongType();
  std::vector<Reply> out;
  if (hash.entry != nullptr) {
    out.reserve(hash.value->Size() * ((fields ? 1 : 0) + (values ? 1 : 0)));
    hash.value->ForEach([&](std::string_view f, std::string_view v) {
      if (fields) out.push_back(Reply::Bulk(std::string(f)));
      if (values) out.push_back(Reply::Bulk(std::string(v)));
    });
  }
  return fields && values ? Reply::Map(std::move(out)) : Reply::Array(std::move(out));
}

}  // namespace

// HSET key field value [field value ...]
Reply HSetCommand(CommandContext& ctx) {
  int64_t added = 0;
  if (auto error = SetPairs(ctx, &added)) return std::move(*error);
  return Reply::Integer(added);
}

// HMSET key field value [field value ...]
Reply HMSetCommand(CommandContext& ctx) {
  int64_t added = 0;
  if (auto error = SetPairs(ctx, &added)) return std::move(*error);
  return Reply::Ok();
}

// HSETNX key field value
Reply HSetNxCommand(CommandContext& ctx) {
  KeyLock key(ctx, ctx.arg(1));
  Found<HashValue> hash = FindOrCreate(key);
  if (hash.wrong_type) return WrongType();
  if (hash.value->Get(ctx.arg(2))) return Reply::Integer(0);
  const EncodingLimits limits = ctx.server.config().encoding_limits();
  key.MutateObject<HashValue>(hash.entry,
                              [&](HashValue& h) { h.Set(ctx.arg(2), ctx.arg(3), limits); });
  ctx.Notify(kNotifyHash, "hset", ctx.arg(1));
  return Reply::Integer(1);
}

// HGET key field
Reply HGetCommand(CommandContext& ctx) {
  KeyLock key(ctx, ctx.arg(1));
  Found<HashValue> hash = As<HashValue>(key.FindForRead());
  if (hash.wrong_type) return WrongType();
  if (hash.entry == nullptr) return Reply::Null();
  auto value = hash.value->Get(ctx.arg(2));
  return value ? Reply::Bulk(std::string(*value)) : Reply::Null();
}

// HMGET key field [field ...]
Reply HMGetCommand(CommandContext& ctx) {
  KeyLock key(ctx, ctx.arg(1));
  Found<HashValue> hash = As<HashValue>(key.FindForRead());
  if (hash.wrong_type) return WrongType();
  std::vector<Reply> out;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    auto value = hash.entry ? hash.value->Get(ctx.arg(i)) : std::nullopt;
    out.push_back(value ? Reply::Bulk(std::string(*value)) : Reply::Null());
  }
  return Reply::Array(std::move(out));
}

// HDEL key field [field ...]
Reply HDelCommand(CommandContext& ctx) {
  KeyLock key(ctx, ctx.arg(1));
  Found<HashValue> hash = As<HashValue>(key.Find());
  if (hash.wrong_type) return WrongType();
  if (hash.entry == nullptr) return Reply::Integer(0);
  int64_t deleted = 0;
  for (size_t i = 2; i < ctx.argc() && hash.value->Size() > 0; ++i) {
    if (!hash.value->Get(ctx.arg(i))) continue;
    key.MutateObject<HashValue>(hash.entry, [&](HashValue& h) { h.Delete(ctx.arg(i)); });
    ++deleted;
  }
  if (deleted > 0) ctx.Notify(kNotifyHash, "hdel", ctx.arg(1));
  EraseIfEmpty(key, hash);
  return Reply::Integer(deleted);
}

// HLEN key
Reply HLenCommand(CommandContext& ctx) {
  KeyLock key(ctx, ctx.arg(1));
  Found<HashValue> hash = As<HashValue>(key.FindForRead());
  if (hash.wrong_type) return WrongType();
  return Reply::Integer(hash.entry ? static_cast<int64_t>(hash.value->Size()) : 0);
}

// HSTRLEN key field
Reply HStrLenCommand(CommandContext& ctx) {
  KeyLock key(ctx, ctx.arg(1));
  Found<HashValue> hash = As<HashValue>(key.FindForRead());
  if (hash.wrong_type) return WrongType();
  auto value = hash.entry ? hash.value->Get(ctx.arg(2)) : std::nullopt;
  return Reply::Integer(value ? static_cast<int64_t>(value->size()) : 0);
}

// HEXISTS key field
Reply HExistsCommand(CommandContext& ctx) {
  KeyLock key(ctx, ctx.arg(1));
  Found<HashValue> hash = As<HashValue>(key.FindForRead());
  if (hash.wrong_type) return WrongType();
  return Reply::Integer(hash.entry && hash.value->Get(ctx.arg(2)) ? 1 : 0);
}

Reply HKeysCommand(CommandContext& ctx) { return ListAll(ctx, true, false); }
Reply HValsCommand(CommandContext& ctx) { return ListAll(ctx, false, true); }
Reply HGetAllCommand(CommandContext& ctx) { return ListAll(ctx, true, true); }

// HINCRBY key field increment
Reply HIncrByCommand(CommandContext& ctx) {
  int64_t delta = 0;
  if (!ParseInt64(ctx.arg(3), &delta)) return Reply::Error(errors::kNotInteger);
  KeyLock key(ctx, ctx.arg(1));
  Found<HashValue> hash = As<HashValue>(key.Find());
  if (hash.wrong_type) return WrongType();
  int64_t current = 0;
  if (hash.entry != nullptr) {
    auto value = hash.value->Get(ctx.arg(2));
    if (value && !ParseInt64(*value, &current)) {
      return Reply::Error("ERR hash value is not an integer");
    }
  }
  if ((delta < 0 && current < 0 && delta < INT64_MIN - current) ||
      (delta > 0 && current > 0 && delta > INT64_MAX - current)) {
    return Reply::Error(errors::kOverflow);
  }
  const int64_t result = current + delta;
  if (hash.entry == nullptr) hash = Create<HashValue>(key);
  const EncodingLimits limits = ctx.server.config().encoding_limits();
  key.MutateObject<HashValue>(
      hash.entry, [&](HashValue& h) { h.Set(ctx.arg(2), std::to_string(result), limits); });
  ctx.Notify(kNotifyHash, "hincrby", ctx.arg(1));
  return Reply::Integer(result);
}

// HINCRBYFLOAT key field increment
Reply HIncrByFloatCommand(CommandContext& ctx) {
  long double delta = 0;
  if (!ParseLongDouble(ctx.arg(3), &delta)) return Reply::Error(errors::kNotFloat);
  if (std::isnan(delta) || std::isinf(delta)) return Reply::Error("ERR value is NaN or Infinity");
  KeyLock key(ctx, ctx.arg(1));
  Found<HashValue> hash = As<HashValue>(key.Find());
  if (hash.wrong_type) return WrongType();
  long double current = 0;
  if (hash.entry != nullptr) {
    auto value = hash.value->Get(ctx.arg(2));
    if (value && !ParseLongDouble(*value, &current)) {
      return Reply::Error("ERR hash value is not a float");
    }
  }
  const long double result = current + delta;
  if (std::isnan(result) || std::isinf(result)) {
    return Reply::Error("ERR increment would produce NaN or Infinity");
  }
  std::string text = FormatLongDouble(result);
  if (hash.entry == nullptr) hash = Create<HashValue>(key);
  const EncodingLimits limits = ctx.server.config().encoding_limits();
  key.MutateObject<HashValue>(hash.entry, [&](HashValue& h) { h.Set(ctx.arg(2), text, limits); });
  // The result, not the increment, as Redis does: a replayed float addition
  // could round differently.
  ctx.propagate_as = {"HSET", std::string(ctx.arg(1)), std::string(ctx.arg(2)), text};
  ctx.Notify(kNotifyHash, "hincrbyfloat", ctx.arg(1));
  return Reply::Bulk(std::move(text));
}

// HRANDFIELD key [count [WITHVALUES]]
Reply HRandFieldCommand(CommandContext& ctx) {
  RandomArgs args;
  if (auto error = ParseRandomArgs(ctx, "WITHVALUES", &args)) return std::move(*error);
  const bool has_count = args.has_count, with_values = args.with_values;
  const int64_t count = args.count;
  KeyLock key(ctx, ctx.arg(1));
  Found<HashValue> hash = As<HashValue>(key.FindForRead());
  if (hash.wrong_type) return WrongType();
  if (hash.entry == nullptr) return has_count ? Reply::Array() : Reply::Null();
  if (count < -kMaxRepeatedPicks) return TooManyPicks();
  const size_t size = hash.value->Size();
  if (!has_count) {
    return Reply::Bulk(std::string(hash.value->Nth(RandomBelow(size)).first));
  }
  std::vector<Reply> out;
  auto emit = [&](size_t i) {
    auto [field, value] = hash.value->Nth(i);
    out.push_back(Reply::Bulk(std::string(field)));
    if (with_values) out.push_back(Reply::Bulk(std::string(value)));
  };
  if (count < 0) {
    // Repeats allowed: |count| independent picks.
    for (int64_t i = 0; i < -count; ++i) emit(RandomBelow(size));
  } else {
    for (size_t i : DistinctRandomIndexes(size, static_cast<size_t>(count))) emit(i);
  }
  // RESP3: [field, value] pairs, as Redis.
  return with_values ? Reply::PairArray(std::move(out)) : Reply::Array(std::move(out));
}

// HSCAN key cursor [MATCH pattern] [COUNT count]
//
// The whole hash is returned at once with cursor 0, which SCAN's contract
// allows (COUNT is a hint); Redis does the same for listpack hashes.
Reply HScanCommand(CommandContext& ctx) {
  ScanArgs args;
  if (auto error = ParseScanArgs(ctx, 2, /*allow_type=*/false, &args)) return std::move(*error);
  KeyLock key(ctx, ctx.arg(1));
  Found<HashValue> hash = As<HashValue>(key.FindForRead());
  if (hash.wrong_type) return WrongType();
  std::vector<Reply> items;
  if (hash.entry != nullptr) {
    hash.value->ForEach([&](std::string_view f, std::string_view v) {
      if (args.has_pattern && !GlobMatch(args.pattern, f)) return;
      items.push_back(Reply::Bulk(std::string(f)));
      items.push_back(Reply::Bulk(std::string(v)));
    });
  }
  std::vector<Reply> reply;
  reply.push_back(Reply::Bulk("0"));
  reply.push_back(Reply::Array(std::move(items)));
  return Reply::Array(std::move(reply));
}

}  // namespace cacheforge
