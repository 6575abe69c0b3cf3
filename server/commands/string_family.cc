// server/commands/string_family.cc
// -----------------------------------------------------------------------------
// String commands. Each handler parses its options, then does its work under
// the lock of the key's shard (KeyLock) or, for several keys, under every
// involved shard's lock in ascending order (KeysLock), and returns a Reply.
#include "commands/string_family.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>
#include <vector>

#include "commands/key_access.h"
#include "util/numbers.h"
#include "util/strings.h"

namespace cacheforge {
namespace {

std::string InvalidExpire(std::string_view command) {
  return "ERR invalid expire time in '" + ToLower(command) + "' command";
}

enum class ExpireUnit { kSeconds, kMillis, kUnixSeconds, kUnixMillis };

// EX, PX, EXAT, PXAT (any case): the unit of the expiry that follows.
bool ExpireOption(std::string_view opt, ExpireUnit* unit) {
  if (EqualsIgnoreCase(opt, "EX")) {
    *unit = ExpireUnit::kSeconds;
  } else if (EqualsIgnoreCase(opt, "PX")) {
    *unit = ExpireUnit::kMillis;
  } else if (EqualsIgnoreCase(opt, "EXAT")) {
    *unit = ExpireUnit::kUnixSeconds;
  } else if (EqualsIgnoreCase(opt, "PXAT")) {
    *unit = ExpireUnit::kUnixMillis;
  } else {
    return false;
  }
  return true;
}

// The EX/PX/EXAT/PXAT option of SET and GETEX.
struct ExpireArg {
  bool given = false;
  ExpireUnit unit = ExpireUnit::kSeconds;
  std::string_view text;
};

// If ctx.arg(*i) is an expiry option that may follow the ones already read
// (Redis lets the same unit repeat, the last one winning, but not two units),
// takes it and its value and advances *i.
bool TakeExpireOption(const CommandContext& ctx, size_t* i, ExpireArg* expire) {
  ExpireUnit unit;
  if (*i + 1 >= ctx.argc() || !ExpireOption(ctx.arg(*i), &unit)) return false;
  if (expire->given && expire->unit != unit) return false;
  expire->given = true;
  expire->unit = unit;
  expire->text = ctx.arg(++*i);
  return true;
}

// Converts an EX/PX/EXAT/PXAT argument to an absolute time in ms. Returns an
// error reply text, or an empty string on success.
std::string ToAbsoluteMs(ExpireUnit unit, std::string_view text, CommandContext& ctx,
                         int64_t* out) {
  int64_t value = 0;
  if (!ParseInt64(text, &value)) return errors::kNotInteger;
  if (value <= 0) return InvalidExpire(ctx.arg(0));
  if (unit == ExpireUnit::kSeconds || unit == ExpireUnit::kUnixSeconds) {
    if (value > INT64_MAX / 1000) return InvalidExpire(ctx.arg(0));
    value *= 1000;
  }
  if (unit == ExpireUnit::kSeconds || unit == ExpireUnit::kMillis) {
    if (value > INT64_MAX - ctx.now_ms) return InvalidExpire(ctx.arg(0));
    value += ctx.now_ms;
  }
  *out = value;
  return {};
}

// Stores `value` at `key` with the given TTL rule. An absolute time already in
// the past deletes the key instead, as Redis does.
void Store(KeyLock& key, Entry* existing, std::string_view value, int64_t expire_at_ms,
           bool keep_ttl, int64_t now_ms) {
  if (expire_at_ms != kNoExpiry && expire_at_ms <= now_ms) {
    if (existing != nullptr) key.Erase(existing);
    return;
  }
  Entry* e = existing != nullptr ? existing : key.Insert();
  key.Assign(e, value, keep_ttl);
  if (expire_at_ms != kNoExpiry) key.SetExpire(e, expire_at_ms);
}

// What the append-only file records for a write that stored `value` with an
// absolute expiry (or KEEPTTL): relative TTLs would restart on every replay.
void PropagateSet(CommandContext& ctx, std::string_view key, std::string_view value,
                  int64_t expire_at_ms, bool keep_ttl) {
  if (ctx.aof == nullptr) return;
  ctx.propagate_as = {"SET", std::string(key), std::string(value)};
  if (expire_at_ms != kNoExpiry) {
    ctx.propagate_as.insert(ctx.propagate_as.end(), {"PXAT", std::to_string(expire_at_ms)});
  } else if (keep_ttl) {
    ctx.propagate_as.emplace_back("KEEPTTL");
  }
}

// INCRBY and friends: adds `delta` to the integer at `key`.
Reply IncrementBy(CommandContext& ctx, int64_t delta) {
  KeyLock key(ctx, ctx.arg(1));
  Entry* e = key.Find();
  if (e != nullptr && !e->is_string()) return Reply::Error(errors::kWrongType);
  int64_t current = 0;
  if (e != nullptr && !ParseInt64(e->value, &current)) return Reply::Error(errors::kNotInteger);
  if ((delta < 0 && current < 0 && delta < INT64_MIN - current) ||
      (delta > 0 && current > 0 && delta > INT64_MAX - current)) {
    return Reply::Error(errors::kOverflow);
  }
  int64_t result = current + delta;
  if (e == nullptr) e = key.Insert();
  key.Assign(e, std::to_string(result), /*keep_ttl=*/true);
  ctx.Notify(kNotifyString, "incrby", ctx.arg(1));
  return Reply::Integer(result);
}

}  // namespace

// SET key value [NX | XX] [GET] [EX seconds | PX ms | EXAT unix-s | PXAT unix-ms | KEEPTTL]
Reply SetCommand(CommandContext& ctx) {
  bool nx = false, xx = false, get = false, keep_ttl = false;
  ExpireArg expire;
  for (size_t i = 3; i < ctx.argc(); ++i) {
    std::string_view opt = ctx.arg(i);
    if (EqualsIgnoreCase(opt, "NX") && !xx) {
      nx = true;
    } else if (EqualsIgnoreCase(opt, "XX") && !nx) {
      xx = true;
    } else if (EqualsIgnoreCase(opt, "GET")) {
      get = true;
    } else if (EqualsIgnoreCase(opt, "KEEPTTL") && !expire.given) {
      keep_ttl = true;
    } else if (keep_ttl || !TakeExpireOption(ctx, &i, &expire)) {
      return Reply::Error(errors::kSyntax);
    }
  }
  // As in Redis, the time is checked once every option has been read.
  int64_t expire_at = kNoExpiry;
  if (expire.given) {
    std::string error = ToAbsoluteMs(expire.unit, expire.text, ctx, &expire_at);
    if (!error.empty()) return Reply::Error(std::move(error));
  }
  KeyLock key(ctx, ctx.arg(1));
  Entry* e = key.Find();
  if (get && e != nullptr && !e->is_string()) return Reply::Error(errors::kWrongType);
  Reply old = Reply::Null();
  if (get && e != nullptr) old = Reply::Bulk(e->value);
  bool condition_met = !((nx && e != nullptr) || (xx && e == nullptr));
  if (condition_met) {
    Store(key, e, ctx.arg(2), expire_at, keep_ttl, ctx.now_ms);
    PropagateSet(ctx, ctx.arg(1), ctx.arg(2), expire_at, keep_ttl);
    ctx.Notify(kNotifyString, "set", ctx.arg(1));
    if (expire_at != kNoExpiry) ctx.Notify(kNotifyGeneric, "expire", ctx.arg(1));
  }
  if (get) return old;
  return condition_met ? Reply::Ok() : Reply::Null();
}

// GET key
Reply GetCommand(CommandContext& ctx) {
  KeyLock key(ctx, ctx.arg(1));
  Entry* e = key.FindForRead();
  if (e != nullptr && !e->is_string()) return Reply::Error(errors::kWrongType);
  return e != nullptr ? Reply::Bulk(e->value) : Reply::Null();
}

// GETSET key value
Reply GetSetCommand(CommandContext& ctx) {
  KeyLock key(ctx, ctx.arg(1));
  Entry* e = key.Find();
  if (e != nullptr && !e->is_string()) return Reply::Error(errors::kWrongType);
  Reply old = e != nullptr ? Reply::Bulk(e->value) : Reply::Null();
  Store(key, e, ctx.arg(2), kNoExpiry, false, ctx.now_ms);
  ctx.Notify(kNotifyString, "set", ctx.arg(1));
  return old;
}

// GETDEL key
Reply GetDelCommand(CommandContext& ctx) {
  KeyLock key(ctx, ctx.arg(1));
  Entry* e = key.FindForRead();
  if (e != nullptr && !e->is_string()) return Reply::Error(errors::kWrongType);
  if (e == nullptr) return Reply::Null();
  Reply value = Reply::Bulk(e->value);
  key.Erase(e);
  ctx.Notify(kNotifyGeneric, "del", ctx.arg(1));
  return value;
}

// GETEX key [EX seconds | PX ms | EXAT unix-s | PXAT unix-ms | PERSIST]
Reply GetExCommand(CommandContext& ctx) {
  bool persist = false;
  ExpireArg expire;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    std::string_view opt = ctx.arg(i);
    if (EqualsIgnoreCase(opt, "PERSIST") && !expire.given) {
      persist = true;
    } else if (persist || !TakeExpireOption(ctx, &i, &expire)) {
      return Reply::Error(errors::kSyntax);
    }
  }
  const bool has_expire = expire.given;
  int64_t expire_at = kNoExpiry;
  if (has_expire) {
    std::string error = ToAbsoluteMs(expire.unit, expire.text, ctx, &expire_at);
    if (!error.empty()) return Reply::Error(std::move(error));
  }
  KeyLock key(ctx, ctx.arg(1));
  Entry* e = key.FindForRead();
  if (e != nullptr && !e->is_string()) return Reply::Error(errors::kWrongType);
  if (e == nullptr) return Reply::Null();
  Reply value = Reply::Bulk(e->value);
  if (has_expire && expire_at <= ctx.now_ms) {
    key.Erase(e);
    ctx.Notify(kNotifyGeneric, "del", ctx.arg(1));
  } else if (has_expire) {
    key.SetExpire(e, expire_at);
    ctx.Notify(kNotifyGeneric, "expire", ctx.arg(1));
  } else if (persist && e->has_expire()) {
    key.SetExpire(e, kNoExpiry);
    ctx.Notify(kNotifyGeneric, "persist", ctx.arg(1));
  }
  if (ctx.aof != nullptr && has_expire) {
    ctx.propagate_as = {"PEXPIREAT", std::string(ctx.arg(1)), std::to_string(expire_at)};
  } else if (ctx.aof != nullptr && persist) {
    ctx.propagate_as = {"PERSIST", std::string(ctx.arg(1))};
  }
  return value;
}

