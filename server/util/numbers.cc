// server/util/numbers.cc
// -----------------------------------------------------------------------------
// Conversions with Redis's rules; see numbers.h.
#include "util/numbers.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace cacheforge {

bool ParseInt64(std::string_view text, int64_t* out) {
  if (text.empty() || text.size() > 20) return false;
  if (text.size() == 1 && text[0] == '0') {
    *out = 0;
    return true;
  }
  size_t i = 0;
  bool negative = false;
  if (text[0] == '-') {
    negative = true;
    if (++i == text.size()) return false;
  }
  if (text[i] < '1' || text[i] > '9') return false;
  uint64_t value = 0;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c < '0' || c > '9') return false;
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) return false;
    value = value * 10 + digit;
  }
  if (negative) {
    if (value > static_cast<uint64_t>(INT64_MAX) + 1) return false;
    *out = static_cast<int64_t>(0 - value);
  } else {
    if (value > static_cast<uint64_t>(INT64_MAX)) return false;
    *out = static_cast<int64_t>(value);
  }
  return true;
}

bool ParseLongDouble(std::string_view text, long double* out) {
  // Redis's buffer is MAX_LONG_DOUBLE_CHARS (5 KB); longer text is refused.
  if (text.empty() || text.size() >= 5 * 1024) return false;
  if (std::isspace(static_cast<unsigned char>(text[0]))) return false;
  std::string buffer(text);
  char* end = nullptr;
  errno = 0;
  long double value = std::strtold(buffer.c_str(), &end);
  if (end != buffer.c_str() + buffer.size()) return false;
  // Like Redis, "inf" parses (the command then refuses an infinite result);
  // NaN does not, nor text that overflows to infinity or underflows to 0.
  if (std::isnan(value) || (errno == ERANGE && (std::isinf(value) || value == 0))) return false;
  *out = value;
  return true;
}

bool ParseDouble(std::string_view text, double* out) {
  if (text.empty() || std::isspace(static_cast<unsigned char>(text[0]))) {
    return false;
  }
  std::string copy(text);  // strtod needs a terminated string
  char* end = nullptr;
  errno = 0;
  double value = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || std::isnan(value)) return false;
  if (errno == ERANGE && (value == HUGE_VAL || value == -HUGE_VAL || value == 0)) return false;
  *out = value;
  return true;
}

std::string FormatDouble(double value) {
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buf[64];
  int len = std::snprintf(buf, sizeof(buf), "%.17g", value);
  return std::string(buf, static_cast<size_t>(len));
}

std::string FormatLongDouble(long double value) {
  char buf[5200];
  int len = std::snprintf(buf, sizeof(buf), "%.17Lf", value);
  if (len <= 0 || static_cast<size_t>(len) >= sizeof(buf)) return "0";
  std::string text(buf, static_cast<size_t>(len));
  if (text.find('.') != std::string::npos) {
    while (!text.empty() && text.back() == '0') text.pop_back();
    if (!text.empty() && text.back() == '.') text.pop_back();
  }
  if (text == "-0") text = "0";
  return text;
}

bool ParseMemorySize(std::string_view text, int64_t* out) {
  size_t digits_end = 0;
  if (digits_end < text.size() && text[digits_end] == '-') ++digits_end;
  while (digits_end < text.size() && std::isdigit(static_cast<unsigned char>(text[digits_end]))) {
    ++digits_end;
  }
  std::string unit;
  for (char c : text.substr(digits_end)) unit.push_back(static_cast<char>(std::tolower(c)));
  int64_t multiplier;
  if (unit.empty() || unit == "b") {
    multiplier = 1;
  } else if (unit == "k") {
    multiplier = 1000;
  } else if (unit == "kb") {
    multiplier = 1024;
  } else if (unit == "m") {
    multiplier = 1000 * 1000;
  } else if (unit == "mb") {
    multiplier = 1024 * 1024;
  } else if (unit == "g") {
    multiplier = 1000LL * 1000 * 1000;
  } else if (unit == "gb") {
    multiplier = 1024LL * 1024 * 1024;
  } else {
    return false;
  }
  int64_t number = 0;
  if (!ParseInt64(text.substr(0, digits_end), &number)) return false;
  if (number != 0 && (number > INT64_MAX / multiplier || number < INT64_MIN / multiplier)) {
    return false;
  }
  *out = number * multiplier;
  return true;
}

}  // namespace cacheforge
