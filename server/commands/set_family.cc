// server/commands/set_family.cc
// -----------------------------------------------------------------------------
// Set commands, with Redis 7.0's replies and error texts. A single-key command
// works under its key's shard lock (KeyLock); SMOVE and the set algebra
// (SINTER, SUNION, SDIFF and their STORE forms, SINTERCARD) take every shard
// they name in ascending order (KeysLock), so a result is computed from one
// consistent state and stored atomically.
#include "commands/set_family.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "commands/collection_access.h"
#include "commands/scan_args.h"
#include "store/set_object.h"
#include "util/glob.h"
#include "util/numbers.h"
#include "util/strings.h"

namespace cacheforge {
namespace {

enum class SetAlgebra { kInter, kUnion, kDiff };

constexpr char kOutOfLongRange[] =
    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";

std::vector<Reply> Bulks(const std::vector<std::string>& members) {
  std::vector<Reply> out;
  out.reserve(members.size());
  for (const std::string& m : members) out.push_back(Reply::Bulk(m));
  return out;
}

// The sets at `keys` (null for a missing key); false if one is not a set.
bool LoadSets(KeysLock& lock, std::span<const std::string_view> keys,
              std::vector<const SetObject*>* sets) {
  for (std::string_view key : keys) {
    Found<SetObject> set = As<SetObject>(lock.FindForRead(key));
    if (set.wrong_type) return false;
    sets->push_back(set.value);
  }
  return true;
}

// SINTER/SUNION/SDIFF of `sets`; stops an intersection at `limit` members
// (0: no limit).
std::vector<std::string> Combine(SetAlgebra op, const std::vector<const SetObject*>& sets,
                                 size_t limit = 0) {
  std::vector<std::string> out;
  if (op == SetAlgebra::kUnion) {
    absl::flat_hash_set<std::string> seen;
    for (const SetObject* set : sets) {
      if (set == nullptr) continue;
      set->ForEach([&](std::string_view m) {
        if (seen.emplace(m).second) out.emplace_back(m);
      });
    }
    return out;
  }
  if (sets.empty() || sets[0] == nullptr) return out;
  if (op == SetAlgebra::kInter) {
    for (const SetObject* set : sets) {
      if (set == nullptr) return out;  // a missing key: the intersection is empty
    }
    // Walk the smallest set, probing the others.
    const SetObject* smallest = *std::min_element(
        sets.begin(), sets.end(), [](auto* a, auto* b) { return a->Size() < b->Size(); });
    bool done = false;
    smallest->ForEach([&](std::string_view m) {
      if (done) return;
      for (const SetObject* set : sets) {
        if (set != smallest && !set->Contains(m)) return;
      }
      out.emplace_back(m);
      done = limit != 0 && out.size() >= limit;
    });
    return out;
  }
  sets[0]->ForEach([&](std::string_view m) {
    for (size_t i = 1; i < sets.size(); ++i) {
      if (sets[i] != nullptr && sets[i]->Contains(m)) return;
    }
    out.emplace_back(m);
  });
  return out;
}

// SINTER key [key ...], SUNION, SDIFF.
Reply AlgebraCommand(CommandContext& ctx, SetAlgebra op) {
  auto keys = ctx.args.subspan(1);
  KeysLock lock(ctx, keys);
  std::vector<const SetObject*> sets;
  if (!LoadSets(lock, keys, &sets)) return WrongType();
  return Reply::Set(Bulks(Combine(op, sets)));
}

// SINTERSTORE destination key [key ...], SUNIONSTORE, SDIFFSTORE.
Reply AlgebraStoreCommand(CommandContext& ctx, SetAlgebra op) {
  auto keys = ctx.args.subspan(1);  // the destination is locked too
  KeysLock lock(ctx, keys);
  std::vector<const SetObject*> sets;
  if (!LoadSets(lock, keys.subspan(1), &sets)) return WrongType();
  std::vector<std::string> result = Combine(op, sets);
  const std::string_view dst = ctx.arg(1);
  Entry* old = lock.Find(dst);
  if (old != nullptr) lock.Erase(dst, old);
  if (!result.empty()) {
    const EncodingLimits limits = ctx.server.config().encoding_limits();
    Found<SetObject> set = Create<SetObject>(lock, dst);
    lock.MutateObject<SetObject>(dst, set.entry, [&](SetObject& s) {
      for (const std::string& m : result) s.Add(m, limits);
    });
    static constexpr const char* kEvents[] = {"sinterstore", "sunionstore", "sdiffstore"};
    ctx.Notify(kNotifySet, kEvents[static_cast<int>(op)], dst);
  } else if (old != nullptr) {
    ctx.Notify(kNotifyGeneric, "del", dst);
  }
  return Reply::Integer(static_cast<int64_t>(result.size()));
}

}  // namespace

// SADD key member [member ...]
Reply SAddCommand(CommandContext& ctx) {
  KeyLock key(ctx, ctx.arg(1));
  Found<SetObject> set = As<SetObject>(key.Find());
  if (set.wrong_type) return WrongType();
  if (set.entry == nullptr) set = Create<SetObject>(key);
  const EncodingLimits limits = ctx.server.config().encoding_limits();
  int64_t added = key.UpdateObject<SetObject>(set.entry, [&](SetObject& s) {
    int64_t n = 0;
    for (size_t i = 2; i < ctx.argc(); ++i) n += s.Add(ctx.arg(i), limits);
    return n;
  });
  if (added > 0) ctx.Notify(kNotifySet, "sadd", ctx.arg(1));
  return Reply::Integer(added);
}

// SREM key member [member ...]
Reply SRemCommand(CommandContext& ctx) {
  KeyLock key(ctx, ctx.arg(1));
  Found<SetObject> set = As<SetObject>(key.Find());
  if (set.wrong_type) return WrongType();
  if (set.entry == nullptr) return Reply::Integer(0);
  int64_t removed = 0;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    if (!set.value->Contains(ctx.arg(i))) continue;
    key.MutateObject<SetObject>(set.entry, [&](SetObject& s) { s.Remove(ctx.arg(i)); });
    ++removed;
  }
  if (removed > 0) ctx.Notify(kNotifySet, "srem", ctx.arg(1));
  EraseIfEmpty(key, set);
  return Reply::Integer(removed);
}

