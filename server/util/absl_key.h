// server/util/absl_key.h
// -----------------------------------------------------------------------------
// Debian's Abseil is built with its own absl::string_view (not an alias of
// std::string_view), so heterogeneous lookups in flat_hash_map/set keyed by
// std::string need the key converted: this is that conversion, with no copy.
#ifndef CACHEFORGE_UTIL_ABSL_KEY_H_
#define CACHEFORGE_UTIL_ABSL_KEY_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace cacheforge {

inline absl::string_view AbslKey(std::string_view s) { return {s.data(), s.size()}; }

}  // namespace cacheforge

#endif  // CACHEFORGE_UTIL_ABSL_KEY_H_
