// Test helper: the line numbers of marked source lines, read from the source
// file itself, so that a test can expect "file:line" without hard-coding
// numbers that any edit above would shift. A marked line ends in a comment
// "// marker: NAME".
#ifndef LOCKGRAPH_TESTS_SOURCE_MARKERS_H_
#define LOCKGRAPH_TESTS_SOURCE_MARKERS_H_

#include <fstream>
#include <string>
#include <string_view>

namespace lockgraph::testing {

// The 1-based line of `file` (a path under lockgraph/tests/) that ends in the
// comment "// marker: NAME", or 0 when no line does.
inline int MarkedLine(std::string_view file, std::string_view name) {
  std::ifstream in(std::string(LOCKGRAPH_TESTS_SOURCE_DIR) + "/" + std::string(file));
  const std::string comment = "// marker: " + std::string(name);
  std::string text;
  for (int line = 1; std::getline(in, text); ++line) {
    if (text.size() >= comment.size() &&
        text.compare(text.size() - comment.size(), comment.size(), comment) == 0) {
      return line;
    }
  }
  return 0;
}

// Whether `path` ends with the path components `tail`: a source file as debug
// information spells it (relative, absolute or prefix-mapped) against its name.
inline bool PathEndsWith(std::string_view path, std::string_view tail) {
  return path == tail || (path.size() > tail.size() && path.ends_with(tail) &&
                          path[path.size() - tail.size() - 1] == '/');
}

}  // namespace lockgraph::testing

#endif  // LOCKGRAPH_TESTS_SOURCE_MARKERS_H_
