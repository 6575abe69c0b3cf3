// server/commands/zset_ranges.h
// -----------------------------------------------------------------------------
// The ranges sorted-set commands take, parsed with Redis's rules, and their
// translation to ranks of a ZsetObject:
//   score ranges  "1.5", "(1.5" (exclusive), "-inf", "+inf"
//   lex ranges    "[a", "(a" (exclusive), "-", "+"   (meaningful when all
//                 members share one score, as in Redis)
#ifndef CACHEFORGE_COMMANDS_ZSET_RANGES_H_
#define CACHEFORGE_COMMANDS_ZSET_RANGES_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "store/zset_object.h"

namespace cacheforge {

struct ScoreRange {
  double min = 0, max = 0;
  bool min_exclusive = false, max_exclusive = false;
};

struct LexBound {
  enum Kind { kMinusInfinity, kPlusInfinity, kValue } kind = kValue;  // "-", "+", or a member
  std::string value;
  bool exclusive = false;
};
struct LexRange {
  LexBound min, max;
};

bool ParseScoreRange(std::string_view min, std::string_view max, ScoreRange* out);
bool ParseLexRange(std::string_view min, std::string_view max, LexRange* out);

// The half-open rank interval [begin, end) of the elements inside a range.
struct RankSpan {
  size_t begin = 0, end = 0;
  size_t size() const { return end > begin ? end - begin : 0; }
};
RankSpan RanksOf(const ZsetObject& zset, const ScoreRange& range);
RankSpan RanksOf(const ZsetObject& zset, const LexRange& range);

}  // namespace cacheforge

#endif  // CACHEFORGE_COMMANDS_ZSET_RANGES_H_
