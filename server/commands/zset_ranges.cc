// server/commands/zset_ranges.cc
// -----------------------------------------------------------------------------
// Score and lex range parsing, and ranges as rank intervals.
#include "commands/zset_ranges.h"

#include <cmath>
#include <cstdlib>

namespace cacheforge {
namespace {

// Redis parses range bounds with bare strtod: leading spaces and an empty
// bound (0) are accepted, only trailing garbage and NaN are not.
bool ParseScoreBound(std::string_view text, double* value, bool* exclusive) {
  *exclusive = !text.empty() && text[0] == '(';
  if (*exclusive) text.remove_prefix(1);
  std::string copy(text);
  char* end = nullptr;
  *value = std::strtod(copy.c_str(), &end);
  return end == copy.c_str() + copy.size() && !std::isnan(*value);
}

bool ParseLexBound(std::string_view text, LexBound* out) {
  if (text == "-" || text == "+") {
    out->kind = text == "-" ? LexBound::kMinusInfinity : LexBound::kPlusInfinity;
    return true;
  }
  if (text.empty() || (text[0] != '[' && text[0] != '(')) return false;
  out->kind = LexBound::kValue;
  out->exclusive = text[0] == '(';
  out->value.assign(text.substr(1));
  return true;
}

}  // namespace

bool ParseScoreRange(std::string_view min, std::string_view max, ScoreRange* out) {
  return ParseScoreBound(min, &out->min, &out->min_exclusive) &&
         ParseScoreBound(max, &out->max, &out->max_exclusive);
}

bool ParseLexRange(std::string_view min, std::string_view max, LexRange* out) {
  return ParseLexBound(min, &out->min) && ParseLexBound(max, &out->max);
}

RankSpan RanksOf(const ZsetObject& zset, const ScoreRange& range) {
  RankSpan span;
  span.begin = zset.PartitionPoint([&](std::string_view, double score) {
    return range.min_exclusive ? score <= range.min : score < range.min;
  });
  span.end = zset.PartitionPoint([&](std::string_view, double score) {
    return range.max_exclusive ? score < range.max : score <= range.max;
  });
  return span;
}

RankSpan RanksOf(const ZsetObject& zset, const LexRange& range) {
  RankSpan span;
  // Members before the range's start, then members up to its end.
  span.begin = zset.PartitionPoint([&](std::string_view member, double) {
    const LexBound& b = range.min;
    if (b.kind != LexBound::kValue) return b.kind == LexBound::kPlusInfinity;
    return b.exclusive ? member <= b.value : member < b.value;
  });
  span.end = zset.PartitionPoint([&](std::string_view member, double) {
    const LexBound& b = range.max;
    if (b.kind != LexBound::kValue) return b.kind == LexBound::kPlusInfinity;
    return b.exclusive ? member < b.value : member <= b.value;
  });
  return span;
}

}  // namespace cacheforge