// SETNX key value
Reply SetNxCommand(CommandContext& ctx) {
  KeyLock key(ctx, ctx.arg(1));
  if (key.Find() != nullptr) return Reply::Integer(0);
  Store(key, nullptr, ctx.arg(2), kNoExpiry, false, ctx.now_ms);
  ctx.Notify(kNotifyString, "set", ctx.arg(1));
  return Reply::Integer(1);
}

namespace {

// SETEX key seconds value / PSETEX key milliseconds value
Reply SetWithExpire(CommandContext& ctx, ExpireUnit unit) {
  int64_t expire_at = 0;
  std::string error = ToAbsoluteMs(unit, ctx.arg(2), ctx, &expire_at);
  if (!error.empty()) return Reply::Error(std::move(error));
  KeyLock key(ctx, ctx.arg(1));
  Store(key, key.Find(), ctx.arg(3), expire_at, false, ctx.now_ms);
  PropagateSet(ctx, ctx.arg(1), ctx.arg(3), expire_at, false);
  ctx.Notify(kNotifyString, "set", ctx.arg(1));
  ctx.Notify(kNotifyGeneric, "expire", ctx.arg(1));
  return Reply::Ok();
}

}  // namespace

Reply SetExCommand(CommandContext& ctx) { return SetWithExpire(ctx, ExpireUnit::kSeconds); }
Reply PSetExCommand(CommandContext& ctx) { return SetWithExpire(ctx, ExpireUnit::kMillis); }

