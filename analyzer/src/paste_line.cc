// Paste decoration; see paste_line.h.
#include "paste_line.h"

#include "text_scan.h"

namespace lockgraph::analyzer {
namespace {

using scan::IsSpace;

// Skips spaces and tabs, counting columns (a tab to the next multiple of 8).
std::string_view SkipIndent(std::string_view s, int* columns) {
  int col = 0;
  size_t i = 0;
  for (; i < s.size() && IsSpace(s[i]); ++i) col = s[i] == '\t' ? (col / 8 + 1) * 8 : col + 1;
  *columns = col;
  return s.substr(i);
}

// A markdown fence: three or more backticks or tildes, then an optional
// info string (```` ```gdb ````), and nothing else.
bool IsFence(std::string_view s) {
  if (s.size() < 3 || (s[0] != '`' && s[0] != '~')) return false;
  const char c = s[0];
  size_t n = 0;
  while (n < s.size() && s[n] == c) ++n;
  if (n < 3) return false;
  for (size_t i = n; i < s.size(); ++i) {
    if (s[i] == '`') return false;  // inline code, not a fence
  }
  return true;
}

}  // namespace

PasteLine UnwrapPasteLine(std::string_view line) {
  PasteLine out;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  // Mail and markdown quoting: `>`, `> >`, `>>`, each optionally followed by
  // one space. gdb prints no line that starts with `>`.
  std::string_view s = line;
  int columns = 0;
  for (;;) {
    std::string_view t = SkipIndent(s, &columns);
    if (t.empty() || t.front() != '>') break;
    t.remove_prefix(1);
    if (!t.empty() && t.front() == ' ') t.remove_prefix(1);
    s = t;
  }
  s = SkipIndent(s, &columns);
  out.indent = columns;
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  if (IsFence(s)) {
    out.fence = true;
    return out;
  }
  if (s.starts_with("(gdb)")) {
    out.prompt = true;
    std::string_view command = s.substr(5);
    int ignored;
    out.command = SkipIndent(command, &ignored);
    return out;
  }
  out.text = s;
  return out;
}

}  // namespace lockgraph::analyzer
