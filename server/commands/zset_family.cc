// server/commands/zset_family.cc
// -----------------------------------------------------------------------------
// Sorted-set commands, with Redis 7.0's replies and error texts. A single-key
// command works under its key's shard lock (KeyLock); ZRANGESTORE, ZMPOP and
// the set algebra (ZUNION, ZINTER, ZDIFF, their STORE forms, ZINTERCARD) take
// every shard they name in ascending order (KeysLock).
#include "commands/zset_family.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "commands/blocking.h"
#include "commands/collection_access.h"
#include "commands/scan_args.h"
#include "commands/zset_ranges.h"
#include "store/set_object.h"
#include "store/zset_object.h"
#include "util/glob.h"
#include "util/numbers.h"
#include "util/strings.h"

namespace cacheforge {
namespace {

using Element = std::pair<std::string, double>;

constexpr char kNotFloatRange[] = "ERR min or max is not a float";
constexpr char kNotLexRange[] = "ERR min or max not valid string range item";
constexpr char kMustBePositive[] = "ERR value is out of range, must be positive";

// A score: a double in RESP3, a bulk string in RESP2.
Reply Score(double score) { return Reply::Double(score); }

// How a reply of members carries their scores, as Redis's replies do.
enum class Scores {
  kNone,      // members only
  kPairs,     // WITHSCORES: member, score, ... in RESP2; [member, score] pairs in RESP3
  kFlat,      // member, score, ... in both protocols (ZPOPMIN/ZPOPMAX without a count)
  kFlatText,  // as kFlat, with each score a string in RESP3 too (ZSCAN)
};

Reply Flat(const std::vector<Element>& elements, Scores scores) {
  std::vector<Reply> out;
  out.reserve(elements.size() * (scores == Scores::kNone ? 1 : 2));
  for (const auto& [member, score] : elements) {
    out.push_back(Reply::Bulk(member));
    if (scores == Scores::kFlatText) {
      out.push_back(Reply::Bulk(FormatDouble(score)));
    } else if (scores != Scores::kNone) {
      out.push_back(Score(score));
    }
  }
  return scores == Scores::kPairs ? Reply::PairArray(std::move(out)) : Reply::Array(std::move(out));
}
Reply Flat(const std::vector<Element>& elements, bool with_scores) {
  return Flat(elements, with_scores ? Scores::kPairs : Scores::kNone);
}

// Copies ranks first..last (inclusive) of `zset`, descending with `reverse`.
void Collect(const ZsetObject& zset, size_t first, size_t last, bool reverse,
             std::vector<Element>* out) {
  zset.Walk(first, last, reverse, [&](std::string_view member, double score) {
    out->emplace_back(std::string(member), score);
    return true;
  });
}

// Replaces `key` (locked by `lock`) with a sorted set of `elements`, or
// deletes it when there are none. Its encoding is chosen as Redis chooses
// it: from the count alone for ZRANGESTORE, from the whole result (count and
// longest member) for the set algebra. `event`: the keyspace event of a store
// ("del" when it deleted an existing key instead).
void StoreElements(CommandContext& ctx, KeysLock& lock, std::string_view key,
                   const std::vector<Element>& elements, bool whole_result, const char* event) {
  Entry* old = lock.Find(key);
  if (old != nullptr) lock.Erase(key, old);
  if (elements.empty()) {
    if (old != nullptr) ctx.Notify(kNotifyGeneric, "del", key);
    return;
  }
  const EncodingLimits limits = ctx.server.config().encoding_limits();
  size_t longest = 0;
  if (whole_result) {
    for (const auto& element : elements) longest = std::max(longest, element.first.size());
  }
  Found<ZsetObject> zset = Create<ZsetObject>(lock, key);
  lock.MutateObject<ZsetObject>(key, zset.entry, [&](ZsetObject& z) {
    z.PrepareFor(elements.size(), longest, limits);
    for (const auto& [member, score] : elements) z.Set(member, score, limits);
  });
  ctx.Notify(kNotifyZset, event, key);
}

enum class RangeType { kAuto, kRank, kScore, kLex };
enum class Direction { kAuto, kForward, kReverse };

// ZRANGE and its older forms, and ZRANGESTORE (`store`): the source key is
// argument `key_at`, then min, max and options.
Reply RangeGeneric(CommandContext& ctx, size_t key_at, bool store, RangeType type,
                   Direction direction) {
  bool with_scores = false;
  int64_t offset = 0, limit = -1;
  for (size_t j = key_at + 3; j < ctx.argc(); ++j) {
    const size_t left = ctx.argc() - j - 1;
    std::string_view opt = ctx.arg(j);
    if (!store && EqualsIgnoreCase(opt, "WITHSCORES")) {
      with_scores = true;
    } else if (EqualsIgnoreCase(opt, "LIMIT") && left >= 2) {
      if (!ParseInt64(ctx.arg(j + 1), &offset) || !ParseInt64(ctx.arg(j + 2), &limit)) {
        return Reply::Error(errors::kNotInteger);
      }
      j += 2;
    } else if (direction == Direction::kAuto && EqualsIgnoreCase(opt, "REV")) {
      direction = Direction::kReverse;
    } else if (type == RangeType::kAuto && EqualsIgnoreCase(opt, "BYLEX")) {
      type = RangeType::kLex;
    } else if (type == RangeType::kAuto && EqualsIgnoreCase(opt, "BYSCORE")) {
      type = RangeType::kScore;
    } else {
      return Reply::Error(errors::kSyntax);
    }
  }
  if (direction == Direction::kAuto) direction = Direction::kForward;
  if (type == RangeType::kAuto) type = RangeType::kRank;
  // As in Redis, "LIMIT x -1" (no limit) is accepted with a rank range.
  if (limit != -1 && type == RangeType::kRank) {
    return Reply::Error(
        "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
  }
  if (with_scores && type == RangeType::kLex) {
    return Reply::Error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
  }
  const bool reverse = direction == Direction::kReverse;
  size_t min_at = key_at + 1, max_at = key_at + 2;
  if (reverse && type != RangeType::kRank) std::swap(min_at, max_at);  // given as max, min

  int64_t start = 0, stop = 0;
  ScoreRange scores;
  LexRange lex;
  if (type == RangeType::kRank) {
    if (!ParseInt64(ctx.arg(min_at), &start) || !ParseInt64(ctx.arg(max_at), &stop)) {
      return Reply::Error(errors::kNotInteger);
    }
  } else if (type == RangeType::kScore) {
    if (!ParseScoreRange(ctx.arg(min_at), ctx.arg(max_at), &scores)) {
      return Reply::Error(kNotFloatRange);
    }
  } else if (!ParseLexRange(ctx.arg(min_at), ctx.arg(max_at), &lex)) {
    return Reply::Error(kNotLexRange);
  }

  // The selection, read under the source's lock (with the destination's for
  // a store, so the result is stored atomically).
  auto select = [&](Entry* source, std::vector<Element>* out) -> bool {
    Found<ZsetObject> zset = As<ZsetObject>(source);
    if (zset.wrong_type) return false;
    if (zset.entry == nullptr) return true;
    const ZsetObject& z = *zset.value;
    const size_t n = z.Size();
    if (type == RangeType::kRank) {
      int64_t s = start < 0 ? start + static_cast<int64_t>(n) : start;
      int64_t e = stop < 0 ? stop + static_cast<int64_t>(n) : stop;
      if (s < 0) s = 0;
      if (s > e || s >= static_cast<int64_t>(n)) return true;
      if (e >= static_cast<int64_t>(n)) e = static_cast<int64_t>(n) - 1;
      if (reverse) {
        Collect(z, n - 1 - static_cast<size_t>(s), n - 1 - static_cast<size_t>(e), true, out);
      } else {
        Collect(z, static_cast<size_t>(s), static_cast<size_t>(e), false, out);
      }
      return true;
    }
    RankSpan span = type == RangeType::kScore ? RanksOf(z, scores) : RanksOf(z, lex);
    // A negative offset selects nothing and a negative limit everything, as
    // Redis's loops over them do.
    if (span.size() == 0 || offset < 0 || static_cast<uint64_t>(offset) >= span.size()) {
      return true;
    }
    size_t count = span.size() - static_cast<size_t>(offset);
    if (limit >= 0) count = std::min(count, static_cast<size_t>(limit));
    if (count == 0) return true;
    if (reverse) {
      const size_t first = span.end - 1 - static_cast<size_t>(offset);
      Collect(z, first, first - (count - 1), true, out);
    } else {
      const size_t first = span.begin + static_cast<size_t>(offset);
      Collect(z, first, first + count - 1, false, out);
    }
    return true;
  };

  std::vector<Element> elements;
  if (!store) {
    KeyLock key(ctx, ctx.arg(key_at));
    if (!select(key.FindForRead(), &elements)) return WrongType();
    return Flat(elements, with_scores);
  }
  std::string_view names[2] = {ctx.arg(1), ctx.arg(key_at)};
  KeysLock lock(ctx, names);
  if (!select(lock.FindForRead(names[1]), &elements)) return WrongType();
  StoreElements(ctx, lock, names[0], elements, /*whole_result=*/false, "zrangestore");
  return Reply::Integer(static_cast<int64_t>(elements.size()));
}

// ZADD's flags.
struct AddFlags {
  bool nx = false, xx = false, gt = false, lt = false, ch = false, incr = false;
};

// ZADD's and ZINCRBY's work once parsed: `pairs` of (score, member).
Reply AddGeneric(CommandContext& ctx, const AddFlags& f,
                 const std::vector<std::pair<double, std::string_view>>& pairs) {
  KeyLock key(ctx, ctx.arg(1));
  Found<ZsetObject> zset = As<ZsetObject>(key.Find());
  if (zset.wrong_type) return WrongType();
  if (zset.entry == nullptr) {
    if (f.xx) return f.incr ? Reply::Null() : Reply::Integer(0);
    zset = Create<ZsetObject>(key);
  }
  const EncodingLimits limits = ctx.server.config().encoding_limits();
  int64_t added = 0, updated = 0;
  bool processed = false, nan = false;
  double result = 0;
  // Only an added or re-scored member is a change (AOF, WATCH).
  key.UpdateObject<ZsetObject>(zset.entry, [&](ZsetObject& z) {
    for (const auto& [given, member] : pairs) {
      double score = given;
      std::optional<double> current = z.Score(member);
      if (current) {
        if (f.nx) continue;
        if (f.incr) {
          score += *current;
          if (std::isnan(score)) {
            nan = true;
            break;
          }
        }
        if ((f.gt && score <= *current) || (f.lt && score >= *current)) continue;
        processed = true;
        result = score;
        if (score != *current) {
          z.Set(member, score, limits);
          ++updated;
        }
      } else {
        if (f.xx) continue;
        processed = true;
        result = score;
        z.Set(member, score, limits);
        ++added;
      }
    }
    return added + updated;
  });
  if (added + updated > 0) ctx.Notify(kNotifyZset, f.incr ? "zincr" : "zadd", ctx.arg(1));
  // A set created above and left empty never existed for anyone: no "del".
  if (zset.value->Size() == 0) key.Erase(zset.entry);
  if (nan) return Reply::Error("ERR resulting score is not a number (NaN)");
  if (f.incr) {
    if (!processed) return Reply::Null();
    // The new score, not the increment, goes to the file.
    ctx.propagate_as = {"ZADD", std::string(ctx.arg(1)), FormatDouble(result),
                        std::string(pairs[0].second)};
    return Score(result);
  }
  return Reply::Integer(f.ch ? added + updated : added);
}

// ZPOPMIN/ZPOPMAX's removal of up to `count` from one end.
std::vector<Element> PopLocked(ZsetObject& z, bool max, size_t count) {
  std::vector<Element> out;
  const size_t n = std::min(count, z.Size());
  if (n == 0) return out;
  if (max) {
    Collect(z, z.Size() - 1, z.Size() - n, true, &out);
  } else {
    Collect(z, 0, n - 1, false, &out);
  }
  for (const auto& [member, score] : out) z.Remove(member);
  return out;
}

Reply PopGeneric(CommandContext& ctx, bool max) {
  if (ctx.argc() > 3) return Reply::Error(errors::kSyntax);
  int64_t count = 1;
  if (ctx.argc() == 3 && (!ParseInt64(ctx.arg(2), &count) || count < 0)) {
    return Reply::Error(kMustBePositive);
  }
  KeyLock key(ctx, ctx.arg(1));
  Found<ZsetObject> zset = As<ZsetObject>(key.Find());
  if (zset.wrong_type) return WrongType();
  if (zset.entry == nullptr || count == 0) return Reply::Array();
  std::vector<Element> popped = key.MutateObject<ZsetObject>(
      zset.entry, [&](ZsetObject& z) { return PopLocked(z, max, static_cast<size_t>(count)); });
  if (!popped.empty()) ctx.Notify(kNotifyZset, max ? "zpopmax" : "zpopmin", ctx.arg(1));
  EraseIfEmpty(key, zset);
  // With a COUNT, RESP3 gets [member, score] pairs; without, one flat pair.
  return Flat(popped, ctx.argc() == 3 ? Scores::kPairs : Scores::kFlat);
}

enum class ZSetAlgebra { kUnion, kInter, kDiff };
enum class Aggregate { kSum, kMin, kMax };

void Combine(Aggregate agg, double value, double* target) {
  switch (agg) {
    case Aggregate::kSum:
      *target += value;
      if (std::isnan(*target)) *target = 0;  // inf + -inf, as Redis
      break;
    case Aggregate::kMin:
      *target = std::min(*target, value);
      break;
    case Aggregate::kMax:
      *target = std::max(*target, value);
      break;
  }
}

// One input of the algebra: a sorted set, or a set whose members score 1.
struct Input {
  const ZsetObject* zset = nullptr;
  const SetObject* set = nullptr;
  double weight = 1;
  size_t size() const { return zset ? zset->Size() : set ? set->Size() : 0; }
  template <typename F>
  void ForEach(F&& visit) const {
    if (zset && zset->Size() > 0) {
      zset->Walk(0, zset->Size() - 1, false, [&](std::string_view m, double s) {
        visit(m, s);
        return true;
      });
    } else if (set) {
      set->ForEach([&](std::string_view m) { visit(m, 1.0); });
    }
  }
  std::optional<double> Score(std::string_view member) const {
    if (zset) return zset->Score(member);
    if (set && set->Contains(member)) return 1.0;
    return std::nullopt;
  }
};

// The weighted value an input contributes; NaN (0 * inf) counts as 0.
double Weighted(double score, double weight) {
  double v = score * weight;
  return std::isnan(v) ? 0 : v;
}

// ZUNION/ZINTER/ZDIFF [STORE], ZINTERCARD: numkeys at `numkeys_at`.
Reply AlgebraGeneric(CommandContext& ctx, ZSetAlgebra op, size_t numkeys_at, bool store,
                     bool cardinality_only = false) {
  int64_t numkeys = 0;
  if (!ParseInt64(ctx.arg(numkeys_at), &numkeys)) return Reply::Error(errors::kNotInteger);
  if (numkeys < 1) {
    return Reply::Error("ERR at least 1 input key is needed for '" + ToLower(ctx.arg(0)) +
                        "' command");
  }
  if (numkeys > static_cast<int64_t>(ctx.argc() - numkeys_at - 1)) {
    return Reply::Error(errors::kSyntax);
  }
  const size_t first_key = numkeys_at + 1;
  auto keys = ctx.args.subspan(first_key, static_cast<size_t>(numkeys));
  // Redis checks the inputs' types before it reads the options.
  std::vector<std::string_view> locked(keys.begin(), keys.end());
  if (store) locked.push_back(ctx.arg(1));
  KeysLock lock(ctx, locked);
  std::vector<Input> inputs;
  for (size_t k = 0; k < keys.size(); ++k) {
    Entry* e = lock.FindForRead(keys[k]);
    Input in;
    if (e != nullptr) {
      if (e->type() == ValueType::kZset) {
        in.zset = static_cast<const ZsetObject*>(e->object);
      } else if (e->type() == ValueType::kSet) {
        in.set = static_cast<const SetObject*>(e->object);
      } else {
        return WrongType();
      }
    }
    inputs.push_back(in);
  }

  std::vector<double> weights(keys.size(), 1.0);
  Aggregate agg = Aggregate::kSum;
  bool with_scores = false;
  int64_t limit = 0;
  for (size_t j = first_key + keys.size(); j < ctx.argc(); ++j) {
    const size_t left = ctx.argc() - j - 1;
    std::string_view opt = ctx.arg(j);
    if (cardinality_only) {
      if (EqualsIgnoreCase(opt, "LIMIT") && left >= 1) {
        if (!ParseInt64(ctx.arg(j + 1), &limit) || limit < 0) {
          return Reply::Error("ERR LIMIT can't be negative");
        }
        ++j;
        continue;
      }
      return Reply::Error(errors::kSyntax);
    }
    if (op != ZSetAlgebra::kDiff && EqualsIgnoreCase(opt, "WEIGHTS") && left >= keys.size()) {
      for (size_t k = 0; k < keys.size(); ++k) {
        if (!ParseDouble(ctx.arg(++j), &weights[k])) {
          return Reply::Error("ERR weight value is not a float");
        }
      }
    } else if (op != ZSetAlgebra::kDiff && EqualsIgnoreCase(opt, "AGGREGATE") && left >= 1) {
      std::string_view how = ctx.arg(++j);
      if (EqualsIgnoreCase(how, "SUM")) {
        agg = Aggregate::kSum;
      } else if (EqualsIgnoreCase(how, "MIN")) {
        agg = Aggregate::kMin;
      } else if (EqualsIgnoreCase(how, "MAX")) {
        agg = Aggregate::kMax;
      } else {
        return Reply::Error(errors::kSyntax);
      }
    } else if (!store && EqualsIgnoreCase(opt, "WITHSCORES")) {
      with_scores = true;
    } else {
      return Reply::Error(errors::kSyntax);
    }
  }

  for (size_t k = 0; k < inputs.size(); ++k) inputs[k].weight = weights[k];
  // Union and intersection visit the inputs smallest first, as Redis does
  // (a float sum's rounding depends on the order).
  if (op != ZSetAlgebra::kDiff) {
    std::stable_sort(inputs.begin(), inputs.end(),
                     [](const Input& a, const Input& b) { return a.size() < b.size(); });
  }
  absl::flat_hash_map<std::string, double> result;
  if (op == ZSetAlgebra::kUnion) {
    for (const Input& in : inputs) {
      in.ForEach([&](std::string_view m, double s) {
        const double v = Weighted(s, in.weight);
        auto [it, inserted] = result.try_emplace(std::string(m), v);
        if (!inserted) Combine(agg, v, &it->second);
      });
    }
  } else if (op == ZSetAlgebra::kInter) {
    // Walk the smallest input; a missing key empties the intersection.
    const size_t smallest = 0;
    inputs[smallest].ForEach([&](std::string_view m, double s) {
      if (cardinality_only && limit > 0 && result.size() >= static_cast<size_t>(limit)) return;
      double v = Weighted(s, inputs[smallest].weight);
      for (size_t k = 0; k < inputs.size(); ++k) {
        if (k == smallest) continue;
        std::optional<double> other = inputs[k].Score(m);
        if (!other) return;
        // Only the first input's product is reset from NaN; the sum is.
        Combine(agg, *other * inputs[k].weight, &v);
      }
      result.emplace(std::string(m), v);
    });
  } else {
    inputs[0].ForEach([&](std::string_view m, double s) {
      for (size_t k = 1; k < inputs.size(); ++k) {
        if (inputs[k].Score(m)) return;
      }
      result.emplace(std::string(m), s);
    });
  }
  if (cardinality_only) return Reply::Integer(static_cast<int64_t>(result.size()));

  std::vector<Element> elements(result.begin(), result.end());
  std::sort(elements.begin(), elements.end(), [](const Element& a, const Element& b) {
    return a.second < b.second || (a.second == b.second && a.first < b.first);
  });
  if (!store) return Flat(elements, with_scores);
  static constexpr const char* kStoreEvents[] = {"zunionstore", "zinterstore", "zdiffstore"};
  StoreElements(ctx, lock, ctx.arg(1), elements, /*whole_result=*/true,
                kStoreEvents[static_cast<int>(op)]);
  return Reply::Integer(static_cast<int64_t>(elements.size()));
}

}  // namespace

namespace {
// ZADD, and ZINCRBY (`incr`: Redis runs it as ZADD ... INCR, flags included).
Reply ZAddGeneric(CommandContext& ctx, bool incr) {
  AddFlags f;
  f.incr = incr;
  size_t i = 2;
  for (; i < ctx.argc(); ++i) {
    std::string_view opt = ctx.arg(i);
    if (EqualsIgnoreCase(opt, "NX")) {
      f.nx = true;
    } else if (EqualsIgnoreCase(opt, "XX")) {
      f.xx = true;
    } else if (EqualsIgnoreCase(opt, "GT")) {
      f.gt = true;
    } else if (EqualsIgnoreCase(opt, "LT")) {
      f.lt = true;
    } else if (EqualsIgnoreCase(opt, "CH")) {
      f.ch = true;
    } else if (EqualsIgnoreCase(opt, "INCR")) {
      f.incr = true;
    } else {
      break;
    }
  }
  const size_t elements = ctx.argc() - i;
  if (elements == 0 || elements % 2 != 0) return Reply::Error(errors::kSyntax);
  if (f.nx && f.xx) {
    return Reply::Error("ERR XX and NX options at the same time are not compatible");
  }
  if ((f.gt && f.nx) || (f.lt && f.nx) || (f.gt && f.lt)) {
    return Reply::Error("ERR GT, LT, and/or NX options at the same time are not compatible");
  }
  if (f.incr && elements > 2) {
    return Reply::Error("ERR INCR option supports a single increment-element pair");
  }
  std::vector<std::pair<double, std::string_view>> pairs;
  for (; i < ctx.argc(); i += 2) {
    double score = 0;
    if (!ParseDouble(ctx.arg(i), &score)) return Reply::Error(errors::kNotFloat);
    pairs.emplace_back(score, ctx.arg(i + 1));
  }
  return AddGeneric(ctx, f, pairs);
}
}  // namespace

// ZADD key [NX | XX] [GT | LT] [CH] [INCR] score member [score member ...]
Reply ZAddCommand(CommandContext& ctx) { return ZAddGeneric(ctx, false); }
// ZINCRBY key increment member
Reply ZIncrByCommand(CommandContext& ctx) { return ZAddGeneric(ctx, true); }

// ZREM key member [member ...]
Reply ZRemCommand(CommandContext& ctx) {
  KeyLock key(ctx, ctx.arg(1));
  Found<ZsetObject> zset = As<ZsetObject>(key.Find());
  if (zset.wrong_type) return WrongType();
  if (zset.entry == nullptr) return Reply::Integer(0);
  int64_t removed = 0;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    if (!zset.value->Score(ctx.arg(i))) continue;
    key.MutateObject<ZsetObject>(zset.entry, [&](ZsetObject& z) { z.Remove(ctx.arg(i)); });
    ++removed;
  }
  if (removed > 0) ctx.Notify(kNotifyZset, "zrem", ctx.arg(1));
  EraseIfEmpty(key, zset);
  return Reply::Integer(removed);
}

// ZCARD key
Reply ZCardCommand(CommandContext& ctx) {
  KeyLock key(ctx, ctx.arg(1));
  Found<ZsetObject> zset = As<ZsetObject>(key.FindForRead());
  if (zset.wrong_type) return WrongType();
  return Reply::Integer(zset.entry ? static_cast<int64_t>(zset.value->Size()) : 0);
}

// ZSCORE key member
Reply ZScoreCommand(CommandContext& ctx) {
  KeyLock key(ctx, ctx.arg(1));
  Found<ZsetObject> zset = As<ZsetObject>(key.FindForRead());
  if (zset.wrong_type) return WrongType();
  auto score = zset.entry ? zset.value->Score(ctx.arg(2)) : std::nullopt;
  return score ? Score(*score) : Reply::Null();
}

// ZMSCORE key member [member ...]
Reply ZMScoreCommand(CommandContext& ctx) {
  KeyLock key(ctx, ctx.arg(1));
  Found<ZsetObject> zset = As<ZsetObject>(key.FindForRead());
  if (zset.wrong_type) return WrongType();
  std::vector<Reply> out;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    auto score = zset.entry ? zset.value->Score(ctx.arg(i)) : std::nullopt;
    out.push_back(score ? Score(*score) : Reply::Null());
  }
  return Reply::Array(std::move(out));
}