// MGET key [key ...]
Reply MGetCommand(CommandContext& ctx) {
  auto keys = ctx.args.subspan(1);
  std::vector<Reply> values;
  values.reserve(keys.size());
  KeysLock lock(ctx, keys);
  for (std::string_view key : keys) {
    Entry* e = lock.FindForRead(key);
    values.push_back(e != nullptr && e->is_string() ? Reply::Bulk(e->value) : Reply::Null());
  }
  return Reply::Array(std::move(values));
}

namespace {

// The keys of MSET/MSETNX: every other argument from 1.
std::vector<std::string_view> PairKeys(const CommandContext& ctx) {
  std::vector<std::string_view> keys;
  keys.reserve(ctx.argc() / 2);
  for (size_t i = 1; i < ctx.argc(); i += 2) keys.push_back(ctx.arg(i));
  return keys;
}

std::string WrongArgs(std::string_view command) {
  return "ERR wrong number of arguments for '" + ToLower(command) + "' command";
}

}  // namespace

// MSET key value [key value ...]
Reply MSetCommand(CommandContext& ctx) {
  if (ctx.argc() % 2 == 0) return Reply::Error(WrongArgs(ctx.arg(0)));
  std::vector<std::string_view> keys = PairKeys(ctx);
  KeysLock lock(ctx, keys);
  for (size_t i = 1; i < ctx.argc(); i += 2) {
    lock.Put(ctx.arg(i), ctx.arg(i + 1));
    ctx.Notify(kNotifyString, "set", ctx.arg(i));
  }
  return Reply::Ok();
}