// SCARD key
Reply SCardCommand(CommandContext& ctx) {
  KeyLock key(ctx, ctx.arg(1));
  Found<SetObject> set = As<SetObject>(key.FindForRead());
  if (set.wrong_type) return WrongType();
  return Reply::Integer(set.entry ? static_cast<int64_t>(set.value->Size()) : 0);
}

// SISMEMBER key member
Reply SIsMemberCommand(CommandContext& ctx) {
  KeyLock key(ctx, ctx.arg(1));
  Found<SetObject> set = As<SetObject>(key.FindForRead());
  if (set.wrong_type) return WrongType();
  return Reply::Integer(set.entry && set.value->Contains(ctx.arg(2)) ? 1 : 0);
}

// SMISMEMBER key member [member ...]
Reply SMIsMemberCommand(CommandContext& ctx) {
  KeyLock key(ctx, ctx.arg(1));
  Found<SetObject> set = As<SetObject>(key.FindForRead());
  if (set.wrong_type) return WrongType();
  std::vector<Reply> out;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    out.push_back(Reply::Integer(set.entry && set.value->Contains(ctx.arg(i)) ? 1 : 0));
  }
  return Reply::Array(std::move(out));
}

// SMEMBERS key
Reply SMembersCommand(CommandContext& ctx) {
  KeyLock key(ctx, ctx.arg(1));
  Found<SetObject> set = As<SetObject>(key.FindForRead());
  if (set.wrong_type) return WrongType();
  std::vector<Reply> out;
  if (set.entry != nullptr) {
    out.reserve(set.value->Size());
    set.value->ForEach([&](std::string_view m) { out.push_back(Reply::Bulk(std::string(m))); });
  }
  return Reply::Set(std::move(out));
}