namespace {
Reply RankGeneric(CommandContext& ctx, bool reverse) {
  KeyLock key(ctx, ctx.arg(1));
  Found<ZsetObject> zset = As<ZsetObject>(key.FindForRead());
  if (zset.wrong_type) return WrongType();
  auto rank = zset.entry ? zset.value->Rank(ctx.arg(2)) : std::nullopt;
  if (!rank) return Reply::Null();
  return Reply::Integer(static_cast<int64_t>(reverse ? zset.value->Size() - 1 - *rank : *rank));
}

template <typename Range>
Reply CountGeneric(CommandContext& ctx, bool lex) {
  Range range;
  bool ok;
  if constexpr (std::is_same_v<Range, ScoreRange>) {
    ok = ParseScoreRange(ctx.arg(2), ctx.arg(3), &range);
  } else {
    ok = ParseLexRange(ctx.arg(2), ctx.arg(3), &range);
  }
  if (!ok) return Reply::Error(lex ? kNotLexRange : kNotFloatRange);
  KeyLock key(ctx, ctx.arg(1));
  Found<ZsetObject> zset = As<ZsetObject>(key.FindForRead());
  if (zset.wrong_type) return WrongType();
  if (zset.entry == nullptr) return Reply::Integer(0);
  return Reply::Integer(static_cast<int64_t>(RanksOf(*zset.value, range).size()));
}

// ZREMRANGEBYRANK/BYSCORE/BYLEX: removes the ranks [begin, end).
template <typename Parse>
Reply RemoveRangeGeneric(CommandContext& ctx, const char* event, Parse&& parse_span) {
  KeyLock key(ctx, ctx.arg(1));
  Found<ZsetObject> zset = As<ZsetObject>(key.Find());
  if (zset.wrong_type) return WrongType();
  RankSpan span;
  if (std::optional<Reply> error = parse_span(zset.value, &span)) return std::move(*error);
  if (zset.entry == nullptr || span.size() == 0) return Reply::Integer(0);
  std::vector<Element> doomed;
  Collect(*zset.value, span.begin, span.end - 1, false, &doomed);
  key.MutateObject<ZsetObject>(zset.entry, [&](ZsetObject& z) {
    for (const auto& [member, score] : doomed) z.Remove(member);
  });
  ctx.Notify(kNotifyZset, event, ctx.arg(1));
  EraseIfEmpty(key, zset);
  return Reply::Integer(static_cast<int64_t>(doomed.size()));
}
}  // namespace

