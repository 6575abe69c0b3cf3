// server/commands/collection_access.h
// -----------------------------------------------------------------------------
// What the list, hash and set commands share: finding a key's value as the
// type a command works on (or learning it holds another: WRONGTYPE), creating
// a collection, and deleting a key whose collection a command emptied (Redis
// never keeps an empty collection).
#ifndef CACHEFORGE_COMMANDS_COLLECTION_ACCESS_H_
#define CACHEFORGE_COMMANDS_COLLECTION_ACCESS_H_

#include <algorithm>
#include <cstdint>
#include <memory>
#include <numeric>
#include <optional>
#include <random>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "commands/key_access.h"
#include "store/object.h"
#include "util/numbers.h"
#include "util/strings.h"

namespace cacheforge {

// A key's value seen as a T: `entry` and `value` are null when the key is
// missing or holds another type (`wrong_type`). `value` is a T*, or for a
// handle type (dict.h: ValueOf) a handle with pointer syntax.
template <typename T>
struct Found {
  Entry* entry = nullptr;
  std::conditional_t<kIsValueHandle<T>, T, T*> value{};
  bool wrong_type = false;
};

template <typename T>
Found<T> As(Entry* e) {
  Found<T> found;
  if (e == nullptr) return found;
  if (e->type() != T::kType) {
    found.wrong_type = true;
    return found;
  }
  found.entry = e;
  if constexpr (kIsValueHandle<T>) {
    found.value = T(e);
  } else {
    found.value = static_cast<T*>(e->object);
  }
  return found;
}

inline Reply WrongType() { return Reply::Error(errors::kWrongType); }

// The fill of a new list's quicklist nodes (list-max-listpack-size).
inline int ListFill(const CommandContext& ctx) {
  return static_cast<int>(ctx.server.config().encoding_limits().list_max_listpack_size);
}

// Creates `key` (not live) holding a new T built from `args`.
// A handle type starts as an empty inline value.
template <typename T, typename... Args>
Found<T> Create(KeyLock& key, Args&&... args) {
  Entry* e = key.Insert();
  if constexpr (kIsValueHandle<T>) {
    key.SetInline(e, T::kType);
  } else {
    key.SetObject(e, std::make_unique<T>(std::forward<Args>(args)...));
  }
  return As<T>(e);
}
template <typename T, typename... Args>
Found<T> Create(KeysLock& lock, std::string_view key, Args&&... args) {
  Entry* e = lock.Insert(key);
  if constexpr (kIsValueHandle<T>) {
    lock.SetInline(key, e, T::kType);
  } else {
    lock.SetObject(key, e, std::make_unique<T>(std::forward<Args>(args)...));
  }
  return As<T>(e);
}

// Deletes the key if a command left its collection empty, with Redis's "del"
// keyspace event (which follows the command's own event: notify that first).
template <typename T>
void EraseIfEmpty(KeyLock& key, const Found<T>& found) {
  if (found.entry != nullptr && found.value->Size() == 0) {
    key.Erase(found.entry);
    key.ctx().Notify(kNotifyGeneric, "del", key.key());
  }
}
template <typename T>
void EraseIfEmpty(KeysLock& lock, std::string_view key, const Found<T>& found) {
  if (found.entry != nullptr && found.value->Size() == 0) {
    lock.Erase(key, found.entry);
    lock.ctx().Notify(kNotifyGeneric, "del", key);
  }
}

// LMPOP's and ZMPOP's arguments: numkeys key [key ...] <side> [COUNT count],
// `side` one of `first_side` / `second_side` (LEFT/RIGHT, MIN/MAX), with
// Redis's error texts; numkeys is at `numkeys_at` (2 for BLMPOP and BZMPOP,
// after the timeout). Fills the number of keys, whether the second side was
// named, and the count (1 without COUNT).
struct MPopArgs {
  size_t numkeys = 0;
  bool second_side = false;
  int64_t count = 1;
};
inline std::optional<Reply> ParseMPopArgs(const CommandContext& ctx, std::string_view first_side,
                                          std::string_view second_side, MPopArgs* out,
                                          size_t numkeys_at = 1) {
  int64_t numkeys = 0;
  if (!ParseInt64(ctx.arg(numkeys_at), &numkeys) || numkeys <= 0) {
    return Reply::Error("ERR numkeys should be greater than 0");
  }
  const size_t where_at = numkeys_at + 1 + static_cast<size_t>(numkeys);
  if (numkeys > static_cast<int64_t>(ctx.argc() - numkeys_at - 1) || where_at >= ctx.argc()) {
    return Reply::Error(errors::kSyntax);
  }
  if (EqualsIgnoreCase(ctx.arg(where_at), second_side)) {
    out->second_side = true;
  } else if (!EqualsIgnoreCase(ctx.arg(where_at), first_side)) {
    return Reply::Error(errors::kSyntax);
  }
  bool has_count = false;
  for (size_t i = where_at + 1; i < ctx.argc(); i += 2) {
    if (has_count || !EqualsIgnoreCase(ctx.arg(i), "COUNT") || i + 1 >= ctx.argc()) {
      return Reply::Error(errors::kSyntax);
    }
    if (!ParseInt64(ctx.arg(i + 1), &out->count) || out->count <= 0) {
      return Reply::Error("ERR count should be greater than 0");
    }
    has_count = true;
  }
  out->numkeys = static_cast<size_t>(numkeys);
  return std::nullopt;
}

// HRANDFIELD's and ZRANDMEMBER's arguments: key [count [<with_word>]], with
// Redis's checks in Redis's order. `has_count` false: no count was given.
struct RandomArgs {
  bool has_count = false;
  int64_t count = 0;
  bool with_values = false;
};
inline std::optional<Reply> ParseRandomArgs(const CommandContext& ctx, std::string_view with_word,
                                            RandomArgs* out) {
  out->has_count = ctx.argc() >= 3;
  if (!out->has_count) return std::nullopt;
  if (!ParseInt64(ctx.arg(2), &out->count)) return Reply::Error(errors::kNotInteger);
  if (out->count == INT64_MIN) {
    return Reply::Error(
        "ERR value is out of range, value must between -9223372036854775807 and "
        "9223372036854775807");
  }
  if (ctx.argc() > 4 || (ctx.argc() == 4 && !EqualsIgnoreCase(ctx.arg(3), with_word))) {
    return Reply::Error(errors::kSyntax);
  }
  out->with_values = ctx.argc() == 4;
  if (out->with_values && (out->count < -INT64_MAX / 2 || out->count > INT64_MAX / 2)) {
    return Reply::Error("ERR value is out of range");
  }
  return std::nullopt;
}

// HRANDFIELD, SRANDMEMBER and ZRANDMEMBER with a negative count pick that
// many times, repeats allowed. Redis has no bound but the client's output
// limit; a reply is built whole here before it is sent, so a count of -10^18
// would exhaust the server's memory. Beyond this many picks the command is
// refused instead.
inline constexpr int64_t kMaxRepeatedPicks = 10'000'000;
inline Reply TooManyPicks() {
  return Reply::Error("ERR count is out of range: at most 10000000 repeated picks");
}

// A uniform random number in [0, n), n > 0 (HRANDFIELD, SRANDMEMBER, SPOP).
inline size_t RandomBelow(size_t n) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_int_distribution<size_t>(0, n - 1)(rng);
}

// `count` distinct indexes below `size` in random order, or every index in
// order when count >= size.
inline std::vector<size_t> DistinctRandomIndexes(size_t size, size_t count) {
  std::vector<size_t> all(size);
  std::iota(all.begin(), all.end(), size_t{0});
  if (count >= size) return all;
  // A partial Fisher-Yates shuffle: the first `count` slots end up a uniform
  // sample.
  for (size_t i = 0; i < count; ++i) std::swap(all[i], all[i + RandomBelow(size - i)]);
  all.resize(count);
  return all;
}

}  // namespace cacheforge

#endif  // CACHEFORGE_COMMANDS_COLLECTION_ACCESS_H_
