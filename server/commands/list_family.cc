// server/commands/list_family.cc
// -----------------------------------------------------------------------------
// List commands, with Redis 7.0's replies and error texts. A single-key
// command works under its key's shard lock (KeyLock); LMOVE, RPOPLPUSH and
// LMPOP take every shard they name in ascending order (KeysLock), so a move
// between two shards is atomic and cannot deadlock with the reverse move.
#include "commands/list_family.h"

#include <algorithm>
#include <string>
#include <vector>

#include "commands/blocking.h"
#include "commands/collection_access.h"
#include "store/list_object.h"
#include "util/numbers.h"
#include "util/strings.h"

namespace cacheforge {
namespace {

constexpr char kMustBePositive[] = "ERR value is out of range, must be positive";

enum class End { kLeft, kRight };

bool ParseEnd(std::string_view text, End* end) {
  if (EqualsIgnoreCase(text, "LEFT")) {
    *end = End::kLeft;
  } else if (EqualsIgnoreCase(text, "RIGHT")) {
    *end = End::kRight;
  } else {
    return false;
  }
  return true;
}

// Turns Redis's [start, stop] (negative counts from the end) into a clamped
// 0-based range; false when it is empty.
bool ClampRange(int64_t start, int64_t stop, size_t size, size_t* first, size_t* last) {
  const int64_t n = static_cast<int64_t>(size);
  if (start < 0) start += n;
  if (stop < 0) stop += n;
  if (start < 0) start = 0;
  if (start > stop || start >= n) return false;
  if (stop >= n) stop = n - 1;
  *first = static_cast<size_t>(start);
  *last = static_cast<size_t>(stop);
  return true;
}

std::string Pop(QuickList& list, End end) {
  return end == End::kLeft ? list.PopFront() : list.PopBack();
}

void Push(QuickList& list, End end, std::string_view value) {
  if (end == End::kLeft) {
    list.PushFront(value);
  } else {
    list.PushBack(value);
  }
}

// LPUSH/RPUSH (create) and LPUSHX/RPUSHX (only an existing list).
Reply PushGeneric(CommandContext& ctx, End end, bool only_existing) {
  KeyLock key(ctx, ctx.arg(1));
  Found<ListObject> list = As<ListObject>(key.Find());
  if (list.wrong_type) return WrongType();
  if (list.entry == nullptr) {
    if (only_existing) return Reply::Integer(0);
    list = Create<ListObject>(key, ListFill(ctx));
  }
  size_t size = key.MutateObject<ListObject>(list.entry, [&](ListObject& l) {
    for (size_t i = 2; i < ctx.argc(); ++i) Push(l.list(), end, ctx.arg(i));
    return l.list().size();
  });
  ctx.Notify(kNotifyList, end == End::kLeft ? "lpush" : "rpush", ctx.arg(1));
  return Reply::Integer(static_cast<int64_t>(size));
}

// LPOP/RPOP key [count]
Reply PopGeneric(CommandContext& ctx, End end) {
  if (ctx.argc() > 3) {
    return Reply::Error("ERR wrong number of arguments for '" + ToLower(ctx.arg(0)) + "' command");
  }
  const bool has_count = ctx.argc() == 3;
  int64_t count = 1;
  if (has_count && (!ParseInt64(ctx.arg(2), &count) || count < 0)) {
    return Reply::Error(kMustBePositive);
  }
  KeyLock key(ctx, ctx.arg(1));
  Found<ListObject> list = As<ListObject>(key.Find());
  if (list.wrong_type) return WrongType();
  if (list.entry == nullptr) return has_count ? Reply::NullArray() : Reply::Null();
  if (has_count && count == 0) return Reply::Array();
  std::vector<Reply> popped;
  key.MutateObject<ListObject>(list.entry, [&](ListObject& l) {
    for (int64_t i = 0; i < count && !l.list().empty(); ++i) {
      popped.push_back(Reply::Bulk(Pop(l.list(), end)));
    }
  });
  ctx.Notify(kNotifyList, end == End::kLeft ? "lpop" : "rpop", ctx.arg(1));
  EraseIfEmpty(key, list);
  if (!has_count) return std::move(popped.front());
  return Reply::Array(std::move(popped));
}

// LMOVE's work once both keys are locked: pops from `src`'s `from` end and
// pushes to `dst`'s `to` end. Null when `src` is missing.
Reply MoveLocked(CommandContext& ctx, KeysLock& lock, std::string_view src_key,
                 std::string_view dst_key, End from, End to) {
  Found<ListObject> src = As<ListObject>(lock.Find(src_key));
  if (src.wrong_type) return WrongType();
  if (src.entry == nullptr) return Reply::Null();
  Found<ListObject> dst = As<ListObject>(lock.Find(dst_key));
  if (dst.wrong_type) return WrongType();
  std::string value = lock.MutateObject<ListObject>(
      src_key, src.entry, [&](ListObject& l) { return Pop(l.list(), from); });
  // Redis's events: the push to the destination, then the pop from the source.
  const char* push_event = to == End::kLeft ? "lpush" : "rpush";
  const char* pop_event = from == End::kLeft ? "lpop" : "rpop";
  // Same key: the pop above may have emptied it; push back before deciding.
  if (src_key == dst_key) {
    lock.MutateObject<ListObject>(src_key, src.entry,
                                  [&](ListObject& l) { Push(l.list(), to, value); });
    ctx.Notify(kNotifyList, push_event, dst_key);
    ctx.Notify(kNotifyList, pop_event, src_key);
    return Reply::Bulk(std::move(value));
  }
  if (dst.entry == nullptr) dst = Create<ListObject>(lock, dst_key, ListFill(ctx));
  lock.MutateObject<ListObject>(dst_key, dst.entry,
                                [&](ListObject& l) { Push(l.list(), to, value); });
  ctx.Notify(kNotifyList, push_event, dst_key);
  ctx.Notify(kNotifyList, pop_event, src_key);
  EraseIfEmpty(lock, src_key, src);
  return Reply::Bulk(std::move(value));
}

Reply Move(CommandContext& ctx, End from, End to) {
  std::string_view keys[2] = {ctx.arg(1), ctx.arg(2)};
  KeysLock lock(ctx, keys);
  return MoveLocked(ctx, lock, keys[0], keys[1], from, to);
}

}  // namespace

Reply LPushCommand(CommandContext& ctx) { return PushGeneric(ctx, End::kLeft, false); }
Reply RPushCommand(CommandContext& ctx) { return PushGeneric(ctx, End::kRight, false); }
Reply LPushXCommand(CommandContext& ctx) { return PushGeneric(ctx, End::kLeft, true); }
Reply RPushXCommand(CommandContext& ctx) { return PushGeneric(ctx, End::kRight, true); }
Reply LPopCommand(CommandContext& ctx) { return PopGeneric(ctx, End::kLeft); }
Reply RPopCommand(CommandContext& ctx) { return PopGeneric(ctx, End::kRight); }

// LLEN key
Reply LLenCommand(CommandContext& ctx) {
  KeyLock key(ctx, ctx.arg(1));
  Found<ListObject> list = As<ListObject>(key.FindForRead());
  if (list.wrong_type) return WrongType();
  return Reply::Integer(list.entry ? static_cast<int64_t>(list.value->Size()) : 0);
}

// LINDEX key index
Reply LIndexCommand(CommandContext& ctx) {
  // Redis looks the key up before it reads the index.
  KeyLock key(ctx, ctx.arg(1));
  Found<ListObject> list = As<ListObject>(key.FindForRead());
  if (list.wrong_type) return WrongType();
  if (list.entry == nullptr) return Reply::Null();
  int64_t index = 0;
  if (!ParseInt64(ctx.arg(2), &index)) return Reply::Error(errors::kNotInteger);
  const int64_t n = static_cast<int64_t>(list.value->Size());
  if (index < 0) index += n;
  if (index < 0 || index >= n) return Reply::Null();
  return Reply::Bulk(std::string(list.value->list().Get(static_cast<size_t>(index))));
}

// LSET key index element
Reply LSetCommand(CommandContext& ctx) {
  KeyLock key(ctx, ctx.arg(1));
  Found<ListObject> list = As<ListObject>(key.Find());
  if (list.wrong_type) return WrongType();
  if (list.entry == nullptr) return Reply::Error(errors::kNoSuchKey);
  int64_t index = 0;
  if (!ParseInt64(ctx.arg(2), &index)) return Reply::Error(errors::kNotInteger);
  const int64_t n = static_cast<int64_t>(list.value->Size());
  if (index < 0) index += n;
  if (index < 0 || index >= n) return Reply::Error("ERR index out of range");
  key.MutateObject<ListObject>(
      list.entry, [&](ListObject& l) { l.list().Set(static_cast<size_t>(index), ctx.arg(3)); });
  ctx.Notify(kNotifyList, "lset", ctx.arg(1));
  return Reply::Ok();
}

// LRANGE key start stop
Reply LRangeCommand(CommandContext& ctx) {
  int64_t start = 0, stop = 0;
  if (!ParseInt64(ctx.arg(2), &start) || !ParseInt64(ctx.arg(3), &stop)) {
    return Reply::Error(errors::kNotInteger);
  }
  KeyLock key(ctx, ctx.arg(1));
  Found<ListObject> list = As<ListObject>(key.FindForRead());
  if (list.wrong_type) return WrongType();
  std::vector<Reply> out;
  size_t first = 0, last = 0;
  if (list.entry != nullptr && ClampRange(start, stop, list.value->Size(), &first, &last)) {
    out.reserve(last - first + 1);
    list.value->list().Walk(first, last, false, [&](size_t, std::string_view v) {
      out.push_back(Reply::Bulk(std::string(v)));
      return true;
    });
  }
  return Reply::Array(std::move(out));
}

// LTRIM key start stop
Reply LTrimCommand(CommandContext& ctx) {
  int64_t start = 0, stop = 0;
  if (!ParseInt64(ctx.arg(2), &start) || !ParseInt64(ctx.arg(3), &stop)) {
    return Reply::Error(errors::kNotInteger);
  }
  KeyLock key(ctx, ctx.arg(1));
  Found<ListObject> list = As<ListObject>(key.Find());
  if (list.wrong_type) return WrongType();
  if (list.entry == nullptr) return Reply::Ok();
  size_t first = 0, last = 0;
  const size_t n = list.value->Size();
  // Redis notifies "ltrim" for any LTRIM of a list, then "del" if it emptied it.
  if (!ClampRange(start, stop, n, &first, &last)) {
    key.Erase(list.entry);
    ctx.Notify(kNotifyList, "ltrim", ctx.arg(1));
    ctx.Notify(kNotifyGeneric, "del", ctx.arg(1));
    return Reply::Ok();
  }
  if (first == 0 && last == n - 1) {
    key.SignalModified();  // Redis counts any LTRIM of a list as touching it
    ctx.Notify(kNotifyList, "ltrim", ctx.arg(1));
    return Reply::Ok();
  }
  key.MutateObject<ListObject>(list.entry, [&](ListObject& l) {
    l.list().Erase(last + 1, n - last - 1);
    l.list().Erase(0, first);
  });
  ctx.Notify(kNotifyList, "ltrim", ctx.arg(1));
  return Reply::Ok();
}

// LREM key count element: count > 0 from the head, < 0 from the tail, 0 all.
Reply LRemCommand(CommandContext& ctx) {
  int64_t count = 0;
  if (!ParseInt64(ctx.arg(2), &count)) return Reply::Error(errors::kNotInteger);
  KeyLock key(ctx, ctx.arg(1));
  Found<ListObject> list = As<ListObject>(key.Find());
  if (list.wrong_type) return WrongType();
  if (list.entry == nullptr) return Reply::Integer(0);
  const std::string_view target = ctx.arg(3);
  const size_t n = list.value->Size();
  const bool reverse = count < 0;
  const uint64_t limit = count == 0 ? UINT64_MAX
                         : reverse  ? static_cast<uint64_t>(-(count + 1)) + 1
                                    : static_cast<uint64_t>(count);
  std::vector<size_t> hits;  // indexes to remove
  list.value->list().Walk(reverse ? n - 1 : 0, reverse ? 0 : n - 1, reverse,
                          [&](size_t index, std::string_view v) {
                            if (v == target) hits.push_back(index);
                            return hits.size() < limit;
                          });
  if (hits.empty()) return Reply::Integer(0);
  key.MutateObject<ListObject>(list.entry, [&](ListObject& l) {
    // Highest index first, so earlier removals do not shift later ones.
    if (!reverse) std::reverse(hits.begin(), hits.end());
    for (size_t index : hits) l.list().Erase(index, 1);
  });
  ctx.Notify(kNotifyList, "lrem", ctx.arg(1));
  EraseIfEmpty(key, list);
  return Reply::Integer(static_cast<int64_t>(hits.size()));
}

// LINSERT key BEFORE|AFTER pivot element
Reply LInsertCommand(CommandContext& ctx) {
  bool after = false;
  if (EqualsIgnoreCase(ctx.arg(2), "AFTER")) {
    after = true;
  } else if (!EqualsIgnoreCase(ctx.arg(2), "BEFORE")) {
    return Reply::Error(errors::kSyntax);
  }
  KeyLock key(ctx, ctx.arg(1));
  Found<ListObject> list = As<ListObject>(key.Find());
  if (list.wrong_type) return WrongType();
  if (list.entry == nullptr) return Reply::Integer(0);
  const size_t n = list.value->Size();
  size_t pivot = n;
  list.value->list().Walk(0, n - 1, false, [&](size_t index, std::string_view v) {
    if (v != ctx.arg(3)) return true;
    pivot = index;
    return false;
  });
  if (pivot == n) return Reply::Integer(-1);
  size_t size = key.MutateObject<ListObject>(list.entry, [&](ListObject& l) {
    l.list().Insert(after ? pivot + 1 : pivot, ctx.arg(4));
    return l.list().size();
  });
  ctx.Notify(kNotifyList, "linsert", ctx.arg(1));
  return Reply::Integer(static_cast<int64_t>(size));
}

// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
Reply LPosCommand(CommandContext& ctx) {
  int64_t rank = 1, count = -1, maxlen = 0;
  for (size_t i = 3; i < ctx.argc(); i += 2) {
    std::string_view opt = ctx.arg(i);
    if (i + 1 >= ctx.argc()) return Reply::Error(errors::kSyntax);
    int64_t v = 0;
    bool is_rank = EqualsIgnoreCase(opt, "RANK"), is_count = EqualsIgnoreCase(opt, "COUNT"),
         is_maxlen = EqualsIgnoreCase(opt, "MAXLEN");
    if (!is_rank && !is_count && !is_maxlen) return Reply::Error(errors::kSyntax);
    // COUNT and MAXLEN say their own error for a non-number too, as in Redis.
    if (!ParseInt64(ctx.arg(i + 1), &v)) {
      if (is_count) return Reply::Error("ERR COUNT can't be negative");
      if (is_maxlen) return Reply::Error("ERR MAXLEN can't be negative");
      return Reply::Error(errors::kNotInteger);
    }
    if (is_rank) {
      if (v == 0) {
        return Reply::Error(
            "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
            "or use negative to start from the end of the list");
      }
      rank = v;
    } else if (is_count) {
      if (v < 0) return Reply::Error("ERR COUNT can't be negative");
      count = v;
    } else {
      if (v < 0) return Reply::Error("ERR MAXLEN can't be negative");
      maxlen = v;
    }
  }
  KeyLock key(ctx, ctx.arg(1));
  Found<ListObject> list = As<ListObject>(key.FindForRead());
  if (list.wrong_type) return WrongType();
  if (list.entry == nullptr) return count >= 0 ? Reply::Array() : Reply::Null();
  const size_t n = list.value->Size();
  const bool reverse = rank < 0;
  // Matches to pass over before the first one reported.
  uint64_t skip = reverse ? static_cast<uint64_t>(-(rank + 1)) : static_cast<uint64_t>(rank - 1);
  const uint64_t want = count == 0 ? UINT64_MAX : count < 0 ? 1 : static_cast<uint64_t>(count);
  uint64_t compared = 0;
  std::vector<Reply> matches;
  list.value->list().Walk(reverse ? n - 1 : 0, reverse ? 0 : n - 1, reverse,
                          [&](size_t index, std::string_view v) {
                            if (maxlen != 0 && compared >= static_cast<uint64_t>(maxlen)) {
                              return false;
                            }
                            ++compared;
                            if (v != ctx.arg(2)) return true;
                            if (skip > 0) {
                              --skip;
                              return true;
                            }
                            matches.push_back(Reply::Integer(static_cast<int64_t>(index)));
                            return matches.size() < want;
                          });
  if (count >= 0) return Reply::Array(std::move(matches));
  return matches.empty() ? Reply::Null() : std::move(matches.front());
}

// LMOVE source destination LEFT|RIGHT LEFT|RIGHT
Reply LMoveCommand(CommandContext& ctx) {
  End from, to;
  if (!ParseEnd(ctx.arg(3), &from) || !ParseEnd(ctx.arg(4), &to)) {
    return Reply::Error(errors::kSyntax);
  }
  return Move(ctx, from, to);
}

// RPOPLPUSH source destination
Reply RPopLPushCommand(CommandContext& ctx) { return Move(ctx, End::kRight, End::kLeft); }

namespace {

// LMPOP's and the blocking pops' work once every key is locked: up to
// `count` elements from `end` of the first of `keys` that holds a list.
struct Popped {
  bool wrong_type = false;  // a key of another type came first
  bool found = false;
  std::string_view key;
  std::vector<std::string> values;
};
Popped PopFirstLocked(CommandContext& ctx, KeysLock& lock, std::span<const std::string_view> keys,
                      End end, int64_t count) {
  Popped out;
  for (std::string_view name : keys) {
    Found<ListObject> list = As<ListObject>(lock.Find(name));
    if (list.wrong_type) {
      out.wrong_type = true;
      return out;
    }
    if (list.entry == nullptr) continue;
    lock.MutateObject<ListObject>(name, list.entry, [&](ListObject& l) {
      for (int64_t i = 0; i < count && !l.list().empty(); ++i) {
        out.values.push_back(Pop(l.list(), end));
      }
    });
    ctx.Notify(kNotifyList, end == End::kLeft ? "lpop" : "rpop", name);
    EraseIfEmpty(lock, name, list);
    // The file records what happened: a pop of this many from this key.
    ctx.propagate_as = {end == End::kLeft ? "LPOP" : "RPOP", std::string(name),
                        std::to_string(out.values.size())};
    out.found = true;
    out.key = name;
    return out;
  }
  return out;
}

// [key, [values...]]: LMPOP's and BLMPOP's reply.
Reply MPopReply(Popped popped) {
  std::vector<Reply> values;
  for (std::string& v : popped.values) values.push_back(Reply::Bulk(std::move(v)));
  std::vector<Reply> out;
  out.push_back(Reply::Bulk(std::string(popped.key)));
  out.push_back(Reply::Array(std::move(values)));
  return Reply::Array(std::move(out));
}

// BLPOP and BRPOP: key [key ...] timeout.
Reply BlockingPop(CommandContext& ctx, End end) {
  int64_t deadline = 0;
  if (auto error = ParseBlockTimeout(ctx, ctx.arg(ctx.argc() - 1), &deadline)) {
    return std::move(*error);
  }
  auto keys = ctx.args.subspan(1, ctx.argc() - 2);
  KeysLock lock(ctx, keys);
  Popped popped = PopFirstLocked(ctx, lock, keys, end, 1);
  // Waiting, a key of another type is not an error: it may change again.
  if (popped.wrong_type) return ctx.client.serving ? Reply::None() : WrongType();
  if (!popped.found) return BlockOn(ctx, keys, deadline, Reply::NullArray());
  ctx.propagate_as = {end == End::kLeft ? "LPOP" : "RPOP", std::string(popped.key)};
  std::vector<Reply> out;
  out.push_back(Reply::Bulk(std::string(popped.key)));
  out.push_back(Reply::Bulk(std::move(popped.values.front())));
  return Reply::Array(std::move(out));
}

// BLMOVE and BRPOPLPUSH once their sides are known; the timeout is last.
Reply BlockingMove(CommandContext& ctx, End from, End to) {
  int64_t deadline = 0;
  if (auto error = ParseBlockTimeout(ctx, ctx.arg(ctx.argc() - 1), &deadline)) {
    return std::move(*error);
  }
  const std::string_view src = ctx.arg(1), dst = ctx.arg(2);
  const std::string_view keys[] = {src, dst};
  KeysLock lock(ctx, keys);
  Found<ListObject> source = As<ListObject>(lock.Find(src));
  if (source.wrong_type && ctx.client.serving) return Reply::None();
  if (!source.wrong_type && source.entry == nullptr) {
    // Only the source is waited on; the destination is checked when served.
    return BlockOn(ctx, std::span<const std::string_view>(keys, 1), deadline, Reply::Null());
  }
  Reply reply = MoveLocked(ctx, lock, src, dst, from, to);
  if (reply.type() == Reply::Type::kBulk) {
    ctx.propagate_as = {"LMOVE", std::string(src), std::string(dst),
                        from == End::kLeft ? "LEFT" : "RIGHT", to == End::kLeft ? "LEFT" : "RIGHT"};
  }
  return reply;
}

}  // namespace

// LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]
Reply LMPopCommand(CommandContext& ctx) {
  MPopArgs args;
  if (auto error = ParseMPopArgs(ctx, "LEFT", "RIGHT", &args)) return std::move(*error);
  auto keys = ctx.args.subspan(2, args.numkeys);
  KeysLock lock(ctx, keys);
  Popped popped =
      PopFirstLocked(ctx, lock, keys, args.second_side ? End::kRight : End::kLeft, args.count);
  if (popped.wrong_type) return WrongType();
  if (!popped.found) return Reply::NullArray();
  return MPopReply(std::move(popped));
}

// BLPOP key [key ...] timeout
Reply BLPopCommand(CommandContext& ctx) { return BlockingPop(ctx, End::kLeft); }
// BRPOP key [key ...] timeout
Reply BRPopCommand(CommandContext& ctx) { return BlockingPop(ctx, End::kRight); }

// BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout
Reply BLMoveCommand(CommandContext& ctx) {
  End from, to;
  if (!ParseEnd(ctx.arg(3), &from) || !ParseEnd(ctx.arg(4), &to)) {
    return Reply::Error(errors::kSyntax);
  }
  return BlockingMove(ctx, from, to);
}

// BRPOPLPUSH source destination timeout
Reply BRPopLPushCommand(CommandContext& ctx) { return BlockingMove(ctx, End::kRight, End::kLeft); }

// BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]
Reply BLMPopCommand(CommandContext& ctx) {
  int64_t deadline = 0;
  if (auto error = ParseBlockTimeout(ctx, ctx.arg(1), &deadline)) return std::move(*error);
  MPopArgs args;
  if (auto error = ParseMPopArgs(ctx, "LEFT", "RIGHT", &args, 2)) return std::move(*error);
  auto keys = ctx.args.subspan(3, args.numkeys);
  KeysLock lock(ctx, keys);
  Popped popped =
      PopFirstLocked(ctx, lock, keys, args.second_side ? End::kRight : End::kLeft, args.count);
  if (popped.wrong_type) return ctx.client.serving ? Reply::None() : WrongType();
  if (!popped.found) return BlockOn(ctx, keys, deadline, Reply::NullArray());
  return MPopReply(std::move(popped));
}

}  // namespace cacheforge