Reply ZRankCommand(CommandContext& ctx) { return RankGeneric(ctx, false); }
Reply ZRevRankCommand(CommandContext& ctx) { return RankGeneric(ctx, true); }
Reply ZCountCommand(CommandContext& ctx) { return CountGeneric<ScoreRange>(ctx, false); }
Reply ZLexCountCommand(CommandContext& ctx) { return CountGeneric<LexRange>(ctx, true); }

Reply ZRangeCommand(CommandContext& ctx) {
  return RangeGeneric(ctx, 1, false, RangeType::kAuto, Direction::kAuto);
}
Reply ZRangeStoreCommand(CommandContext& ctx) {
  return RangeGeneric(ctx, 2, true, RangeType::kAuto, Direction::kAuto);
}
Reply ZRevRangeCommand(CommandContext& ctx) {
  return RangeGeneric(ctx, 1, false, RangeType::kRank, Direction::kReverse);
}
Reply ZRangeByScoreCommand(CommandContext& ctx) {
  return RangeGeneric(ctx, 1, false, RangeType::kScore, Direction::kForward);
}
Reply ZRevRangeByScoreCommand(CommandContext& ctx) {
  return RangeGeneric(ctx, 1, false, RangeType::kScore, Direction::kReverse);
}
Reply ZRangeByLexCommand(CommandContext& ctx) {
  return RangeGeneric(ctx, 1, false, RangeType::kLex, Direction::kForward);
}
Reply ZRevRangeByLexCommand(CommandContext& ctx) {
  return RangeGeneric(ctx, 1, false, RangeType::kLex, Direction::kReverse);
}

