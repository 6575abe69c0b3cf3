// server/util/strings.h
// -----------------------------------------------------------------------------
// ASCII case helpers for command names and options, which Redis matches
// case-insensitively.
#ifndef CACHEFORGE_UTIL_STRINGS_H_
#define CACHEFORGE_UTIL_STRINGS_H_

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

namespace cacheforge {

inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

inline std::string ToLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace cacheforge

#endif  // CACHEFORGE_UTIL_STRINGS_H_