// MSETNX key value [key value ...]
Reply MSetNxCommand(CommandContext& ctx) {
  if (ctx.argc() % 2 == 0) return Reply::Error(WrongArgs(ctx.arg(0)));
  std::vector<std::string_view> keys = PairKeys(ctx);
  KeysLock lock(ctx, keys);
  for (std::string_view key : keys) {
    if (lock.Find(key) != nullptr) return Reply::Integer(0);
  }
  for (size_t i = 1; i < ctx.argc(); i += 2) {
    lock.Put(ctx.arg(i), ctx.arg(i + 1));
    ctx.Notify(kNotifyString, "set", ctx.arg(i));
  }
  return Reply::Integer(1);
}

// APPEND key value
Reply AppendCommand(CommandContext& ctx) {
  KeyLock key(ctx, ctx.arg(1));
  Entry* e = key.Find();
  if (e != nullptr && !e->is_string()) return Reply::Error(errors::kWrongType);
  std::string_view tail = ctx.arg(2);
  if (e != nullptr && static_cast<int64_t>(e->value.size() + tail.size()) >
                          ctx.server.config().proto_max_bulk_len()) {
    return Reply::Error("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
  }
  if (e == nullptr) {
    // A new key is stored like SET's value (Redis encodes it as one).
    key.Assign(key.Insert(), tail);
    ctx.Notify(kNotifyString, "append", ctx.arg(1));
    return Reply::Integer(static_cast<int64_t>(tail.size()));
  }
  key.Mutate(e, [&](std::string& v) { v.append(tail); });
  ctx.Notify(kNotifyString, "append", ctx.arg(1));
  return Reply::Integer(static_cast<int64_t>(e->value.size()));
}

// STRLEN key
Reply StrLenCommand(CommandContext& ctx) {
  KeyLock key(ctx, ctx.arg(1));
  Entry* e = key.FindForRead();
  if (e != nullptr && !e->is_string()) return Reply::Error(errors::kWrongType);
  return Reply::Integer(e != nullptr ? static_cast<int64_t>(e->value.size()) : 0);
}

// GETRANGE key start end (negative offsets count from the end)
Reply GetRangeCommand(CommandContext& ctx) {
  int64_t start = 0, end = 0;
  if (!ParseInt64(ctx.arg(2), &start) || !ParseInt64(ctx.arg(3), &end)) {
    return Reply::Error(errors::kNotInteger);
  }
  KeyLock key(ctx, ctx.arg(1));
  Entry* e = key.FindForRead();
  if (e != nullptr && !e->is_string()) return Reply::Error(errors::kWrongType);
  if (e == nullptr) return Reply::Bulk("");
  const int64_t len = static_cast<int64_t>(e->value.size());
  if (start < 0 && end < 0 && start > end) return Reply::Bulk("");
  if (start < 0) start = std::max<int64_t>(len + start, 0);
  if (end < 0) end = std::max<int64_t>(len + end, 0);
  if (end >= len) end = len - 1;
  if (len == 0 || start > end) return Reply::Bulk("");
  return Reply::Bulk(
      e->value.substr(static_cast<size_t>(start), static_cast<size_t>(end - start + 1)));
}

// SETRANGE key offset value
Reply SetRangeCommand(CommandContext& ctx) {
  int64_t offset = 0;
  if (!ParseInt64(ctx.arg(2), &offset)) return Reply::Error(errors::kNotInteger);
  if (offset < 0) return Reply::Error("ERR offset is out of range");
  std::string_view patch = ctx.arg(3);
  KeyLock key(ctx, ctx.arg(1));
  Entry* e = key.Find();
  if (e != nullptr && !e->is_string()) return Reply::Error(errors::kWrongType);
  if (patch.empty())
    return Reply::Integer(e != nullptr ? static_cast<int64_t>(e->value.size()) : 0);
  if (offset > ctx.server.config().proto_max_bulk_len() - static_cast<int64_t>(patch.size())) {
    return Reply::Error("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
  }
  if (e == nullptr) e = key.Insert();
  key.Mutate(e, [&](std::string& v) {
    size_t needed = static_cast<size_t>(offset) + patch.size();
    if (v.size() < needed) v.resize(needed, '\0');
    v.replace(static_cast<size_t>(offset), patch.size(), patch);
  });
  ctx.Notify(kNotifyString, "setrange", ctx.arg(1));
  return Reply::Integer(static_cast<int64_t>(e->value.size()));
}

// INCR key / DECR key / INCRBY key increment / DECRBY key decrement
Reply IncrCommand(CommandContext& ctx) { return IncrementBy(ctx, 1); }
Reply DecrCommand(CommandContext& ctx) { return IncrementBy(ctx, -1); }

Reply IncrByCommand(CommandContext& ctx) {
  int64_t delta = 0;
  if (!ParseInt64(ctx.arg(2), &delta)) return Reply::Error(errors::kNotInteger);
  return IncrementBy(ctx, delta);
}

Reply DecrByCommand(CommandContext& ctx) {
  int64_t delta = 0;
  if (!ParseInt64(ctx.arg(2), &delta)) return Reply::Error(errors::kNotInteger);
  if (delta == INT64_MIN) return Reply::Error("ERR decrement would overflow");
  return IncrementBy(ctx, -delta);
}

// INCRBYFLOAT key increment
Reply IncrByFloatCommand(CommandContext& ctx) {
  // Redis checks the key's type and value before the increment.
  KeyLock key(ctx, ctx.arg(1));
  Entry* e = key.Find();
  if (e != nullptr && !e->is_string()) return Reply::Error(errors::kWrongType);
  long double current = 0;
  if (e != nullptr && !ParseLongDouble(e->value, &current)) return Reply::Error(errors::kNotFloat);
  long double delta = 0;
  if (!ParseLongDouble(ctx.arg(2), &delta)) return Reply::Error(errors::kNotFloat);
  long double result = current + delta;
  if (std::isnan(result) || std::isinf(result)) {
    return Reply::Error("ERR increment would produce NaN or Infinity");
  }
  std::string text = FormatLongDouble(result);
  if (e == nullptr) e = key.Insert();
  key.Assign(e, text, /*keep_ttl=*/true);
  e->string_form = static_cast<uint32_t>(StringForm::kNotInt);  // Redis keeps it a string
  // The result, not the increment: replaying float additions could round
  // differently from what the client was told.
  PropagateSet(ctx, ctx.arg(1), text, kNoExpiry, /*keep_ttl=*/true);
  ctx.Notify(kNotifyString, "incrbyfloat", ctx.arg(1));
  return Reply::Bulk(std::move(text));
}

// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]: the longest
// common subsequence by the classic table of prefix LCS lengths, walked back
// from the end; IDX lists the matching ranges from the last to the first, as
// Redis does.
Reply LcsCommand(CommandContext& ctx) {
  std::string a, b;
  {
    std::string_view names[2] = {ctx.arg(1), ctx.arg(2)};
    KeysLock lock(ctx, names);
    Entry* ea = lock.FindForRead(names[0]);
    Entry* eb = lock.FindForRead(names[1]);
    if ((ea && !ea->is_string()) || (eb && !eb->is_string())) {
      return Reply::Error("ERR The specified keys must contain string values");
    }
    if (ea) a = ea->value;
    if (eb) b = eb->value;
  }
  bool want_len = false, want_idx = false, with_match_len = false;
  int64_t min_match_len = 0;
  for (size_t j = 3; j < ctx.argc(); ++j) {
    std::string_view opt = ctx.arg(j);
    if (EqualsIgnoreCase(opt, "IDX")) {
      want_idx = true;
    } else if (EqualsIgnoreCase(opt, "LEN")) {
      want_len = true;
    } else if (EqualsIgnoreCase(opt, "WITHMATCHLEN")) {
      with_match_len = true;
    } else if (EqualsIgnoreCase(opt, "MINMATCHLEN") && j + 1 < ctx.argc()) {
      if (!ParseInt64(ctx.arg(++j), &min_match_len)) return Reply::Error(errors::kNotInteger);
      if (min_match_len < 0) min_match_len = 0;
    } else {
      return Reply::Error(errors::kSyntax);
    }
  }
  if (want_len && want_idx) {
    return Reply::Error("ERR If you want both the length and indexes, please just use IDX.");
  }
  const uint64_t cells = (uint64_t{a.size()} + 1) * (uint64_t{b.size()} + 1);
  if (cells * sizeof(uint32_t) > static_cast<uint64_t>(ctx.server.config().proto_max_bulk_len())) {
    return Reply::Error(
        "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
  }
  const size_t alen = a.size(), blen = b.size();
  std::vector<uint32_t> table(cells, 0);
  auto at = [&](size_t i, size_t j) -> uint32_t& { return table[j + i * (blen + 1)]; };
  for (size_t i = 1; i <= alen; ++i) {
    for (size_t j = 1; j <= blen; ++j) {
      at(i, j) = a[i - 1] == b[j - 1] ? at(i - 1, j - 1) + 1 : std::max(at(i - 1, j), at(i, j - 1));
    }
  }
  const uint32_t length = at(alen, blen);
  if (want_len) return Reply::Integer(length);
  std::string common(length, '\0');
  std::vector<Reply> matches;
  size_t i = alen, j = blen, k = length;
  // The current run of matches, [a_start, a_end] and [b_start, b_end];
  // a_start == alen means none is open.
  size_t a_start = alen, a_end = 0, b_start = 0, b_end = 0;
  while (i > 0 && j > 0) {
    bool emit = false;
    if (a[i - 1] == b[j - 1]) {
      common[--k] = a[i - 1];
      if (a_start == alen) {
        a_start = a_end = i - 1;
        b_start = b_end = j - 1;
      } else if (a_start == i && b_start == j) {
        --a_start;
        --b_start;
      } else {
        emit = true;
      }
      if (a_start == 0 || b_start == 0) emit = true;
      --i;
      --j;
    } else {
      if (at(i - 1, j) > at(i, j - 1)) {
        --i;
      } else {
        --j;
      }
      if (a_start != alen) emit = true;
    }
    if (emit) {
      const int64_t match_len = static_cast<int64_t>(a_end - a_start + 1);
      if (want_idx && (min_match_len == 0 || match_len >= min_match_len)) {
        std::vector<Reply> range_a, range_b, match;
        range_a.push_back(Reply::Integer(static_cast<int64_t>(a_start)));
        range_a.push_back(Reply::Integer(static_cast<int64_t>(a_end)));
        range_b.push_back(Reply::Integer(static_cast<int64_t>(b_start)));
        range_b.push_back(Reply::Integer(static_cast<int64_t>(b_end)));
        match.push_back(Reply::Array(std::move(range_a)));
        match.push_back(Reply::Array(std::move(range_b)));
        if (with_match_len) match.push_back(Reply::Integer(match_len));
        matches.push_back(Reply::Array(std::move(match)));
      }
      a_start = alen;
    }
  }
  if (!want_idx) return Reply::Bulk(std::move(common));
  std::vector<Reply> out;
  out.push_back(Reply::Bulk("matches"));
  out.push_back(Reply::Array(std::move(matches)));
  out.push_back(Reply::Bulk("len"));
  out.push_back(Reply::Integer(length));
  return Reply::Map(std::move(out));
}

}  // namespace cacheforge