// ZREMRANGEBYRANK key start stop
Reply ZRemRangeByRankCommand(CommandContext& ctx) {
  int64_t start = 0, stop = 0;
  if (!ParseInt64(ctx.arg(2), &start) || !ParseInt64(ctx.arg(3), &stop)) {
    return Reply::Error(errors::kNotInteger);
  }
  return RemoveRangeGeneric(ctx, "zremrangebyrank",
                            [&](const ZsetObject* z, RankSpan* span) -> std::optional<Reply> {
                              if (z == nullptr) return std::nullopt;
                              const int64_t n = static_cast<int64_t>(z->Size());
                              int64_t s = start < 0 ? start + n : start;
                              int64_t e = stop < 0 ? stop + n : stop;
                              if (s < 0) s = 0;
                              if (s > e || s >= n) return std::nullopt;
                              if (e >= n) e = n - 1;
                              *span = RankSpan{static_cast<size_t>(s), static_cast<size_t>(e) + 1};
                              return std::nullopt;
                            });
}

// ZREMRANGEBYSCORE key min max
Reply ZRemRangeByScoreCommand(CommandContext& ctx) {
  ScoreRange range;
  if (!ParseScoreRange(ctx.arg(2), ctx.arg(3), &range)) return Reply::Error(kNotFloatRange);
  return RemoveRangeGeneric(ctx, "zremrangebyscore",
                            [&](const ZsetObject* z, RankSpan* span) -> std::optional<Reply> {
                              if (z != nullptr) *span = RanksOf(*z, range);
                              return std::nullopt;
                            });
}

