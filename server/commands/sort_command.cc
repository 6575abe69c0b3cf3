// server/commands/sort_command.cc
// -----------------------------------------------------------------------------
// SORT and SORT_RO; see the header.
#include "commands/sort_command.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commands/collection_access.h"
#include "store/hash_object.h"
#include "store/list_object.h"
#include "store/set_object.h"
#include "store/zset_object.h"
#include "util/numbers.h"
#include "util/strings.h"

namespace cacheforge {
namespace {

struct SortOptions {
  bool desc = false;
  bool alpha = false;
  bool dontsort = false;
  int64_t limit_start = 0;
  int64_t limit_count = -1;
  std::optional<std::string_view> by;
  std::optional<std::string_view> store;
  std::vector<std::string_view> gets;
};

// Redis's lookupKeyByPattern: "#" is the element itself; otherwise the first
// '*' becomes the element and the key's string value, or with "->field" the
// hash field, is the result. Null when there is none (or no '*').
std::optional<std::string> LookUp(KeysLock& lock, std::string_view pattern,
                                  std::string_view element) {
  if (pattern == "#") return std::string(element);
  const size_t star = pattern.find('*');
  if (star == std::string_view::npos) return std::nullopt;
  std::string_view field;
  std::string_view rest = pattern.substr(star + 1);
  if (size_t arrow = rest.find("->"); arrow != std::string_view::npos && arrow + 2 < rest.size()) {
    field = rest.substr(arrow + 2);
    rest = rest.substr(0, arrow);
  }
  std::string key;
  key.reserve(pattern.size() + element.size());
  key.append(pattern.substr(0, star)).append(element).append(rest);
  Entry* e = lock.FindForRead(key);
  if (e == nullptr) return std::nullopt;
  if (field.empty()) {
    if (!e->is_string()) return std::nullopt;
    return e->value;
  }
  if (e->type() != ValueType::kHash) return std::nullopt;
  auto value = HashValue(e).Get(field);
  if (!value) return std::nullopt;
  return std::string(*value);
}

// strtod as Redis applies it: the whole text must be a number, not NaN.
bool SortScore(const std::string& text, double* score) {
  char* end = nullptr;
  errno = 0;
  *score = std::strtod(text.c_str(), &end);
  return *end == '\0' && errno != ERANGE && !std::isnan(*score);
}

// The elements of a list, set or sorted set, in its own order (a sorted
// set's by score).
std::vector<std::string> Elements(const Entry* e) {
  std::vector<std::string> out;
  if (e == nullptr) return out;
  switch (e->type()) {
    case ValueType::kList: {
      const auto& list = static_cast<const ListObject*>(e->object)->list();
      out.reserve(list.size());
      if (list.size() > 0) {
        list.Walk(0, list.size() - 1, false, [&](size_t, std::string_view v) {
          out.emplace_back(v);
          return true;
        });
      }
      break;
    }
    case ValueType::kSet:
      static_cast<const SetObject*>(e->object)->ForEach(
          [&](std::string_view m) { out.emplace_back(m); });
      break;
    case ValueType::kZset: {
      const auto* zset = static_cast<const ZsetObject*>(e->object);
      if (zset->Size() > 0) {
        zset->Walk(0, zset->Size() - 1, false, [&](std::string_view m, double) {
          out.emplace_back(m);
          return true;
        });
      }
      break;
    }
    default:
      break;
  }
  return out;
}

std::optional<Reply> ParseOptions(const CommandContext& ctx, bool read_only, SortOptions* o) {
  for (size_t j = 2; j < ctx.argc(); ++j) {
    const std::string_view word = ctx.arg(j);
    const size_t left = ctx.argc() - j - 1;
    if (EqualsIgnoreCase(word, "ASC")) {
      o->desc = false;
    } else if (EqualsIgnoreCase(word, "DESC")) {
      o->desc = true;
    } else if (EqualsIgnoreCase(word, "ALPHA")) {
      o->alpha = true;
    } else if (EqualsIgnoreCase(word, "LIMIT") && left >= 2) {
      if (!ParseInt64(ctx.arg(j + 1), &o->limit_start) ||
          !ParseInt64(ctx.arg(j + 2), &o->limit_count)) {
        return Reply::Error(errors::kNotInteger);
      }
      j += 2;
    } else if (!read_only && EqualsIgnoreCase(word, "STORE") && left >= 1) {
      o->store = ctx.arg(++j);
    } else if (EqualsIgnoreCase(word, "BY") && left >= 1) {
      o->by = ctx.arg(++j);
      // A constant BY names no key to weigh by: nothing is sorted.
      o->dontsort = o->by->find('*') == std::string_view::npos;
    } else if (EqualsIgnoreCase(word, "GET") && left >= 1) {
      o->gets.push_back(ctx.arg(++j));
    } else {
      return Reply::Error(errors::kSyntax);
    }
  }
  return std::nullopt;
}

struct Item {
  std::string element;
  double score = 0;
  std::optional<std::string> by;  // ALPHA with BY: the value compared
};

Reply SortGeneric(CommandContext& ctx, bool read_only) {
  SortOptions o;
  if (auto error = ParseOptions(ctx, read_only, &o)) return std::move(*error);
  const bool patterns =
      (o.by && !o.dontsort) || std::any_of(o.gets.begin(), o.gets.end(), [](std::string_view g) {
        return g != "#" && g.find('*') != std::string_view::npos;
      });
  std::vector<std::string_view> named = {ctx.arg(1)};
  if (o.store) named.push_back(*o.store);
  // Patterns may name any key of the database: lock every shard of it.
  KeysLock lock(ctx, patterns ? ShardSetLock::AllShards(ctx.db()) : ctx.db().ShardMask(named));
  Entry* source = lock.FindForRead(ctx.arg(1));
  if (source != nullptr && source->type() != ValueType::kList &&
      source->type() != ValueType::kSet && source->type() != ValueType::kZset) {
    return WrongType();
  }
  const bool is_set = source != nullptr && source->type() == ValueType::kSet;
  if (source != nullptr && source->type() == ValueType::kZset) {
    // Redis converts a sorted set it sorts to a skiplist for good (OBJECT
    // ENCODING shows it); no change to the data, so none for WATCH or the AOF.
    Shard& shard = lock.ShardOf(ctx.arg(1));
    shard.AssertHeld();
    shard.UpdateObjectLocked<ZsetObject>(source, [](ZsetObject& z) {
      z.MakeSkipList();
      return 0;
    });
  }
  if (o.dontsort && is_set && o.store) {
    // A set has no order of its own: what is stored must not depend on one.
    o.dontsort = false;
    o.alpha = true;
    o.by.reset();
  }
  std::vector<std::string> elements = Elements(source);
  const int64_t n = static_cast<int64_t>(elements.size());
  int64_t start = std::min(std::max<int64_t>(o.limit_start, 0), n);
  const int64_t count = std::min(std::max<int64_t>(o.limit_count, -1), n);
  int64_t end = count < 0 ? n - 1 : start + count - 1;
  if (start >= n) {
    start = n - 1;
    end = n - 2;
  }
  if (end >= n) end = n - 1;

  std::vector<Item> items(elements.size());
  for (size_t i = 0; i < elements.size(); ++i) items[i].element = std::move(elements[i]);
  if (o.dontsort) {
    // A list or sorted set in its order (reversed by DESC); a set as it comes.
    if (o.desc && !is_set) std::reverse(items.begin(), items.end());
  } else {
    bool bad_score = false;
    for (Item& item : items) {
      std::optional<std::string> by_value;
      if (o.by) {
        by_value = LookUp(lock, *o.by, item.element);
        if (!by_value) continue;  // weighs 0, or sorts first with ALPHA
      }
      if (o.alpha) {
        if (o.by) item.by = std::move(by_value);
      } else if (!SortScore(o.by ? *by_value : item.element, &item.score)) {
        bad_score = true;
      }
    }
    if (bad_score) return Reply::Error("ERR One or more scores can't be converted into double");
    // ALPHA compares as Redis does: with STORE byte by byte, otherwise as C
    // strings (Redis's strcoll in the C locale), so values that differ only
    // after a NUL byte tie and keep their order.
    auto alpha_compare = [&](const std::string& a, const std::string& b) {
      return o.store ? a.compare(b) : std::strcmp(a.c_str(), b.c_str());
    };
    auto compare = [&](const Item& a, const Item& b) {
      int cmp = 0;
      if (!o.alpha) {
        cmp = a.score < b.score ? -1 : a.score > b.score ? 1 : a.element.compare(b.element);
      } else if (o.by) {
        if (!a.by || !b.by) {
          cmp = a.by == b.by ? 0 : !a.by ? -1 : 1;
        } else {
          cmp = alpha_compare(*a.by, *b.by);
        }
      } else {
        cmp = alpha_compare(a.element, b.element);
      }
      return o.desc ? cmp > 0 : cmp < 0;
    };
    std::stable_sort(items.begin(), items.end(), compare);
  }

  std::vector<std::optional<std::string>> out;
  for (int64_t j = start; j <= end; ++j) {
    const std::string& element = items[static_cast<size_t>(j)].element;
    if (o.gets.empty()) out.emplace_back(element);
    for (std::string_view get : o.gets) out.push_back(LookUp(lock, get, element));
  }
  if (!o.store) {
    std::vector<Reply> replies;
    replies.reserve(out.size());
    for (auto& value : out) {
      replies.push_back(value ? Reply::Bulk(std::move(*value)) : Reply::Null());
    }
    return Reply::Array(std::move(replies));
  }
  const std::string_view dst = *o.store;
  Entry* old = lock.Find(dst);
  if (old != nullptr) lock.Erase(dst, old);
  if (out.empty()) {
    if (old != nullptr) ctx.Notify(kNotifyGeneric, "del", dst);
    return Reply::Integer(0);
  }
  Found<ListObject> list = Create<ListObject>(lock, dst, ListFill(ctx));
  lock.MutateObject<ListObject>(dst, list.entry, [&](ListObject& l) {
    for (const auto& value : out) l.list().PushBack(value ? *value : std::string());
  });
  ctx.Notify(kNotifyList, "sortstore", dst);
  return Reply::Integer(static_cast<int64_t>(out.size()));
}

}  // namespace

// SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA]
//      [STORE destination]
Reply SortCommand(CommandContext& ctx) { return SortGeneric(ctx, false); }

// SORT_RO: SORT without STORE.
Reply SortRoCommand(CommandContext& ctx) { return SortGeneric(ctx, true); }

}  // namespace cacheforge