// SRANDMEMBER key [count]
Reply SRandMemberCommand(CommandContext& ctx) {
  if (ctx.argc() > 3) return Reply::Error(errors::kSyntax);
  const bool has_count = ctx.argc() == 3;
  int64_t count = 0;
  if (has_count && !ParseInt64(ctx.arg(2), &count)) return Reply::Error(errors::kNotInteger);
  if (has_count && count == INT64_MIN) return Reply::Error(kOutOfLongRange);
  KeyLock key(ctx, ctx.arg(1));
  Found<SetObject> set = As<SetObject>(key.FindForRead());
  if (set.wrong_type) return WrongType();
  if (set.entry == nullptr) return has_count ? Reply::Array() : Reply::Null();
  if (count < -kMaxRepeatedPicks) return TooManyPicks();
  const size_t size = set.value->Size();
  if (!has_count) return Reply::Bulk(set.value->Nth(RandomBelow(size)));
  std::vector<Reply> out;
  if (count < 0) {
    for (int64_t i = 0; i < -count; ++i)
      out.push_back(Reply::Bulk(set.value->Nth(RandomBelow(size))));
  } else {
    for (size_t i : DistinctRandomIndexes(size, static_cast<size_t>(count))) {
      out.push_back(Reply::Bulk(set.value->Nth(i)));
    }
  }
  return Reply::Array(std::move(out));
}

// SPOP key [count]
Reply SPopCommand(CommandContext& ctx) {
  if (ctx.argc() > 3) return Reply::Error(errors::kSyntax);
  const bool has_count = ctx.argc() == 3;
  int64_t count = 1;
  if (has_count && (!ParseInt64(ctx.arg(2), &count) || count < 0)) {
    return Reply::Error("ERR value is out of range, must be positive");
  }
  KeyLock key(ctx, ctx.arg(1));
  Found<SetObject> set = As<SetObject>(key.Find());
  if (set.wrong_type) return WrongType();
  if (set.entry == nullptr) return has_count ? Reply::Set({}) : Reply::Null();
  if (count == 0) return Reply::Set({});
  std::vector<std::string> popped;
  for (size_t i : DistinctRandomIndexes(set.value->Size(), static_cast<size_t>(count))) {
    popped.push_back(set.value->Nth(i));
  }
  key.MutateObject<SetObject>(set.entry, [&](SetObject& s) {
    for (const std::string& m : popped) s.Remove(m);
  });
  ctx.Notify(kNotifySet, "spop", ctx.arg(1));
  EraseIfEmpty(key, set);
  // Random, so the file records which members went.
  ctx.propagate_as = {"SREM", std::string(ctx.arg(1))};
  ctx.propagate_as.insert(ctx.propagate_as.end(), popped.begin(), popped.end());
  if (!has_count) return Reply::Bulk(std::move(popped.front()));
  return Reply::Set(Bulks(popped));
}

// SMOVE source destination member
Reply SMoveCommand(CommandContext& ctx) {
  std::string_view keys[2] = {ctx.arg(1), ctx.arg(2)};
  KeysLock lock(ctx, keys);
  Found<SetObject> src = As<SetObject>(lock.Find(keys[0]));
  Found<SetObject> dst = As<SetObject>(lock.Find(keys[1]));
  // A missing source answers 0 before any type check, as in Redis.
  if (src.entry == nullptr && !src.wrong_type) return Reply::Integer(0);
  if (src.wrong_type || dst.wrong_type) return WrongType();
  const std::string_view member = ctx.arg(3);
  if (!src.value->Contains(member)) return Reply::Integer(0);
  if (keys[0] == keys[1]) return Reply::Integer(1);
  lock.MutateObject<SetObject>(keys[0], src.entry, [&](SetObject& s) { s.Remove(member); });
  ctx.Notify(kNotifySet, "srem", keys[0]);
  EraseIfEmpty(lock, keys[0], src);
  if (dst.entry == nullptr) dst = Create<SetObject>(lock, keys[1]);
  const EncodingLimits limits = ctx.server.config().encoding_limits();
  // A member the destination has already leaves it untouched: its watchers
  // keep their transaction, as in Redis.
  const bool added = lock.UpdateObject<SetObject>(
      keys[1], dst.entry, [&](SetObject& s) { return s.Add(member, limits); });
  if (added) ctx.Notify(kNotifySet, "sadd", keys[1]);
  return Reply::Integer(1);
}