// ZREMRANGEBYLEX key min max
Reply ZRemRangeByLexCommand(CommandContext& ctx) {
  LexRange range;
  if (!ParseLexRange(ctx.arg(2), ctx.arg(3), &range)) return Reply::Error(kNotLexRange);
  return RemoveRangeGeneric(ctx, "zremrangebylex",
                            [&](const ZsetObject* z, RankSpan* span) -> std::optional<Reply> {
                              if (z != nullptr) *span = RanksOf(*z, range);
                              return std::nullopt;
                            });
}

Reply ZPopMinCommand(CommandContext& ctx) { return PopGeneric(ctx, false); }
Reply ZPopMaxCommand(CommandContext& ctx) { return PopGeneric(ctx, true); }

namespace {

// ZMPOP's and the blocking pops' work once every key is locked: up to
// `count` members from the `max` or min end of the first of `keys` that
// holds a sorted set.
struct ZPopped {
  bool wrong_type = false;  // a key of another type came first
  bool found = false;
  std::string_view key;
  std::vector<Element> members;
};
ZPopped ZPopFirstLocked(CommandContext& ctx, KeysLock& lock, std::span<const std::string_view> keys,
                        bool max, int64_t count) {
  ZPopped out;
  for (std::string_view name : keys) {
    Found<ZsetObject> zset = As<ZsetObject>(lock.Find(name));
    if (zset.wrong_type) {
      out.wrong_type = true;
      return out;
    }
    if (zset.entry == nullptr) continue;
    out.members = lock.MutateObject<ZsetObject>(name, zset.entry, [&](ZsetObject& z) {
      return PopLocked(z, max, static_cast<size_t>(count));
    });
    ctx.Notify(kNotifyZset, max ? "zpopmax" : "zpopmin", name);
    EraseIfEmpty(lock, name, zset);
    ctx.propagate_as = {max ? "ZPOPMAX" : "ZPOPMIN", std::string(name),
                        std::to_string(out.members.size())};
    out.found = true;
    out.key = name;
    return out;
  }
  return out;
}

// [key, [[member, score], ...]]: ZMPOP's and BZMPOP's reply.
Reply ZMPopReply(const ZPopped& popped) {
  std::vector<Reply> pairs;
  for (const auto& [member, score] : popped.members) {
    std::vector<Reply> pair;
    pair.push_back(Reply::Bulk(member));
    pair.push_back(Score(score));
    pairs.push_back(Reply::Array(std::move(pair)));
  }
  std::vector<Reply> out;
  out.push_back(Reply::Bulk(std::string(popped.key)));
  out.push_back(Reply::Array(std::move(pairs)));
  return Reply::Array(std::move(out));
}

// BZPOPMIN and BZPOPMAX: key [key ...] timeout.
Reply BlockingZPop(CommandContext& ctx, bool max) {
  int64_t deadline = 0;
  if (auto error = ParseBlockTimeout(ctx, ctx.arg(ctx.argc() - 1), &deadline)) {
    return std::move(*error);
  }
  auto keys = ctx.args.subspan(1, ctx.argc() - 2);
  KeysLock lock(ctx, keys);
  ZPopped popped = ZPopFirstLocked(ctx, lock, keys, max, 1);
  // Waiting, a key of another type is not an error: it may change again.
  if (popped.wrong_type) return ctx.client.serving ? Reply::None() : WrongType();
  if (!popped.found) return BlockOn(ctx, keys, deadline, Reply::NullArray());
  ctx.propagate_as = {max ? "ZPOPMAX" : "ZPOPMIN", std::string(popped.key)};
  std::vector<Reply> out;
  out.push_back(Reply::Bulk(std::string(popped.key)));
  out.push_back(Reply::Bulk(popped.members.front().first));
  out.push_back(Score(popped.members.front().second));
  return Reply::Array(std::move(out));
}

}  // namespace

