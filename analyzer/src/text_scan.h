// The few scanning primitives every line grammar of the analyzer shares:
// hand-written, linear, never backtracking, no allocation.
#ifndef LOCKGRAPH_ANALYZER_SRC_TEXT_SCAN_H_
#define LOCKGRAPH_ANALYZER_SRC_TEXT_SCAN_H_

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string_view>

namespace lockgraph::analyzer::scan {

inline bool IsSpace(char c) { return c == ' ' || c == '\t'; }
inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsHexDigit(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
inline bool IsIdentChar(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

// Whether `word` is exactly one of `names`.
inline bool IsOneOf(std::string_view word, std::initializer_list<std::string_view> names) {
  for (std::string_view n : names) {
    if (word == n) return true;
  }
  return false;
}

inline std::string_view TrimLeft(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  return s;
}
inline std::string_view Trim(std::string_view s) {
  s = TrimLeft(s);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}
inline bool ConsumePrefix(std::string_view* s, std::string_view prefix) {
  if (s->substr(0, prefix.size()) != prefix) return false;
  s->remove_prefix(prefix.size());
  return true;
}

// Reads a run of decimal digits (at least one) into `out`.
inline bool ConsumeDecimal(std::string_view* s, int64_t* out) {
  size_t n = 0;
  while (n < s->size() && IsDigit((*s)[n])) ++n;
  if (n == 0) return false;
  auto [ptr, ec] = std::from_chars(s->data(), s->data() + n, *out);
  if (ec != std::errc()) return false;
  s->remove_prefix(n);
  return true;
}

// Reads `0x` and hex digits into `out`; `digits` (optional) gets their count.
inline bool ConsumeHex(std::string_view* s, uint64_t* out, size_t* digits = nullptr) {
  if (s->size() < 3 || (*s)[0] != '0' || ((*s)[1] != 'x' && (*s)[1] != 'X')) return false;
  size_t n = 2;
  while (n < s->size() && IsHexDigit((*s)[n])) ++n;
  if (n == 2) return false;
  auto [ptr, ec] = std::from_chars(s->data() + 2, s->data() + n, *out, 16);
  if (ec != std::errc()) return false;
  if (digits != nullptr) *digits = n - 2;
  s->remove_prefix(n);
  return true;
}

// Reads a word up to the next space or tab.
inline std::string_view ConsumeWord(std::string_view* s) {
  size_t n = 0;
  while (n < s->size() && !IsSpace((*s)[n])) ++n;
  std::string_view word = s->substr(0, n);
  s->remove_prefix(n);
  return word;
}

}  // namespace lockgraph::analyzer::scan

#endif  // LOCKGRAPH_ANALYZER_SRC_TEXT_SCAN_H_
