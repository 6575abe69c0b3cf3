// lockgraph/source_location.h
// -----------------------------------------------------------------------------
// lockgraph::SourceLocation is lockgraph::SourceLocation where the standard library
// provides it, and an equivalent built on the __builtin_FILE / __builtin_LINE /
// __builtin_FUNCTION intrinsics otherwise (clang 14 with libstdc++ 12 lacks the
// builtin lockgraph::SourceLocation needs). Either way a defaulted
// `SourceLocation::current()` argument names the caller's line.
#ifndef LOCKGRAPH_SOURCE_LOCATION_H_
#define LOCKGRAPH_SOURCE_LOCATION_H_

#include <cstdint>
#if __has_include(<source_location>)
#include <source_location>
#endif

namespace lockgraph {

#if defined(__cpp_lib_source_location)
using SourceLocation = std::source_location;
#else
class SourceLocation {
 public:
  static constexpr SourceLocation current(const char* file = __builtin_FILE(),
                                          const char* function = __builtin_FUNCTION(),
                                          uint_least32_t line = __builtin_LINE()) noexcept {
    SourceLocation s;
    s.file_ = file;
    s.function_ = function;
    s.line_ = line;
    return s;
  }
  constexpr SourceLocation() noexcept = default;
  constexpr const char* file_name() const noexcept { return file_; }
  constexpr const char* function_name() const noexcept { return function_; }
  constexpr uint_least32_t line() const noexcept { return line_; }
  constexpr uint_least32_t column() const noexcept { return 0; }

 private:
  const char* file_ = "";
  const char* function_ = "";
  uint_least32_t line_ = 0;
};
#endif

}  // namespace lockgraph

#endif  // LOCKGRAPH_SOURCE_LOCATION_H_