// ZMPOP numkeys key [key ...] MIN | MAX [COUNT count]
Reply ZMPopCommand(CommandContext& ctx) {
  MPopArgs args;
  if (auto error = ParseMPopArgs(ctx, "MIN", "MAX", &args)) return std::move(*error);
  auto keys = ctx.args.subspan(2, args.numkeys);
  KeysLock lock(ctx, keys);
  ZPopped popped = ZPopFirstLocked(ctx, lock, keys, args.second_side, args.count);
  if (popped.wrong_type) return WrongType();
  if (!popped.found) return Reply::NullArray();
  return ZMPopReply(popped);
}

// BZPOPMIN key [key ...] timeout
Reply BZPopMinCommand(CommandContext& ctx) { return BlockingZPop(ctx, false); }
// BZPOPMAX key [key ...] timeout
Reply BZPopMaxCommand(CommandContext& ctx) { return BlockingZPop(ctx, true); }

// BZMPOP timeout numkeys key [key ...] MIN | MAX [COUNT count]
Reply BZMPopCommand(CommandContext& ctx) {
  int64_t deadline = 0;
  if (auto error = ParseBlockTimeout(ctx, ctx.arg(1), &deadline)) return std::move(*error);
  MPopArgs args;
  if (auto error = ParseMPopArgs(ctx, "MIN", "MAX", &args, 2)) return std::move(*error);
  auto keys = ctx.args.subspan(3, args.numkeys);
  KeysLock lock(ctx, keys);
  ZPopped popped = ZPopFirstLocked(ctx, lock, keys, args.second_side, args.count);
  if (popped.wrong_type) return ctx.client.serving ? Reply::None() : WrongType();
  if (!popped.found) return BlockOn(ctx, keys, deadline, Reply::NullArray());
  return ZMPopReply(popped);
}

