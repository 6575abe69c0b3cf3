// server/util/numbers.h
// -----------------------------------------------------------------------------
// Number <-> text conversions with Redis's exact rules, so that what a client
// may send as an integer, a float or a size matches Redis byte for byte.
#ifndef CACHEFORGE_UTIL_NUMBERS_H_
#define CACHEFORGE_UTIL_NUMBERS_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace cacheforge {

// Redis's string2ll: optional '-', no '+', no spaces, no leading zeros, no
// overflow. "0" is valid, "-0" and "007" are not.
bool ParseInt64(std::string_view text, int64_t* out);

// Redis's string2ld: a long double that uses all of `text`, with no leading
// whitespace; "nan" is rejected, "inf" is not.
bool ParseLongDouble(std::string_view text, long double* out);

// Redis's getDoubleFromObject: strtod over all of `text`, no leading space,
// "inf" and "-inf" allowed, "nan" and values out of range rejected.
bool ParseDouble(std::string_view text, double* out);

// A double as Redis 7.0 replies a score: "%.17g", and "inf" / "-inf".
std::string FormatDouble(double value);

// A long double as Redis prints INCRBYFLOAT results: fixed notation with 17
// digits, trailing zeros (and a trailing '.') removed.
std::string FormatLongDouble(long double value);

// Redis's memtoll: an integer with an optional unit b, k, kb, m, mb, g, gb
// (case-insensitive; k = 1000, kb = 1024). Returns false on anything else.
bool ParseMemorySize(std::string_view text, int64_t* out);

}  // namespace cacheforge

#endif  // CACHEFORGE_UTIL_NUMBERS_H_
