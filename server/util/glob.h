// server/util/glob.h
// -----------------------------------------------------------------------------
// Glob-style matching as Redis does it for KEYS, SCAN MATCH and CONFIG GET:
// `*`, `?`, `[abc]`, `[^a]`, `[a-z]` and `\x` escapes.
#ifndef CACHEFORGE_UTIL_GLOB_H_
#define CACHEFORGE_UTIL_GLOB_H_

#include <string_view>

namespace cacheforge {

bool GlobMatch(std::string_view pattern, std::string_view text, bool nocase = false);

}  // namespace cacheforge

#endif  // CACHEFORGE_UTIL_GLOB_H_