Reply ZUnionCommand(CommandContext& ctx) {
  return AlgebraGeneric(ctx, ZSetAlgebra::kUnion, 1, false);
}
Reply ZInterCommand(CommandContext& ctx) {
  return AlgebraGeneric(ctx, ZSetAlgebra::kInter, 1, false);
}
Reply ZDiffCommand(CommandContext& ctx) {
  return AlgebraGeneric(ctx, ZSetAlgebra::kDiff, 1, false);
}
Reply ZUnionStoreCommand(CommandContext& ctx) {
  return AlgebraGeneric(ctx, ZSetAlgebra::kUnion, 2, true);
}
Reply ZInterStoreCommand(CommandContext& ctx) {
  return AlgebraGeneric(ctx, ZSetAlgebra::kInter, 2, true);
}
Reply ZDiffStoreCommand(CommandContext& ctx) {
  return AlgebraGeneric(ctx, ZSetAlgebra::kDiff, 2, true);
}
Reply ZInterCardCommand(CommandContext& ctx) {
  return AlgebraGeneric(ctx, ZSetAlgebra::kInter, 1, false, /*cardinality_only=*/true);
}

// ZRANDMEMBER key [count [WITHSCORES]]
Reply ZRandMemberCommand(CommandContext& ctx) {
  RandomArgs args;
  if (auto error = ParseRandomArgs(ctx, "WITHSCORES", &args)) return std::move(*error);
  const bool has_count = args.has_count, with_scores = args.with_values;
  const int64_t count = args.count;
  KeyLock key(ctx, ctx.arg(1));
  Found<ZsetObject> zset = As<ZsetObject>(key.FindForRead());
  if (zset.wrong_type) return WrongType();
  if (zset.entry == nullptr) return has_count ? Reply::Array() : Reply::Null();
  if (count < -kMaxRepeatedPicks) return TooManyPicks();
  const size_t size = zset.value->Size();
  std::vector<Element> picked;
  auto pick = [&](size_t rank) { Collect(*zset.value, rank, rank, false, &picked); };
  if (!has_count) {
    pick(RandomBelow(size));
    return Reply::Bulk(picked[0].first);
  }
  if (count < 0) {
    for (int64_t i = 0; i < -count; ++i) pick(RandomBelow(size));
  } else {
    for (size_t rank : DistinctRandomIndexes(size, static_cast<size_t>(count))) pick(rank);
  }
  return Flat(picked, with_scores);
}

// ZSCAN key cursor [MATCH pattern] [COUNT count]: the whole set at once with
// cursor 0 (see HSCAN).
Reply ZScanCommand(CommandContext& ctx) {
  ScanArgs args;
  if (auto error = ParseScanArgs(ctx, 2, /*allow_type=*/false, &args)) return std::move(*error);
  KeyLock key(ctx, ctx.arg(1));
  Found<ZsetObject> zset = As<ZsetObject>(key.FindForRead());
  if (zset.wrong_type) return WrongType();
  std::vector<Element> elements;
  if (zset.entry != nullptr && zset.value->Size() > 0) {
    zset.value->Walk(0, zset.value->Size() - 1, false, [&](std::string_view m, double s) {
      if (!args.has_pattern || GlobMatch(args.pattern, m)) elements.emplace_back(m, s);
      return true;
    });
  }
  std::vector<Reply> reply;
  reply.push_back(Reply::Bulk("0"));
  reply.push_back(Flat(elements, Scores::kFlatText));
  return Reply::Array(std::move(reply));
}

}  // namespace cacheforge
