// Reading the small line-oriented files lockgraph is given (order files,
// suppressions, the baseline): the whole file at once, lines with their
// numbers for error messages, surrounding blanks trimmed.
#ifndef LOCKGRAPH_SRC_INTERNAL_TEXT_FILE_H_
#define LOCKGRAPH_SRC_INTERNAL_TEXT_FILE_H_

#include <string>
#include <string_view>

namespace lockgraph::internal {

// The whole of `path` into `*text`; false when it cannot be opened.
bool ReadTextFile(const std::string& path, std::string* text);

// `s` without leading and trailing spaces, tabs and carriage returns.
std::string_view TrimBlanks(std::string_view s);

// Calls `f(line_number, line)` for each line of `text` (numbered from 1, the
// newline removed) until `f` returns false; returns whether it never did.
template <typename F>
bool ForEachLine(std::string_view text, F&& f) {
  for (int line_no = 1; !text.empty(); ++line_no) {
    const size_t eol = text.find('\n');
    const std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    if (!f(line_no, line)) return false;
  }
  return true;
}

}  // namespace lockgraph::internal

#endif  // LOCKGRAPH_SRC_INTERNAL_TEXT_FILE_H_
