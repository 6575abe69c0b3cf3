// server/util/glob.cc
// -----------------------------------------------------------------------------
// Glob matching (Redis's stringmatchlen semantics) with a nesting bound, so a
// pattern of many stars cannot make one command run for minutes.
#include "util/glob.h"

#include <cctype>
#include <utility>

namespace cacheforge {
namespace {

char Fold(char c, bool nocase) {
  return nocase ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : c;
}

// Returns 1 on match, 0 on no match, -1 when the work budget ran out (treated
// as no match: a pathological pattern costs bounded time, not minutes).
int Match(const char* p, const char* pe, const char* s, const char* se, bool nocase, int nesting,
          long* budget) {
  if (nesting > 1000) return -1;
  while (p < pe && s < se) {
    if (--*budget < 0) return -1;
    switch (*p) {
      case '*': {
        while (p + 1 < pe && p[1] == '*') ++p;
        if (p + 1 == pe) return 1;
        for (const char* t = s; t <= se; ++t) {
          int r = Match(p + 1, pe, t, se, nocase, nesting + 1, budget);
          if (r != 0) return r;
        }
        return 0;
      }
      case '?':
        ++s;
        break;
      case '[': {
        ++p;
        bool negate = p < pe && *p == '^';
        if (negate) ++p;
        bool matched = false;
        for (;;) {
          if (p >= pe) {
            --p;  // unterminated class: match what was seen, like Redis
            break;
          }
          if (*p == '\\' && p + 1 < pe) {
            ++p;
            if (Fold(*p, nocase) == Fold(*s, nocase)) matched = true;
          } else if (*p == ']') {
            break;
          } else if (p + 2 < pe && p[1] == '-') {
            char lo = Fold(p[0], nocase), hi = Fold(p[2], nocase), c = Fold(*s, nocase);
            if (lo > hi) std::swap(lo, hi);
            if (c >= lo && c <= hi) matched = true;
            p += 2;
          } else if (Fold(*p, nocase) == Fold(*s, nocase)) {
            matched = true;
          }
          ++p;
        }
        if (negate) matched = !matched;
        if (!matched) return 0;
        ++s;
        break;
      }
      case '\\':
        if (p + 1 < pe) ++p;
        [[fallthrough]];
      default:
        if (Fold(*p, nocase) != Fold(*s, nocase)) return 0;
        ++s;
        break;
    }
    ++p;
  }
  while (p < pe && *p == '*') ++p;
  return (p == pe && s == se) ? 1 : 0;
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view text, bool nocase) {
  long budget = 10'000'000;
  return Match(pattern.data(), pattern.data() + pattern.size(), text.data(),
               text.data() + text.size(), nocase, 0, &budget) == 1;
}

}  // namespace cacheforge