Reply SInterCommand(CommandContext& ctx) { return AlgebraCommand(ctx, SetAlgebra::kInter); }
Reply SUnionCommand(CommandContext& ctx) { return AlgebraCommand(ctx, SetAlgebra::kUnion); }
Reply SDiffCommand(CommandContext& ctx) { return AlgebraCommand(ctx, SetAlgebra::kDiff); }
Reply SInterStoreCommand(CommandContext& ctx) {
  return AlgebraStoreCommand(ctx, SetAlgebra::kInter);
}
Reply SUnionStoreCommand(CommandContext& ctx) {
  return AlgebraStoreCommand(ctx, SetAlgebra::kUnion);
}
Reply SDiffStoreCommand(CommandContext& ctx) { return AlgebraStoreCommand(ctx, SetAlgebra::kDiff); }

// SINTERCARD numkeys key [key ...] [LIMIT limit]
Reply SInterCardCommand(CommandContext& ctx) {
  int64_t numkeys = 0;
  if (!ParseInt64(ctx.arg(1), &numkeys) || numkeys <= 0) {
    return Reply::Error("ERR numkeys should be greater than 0");
  }
  if (numkeys > static_cast<int64_t>(ctx.argc()) - 2) {
    return Reply::Error("ERR Number of keys can't be greater than number of args");
  }
  int64_t limit = 0;
  for (size_t i = 2 + static_cast<size_t>(numkeys); i < ctx.argc(); i += 2) {
    if (!EqualsIgnoreCase(ctx.arg(i), "LIMIT") || i + 1 >= ctx.argc()) {
      return Reply::Error(errors::kSyntax);
    }
    if (!ParseInt64(ctx.arg(i + 1), &limit) || limit < 0) {
      return Reply::Error("ERR LIMIT can't be negative");
    }
  }
  auto keys = ctx.args.subspan(2, static_cast<size_t>(numkeys));
  KeysLock lock(ctx, keys);
  std::vector<const SetObject*> sets;
  if (!LoadSets(lock, keys, &sets)) return WrongType();
  return Reply::Integer(
      static_cast<int64_t>(Combine(SetAlgebra::kInter, sets, static_cast<size_t>(limit)).size()));
}

// SSCAN key cursor [MATCH pattern] [COUNT count]: the whole set at once with
// cursor 0 (see HSCAN).
Reply SScanCommand(CommandContext& ctx) {
  ScanArgs args;
  if (auto error = ParseScanArgs(ctx, 2, /*allow_type=*/false, &args)) return std::move(*error);
  KeyLock key(ctx, ctx.arg(1));
  Found<SetObject> set = As<SetObject>(key.FindForRead());
  if (set.wrong_type) return WrongType();
  std::vector<Reply> items;
  if (set.entry != nullptr) {
    set.value->ForEach([&](std::string_view m) {
      if (!args.has_pattern || GlobMatch(args.pattern, m))
        items.push_back(Reply::Bulk(std::string(m)));
    });
  }
  std::vector<Reply> reply;
  reply.push_back(Reply::Bulk("0"));
  reply.push_back(Reply::Array(std::move(items)));
  return Reply::Array(std::move(reply));
}

}  // namespace cacheforge
