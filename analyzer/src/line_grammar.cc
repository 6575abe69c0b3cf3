// The line grammar; see line_grammar.h. Hand-written scanners instead of
// std::regex: every function is linear in the line and never backtracks, which
// keeps a 2 MB dump well inside a few milliseconds and makes hostile input
// (very long lines, unbalanced brackets) harmless.
#include "line_grammar.h"

#include <limits>

#include "text_scan.h"

namespace lockgraph::analyzer {
namespace {

using scan::ConsumeDecimal;
using scan::ConsumeHex;
using scan::ConsumePrefix;
using scan::IsIdentChar;
using scan::IsSpace;
using scan::Trim;
using scan::TrimLeft;

// `FILE:LINE` (optionally `:COL`) at the end of `s`.
bool SplitFileLine(std::string_view s, std::string* file, int* line) {
  s = Trim(s);
  size_t colon = s.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  std::string_view tail = s.substr(colon + 1);
  std::string_view head = s.substr(0, colon);
  // eu-stack adds a column: FILE:LINE:COL.
  size_t colon2 = head.rfind(':');
  if (colon2 != std::string_view::npos && colon2 > 0) {
    std::string_view mid = head.substr(colon2 + 1);
    int64_t a, b;
    std::string_view m = mid, t = tail;
    if (ConsumeDecimal(&m, &a) && m.empty() && ConsumeDecimal(&t, &b) && t.empty()) {
      tail = mid;
      head = head.substr(0, colon2);
    }
  }
  int64_t n = 0;
  if (!ConsumeDecimal(&tail, &n) || !tail.empty() || n > std::numeric_limits<int>::max()) {
    return false;
  }
  *file = std::string(head);
  *line = static_cast<int>(n);
  return true;
}

// Finds the `)` that closes the `(` at `open`, skipping quoted strings and
// nested brackets. Returns npos when unbalanced.
size_t FindClosingParen(std::string_view s, size_t open) {
  int depth = 0;
  char quote = 0;
  for (size_t i = open; i < s.size(); ++i) {
    char c = s[i];
    if (quote) {
      if (c == '\\') {
        ++i;
      } else if (c == quote) {
        quote = 0;
      }
      continue;
    }
    if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '(' || c == '{' || c == '[') {
      ++depth;
    } else if (c == ')' || c == '}' || c == ']') {
      if (--depth == 0) return c == ')' ? i : std::string_view::npos;
    }
  }
  return std::string_view::npos;
}

// Where the function name of a gdb frame ends: at ` (` (its argument list),
// ` at `, ` from `, or the end, whichever comes first outside template
// brackets and parameter lists (`ns::f(int) ()`, `std::function<void (int)>`).
size_t FunctionEnd(std::string_view s, bool* has_args) {
  int angle = 0, paren = 0;
  *has_args = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '<') {
      // `operator<` and `operator<<` are names, not brackets.
      if (!(i >= 8 && s.substr(i - 8, 8) == "operator")) ++angle;
    } else if (c == '>') {
      if (angle > 0 && !(i >= 1 && s[i - 1] == '-')) --angle;
    } else if (c == '(') {
      if (angle == 0 && paren == 0 && i > 0 && s[i - 1] == ' ') {
        *has_args = true;
        return i - 1;
      }
      ++paren;
    } else if (c == ')') {
      if (paren > 0) --paren;
    } else if (c == ' ' && angle == 0 && paren == 0) {
      std::string_view rest = s.substr(i);
      if (rest.starts_with(" at ") || rest.starts_with(" from ")) return i;
    }
  }
  return s.size();
}

// Fills file/line or library from what follows a frame's function and args.
void ParseFrameTail(std::string_view tail, Frame* frame) {
  tail = TrimLeft(tail);
  if (ConsumePrefix(&tail, "at ")) {
    if (!SplitFileLine(tail, &frame->file, &frame->line)) frame->file = std::string(Trim(tail));
  } else if (ConsumePrefix(&tail, "from ")) {
    frame->library = std::string(Trim(tail));
  }
}

// `#N` and the spaces after it.
bool ConsumeFrameIndex(std::string_view* s, int* index) {
  if (!ConsumePrefix(s, "#")) return false;
  int64_t n;
  if (!ConsumeDecimal(s, &n) || n > 1000000) return false;
  if (s->empty() || !IsSpace(s->front())) return false;
  *index = static_cast<int>(n);
  *s = TrimLeft(*s);
  return true;
}

// Parses `key=value` tokens after a capture record's fixed prefix.
void ParseRecordFields(std::string_view s, LockRecord* record) {
  while (!(s = TrimLeft(s)).empty()) {
    size_t end = 0;
    while (end < s.size() && !IsSpace(s[end])) ++end;
    std::string_view token = s.substr(0, end);
    s.remove_prefix(end);
    size_t eq = token.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view key = token.substr(0, eq), value = token.substr(eq + 1);
    if (key == "kind") {
      record->kind = std::string(value);
    } else if (key == "owner" || key == "writer") {
      if (auto v = ParseInteger(value)) record->owner = *v;
    } else if (key == "readers") {
      if (auto v = ParseInteger(value)) record->readers = *v;
    } else if (key == "waiter") {
      if (auto v = ParseInteger(value)) record->waiter = *v;
    } else if (key == "source") {
      record->source = std::string(value);
    }
  }
}

}  // namespace

std::optional<ThreadHeader> ParseGdbThreadHeader(std::string_view line) {
  std::string_view s = Trim(line);
  if (!ConsumePrefix(&s, "Thread ")) return std::nullopt;
  ThreadHeader header;
  int64_t number;
  if (!ConsumeDecimal(&s, &number) || number > std::numeric_limits<int>::max()) {
    return std::nullopt;
  }
  header.number = static_cast<int>(number);
  if (ConsumePrefix(&s, ".")) {  // inferior.thread, e.g. `Thread 1.3`
    if (!ConsumeDecimal(&s, &number)) return std::nullopt;
  }
  if (!ConsumePrefix(&s, " (")) return std::nullopt;
  if (!s.ends_with(":")) return std::nullopt;
  s.remove_suffix(1);
  s = Trim(s);
  if (!s.ends_with(")") && !s.ends_with("\"")) return std::nullopt;

  // The name is the quoted text after the ids; it may contain anything.
  size_t ids_end = s.find(')');
  if (ids_end == std::string_view::npos) return std::nullopt;
  if (size_t lwp = s.find("LWP "); lwp != std::string_view::npos && lwp < s.find('"')) {
    std::string_view t = s.substr(lwp + 4);
    int64_t v;
    if (ConsumeDecimal(&t, &v)) header.lwp = v;
  } else if (size_t proc = s.find("process "); proc != std::string_view::npos) {
    std::string_view t = s.substr(proc + 8);
    int64_t v;
    if (ConsumeDecimal(&t, &v)) header.lwp = v;
  }
  if (std::string_view t = s; ConsumePrefix(&t, "Thread ")) {
    uint64_t v;
    if (ConsumeHex(&t, &v)) header.pthread = v;
  }
  size_t first_quote = s.find('"');
  size_t last_quote = s.rfind('"');
  if (first_quote != std::string_view::npos && last_quote > first_quote) {
    header.name = std::string(s.substr(first_quote + 1, last_quote - first_quote - 1));
  }
  if (!header.lwp && !header.pthread) return std::nullopt;
  return header;
}

std::optional<int64_t> ParseEuStackTid(std::string_view line) {
  std::string_view s = Trim(line);
  int64_t tid;
  if (!ConsumePrefix(&s, "TID ") || !ConsumeDecimal(&s, &tid) || s != ":") return std::nullopt;
  return tid;
}

std::optional<int64_t> ParseEuStackPid(std::string_view line) {
  std::string_view s = Trim(line);
  int64_t pid;
  if (!ConsumePrefix(&s, "PID ") || !ConsumeDecimal(&s, &pid) || !ConsumePrefix(&s, " - ")) {
    return std::nullopt;
  }
  return pid;
}

std::optional<int64_t> ParseCurrentThreadLwp(std::string_view line) {
  std::string_view s = Trim(line);
  if (!ConsumePrefix(&s, "[Current thread is ")) return std::nullopt;
  size_t at = s.find("LWP ");
  size_t skip = 4;
  if (at == std::string_view::npos) {
    at = s.find("process ");
    skip = 8;
  }
  if (at == std::string_view::npos) return std::nullopt;
  s.remove_prefix(at + skip);
  int64_t lwp;
  if (!ConsumeDecimal(&s, &lwp)) return std::nullopt;
  return lwp;
}

bool ParseGdbFrame(std::string_view line, Frame* frame) {
  std::string_view s = Trim(line);
  int index = -1;
  if (!ConsumeFrameIndex(&s, &index)) return false;
  if (!ParseGdbFrameBody(s, frame)) return false;
  frame->index = index;
  return true;
}

bool ParseGdbFrameBody(std::string_view body, Frame* frame) {
  std::string_view s = Trim(body);
  Frame f;
  uint64_t pc;
  if (std::string_view t = s; ConsumeHex(&t, &pc)) {
    if (!ConsumePrefix(&t, " in ")) return false;  // eu-stack style, not gdb
    f.pc = pc;
    s = TrimLeft(t);
  }
  if (s.starts_with("<")) {  // <signal handler called>, <function called from gdb>
    f.function = std::string(s);
    *frame = std::move(f);
    return true;
  }
  bool has_args = false;
  size_t end = FunctionEnd(s, &has_args);
  f.function = std::string(Trim(s.substr(0, end)));
  if (f.function.empty()) return false;
  std::string_view rest = s.substr(end);
  if (has_args) {
    size_t open = rest.find('(');
    size_t close = FindClosingParen(rest, open);
    if (close == std::string_view::npos) {
      // A line cut short (a wrapped or truncated paste): keep what is there,
      // but say so: the last argument may be incomplete.
      f.args_text = std::string(rest.substr(open + 1));
      f.cut = true;
      rest = {};
    } else {
      f.args_text = std::string(rest.substr(open + 1, close - open - 1));
      rest = rest.substr(close + 1);
    }
  }
  ParseFrameTail(rest, &f);
  f.line_cut = s.ends_with("\u2026") || s.ends_with("...");
  *frame = std::move(f);
  return true;
}

bool ParseEuStackFrame(std::string_view line, Frame* frame) {
  std::string_view s = Trim(line);
  Frame f;
  if (!ConsumeFrameIndex(&s, &f.index)) return false;
  uint64_t pc;
  if (!ConsumeHex(&s, &pc)) return false;
  f.pc = pc;
  s = TrimLeft(s);
  if (s.starts_with("in ")) return false;  // gdb style
  // ` - MODULE` (eu-stack -m); a function name never contains " - ".
  if (size_t dash = s.find(" - "); dash != std::string_view::npos) {
    f.library = std::string(Trim(s.substr(dash + 3)));
    s = s.substr(0, dash);
  } else if (s.starts_with("- ")) {
    f.library = std::string(Trim(s.substr(2)));
    s = {};
  }
  f.function = std::string(Trim(s));
  if (f.function.empty()) f.function = "??";
  *frame = std::move(f);
  return true;
}

bool ParseEuStackSource(std::string_view line, std::string* file, int* line_number) {
  if (line.empty() || !IsSpace(line.front())) return false;
  return ParseEuStackSourceText(line, file, line_number);
}

bool ParseEuStackSourceText(std::string_view text, std::string* file, int* line_number) {
  std::string_view s = Trim(text);
  if (s.empty() || s.find(' ') != std::string_view::npos) return false;
  return SplitFileLine(s, file, line_number);
}

bool ParseLocal(std::string_view line, NamedValue* local) {
  if (line.empty() || !IsSpace(line.front())) return false;
  return ParseLocalText(line, local);
}

bool ParseLocalText(std::string_view text, NamedValue* local) {
  std::string_view s = TrimLeft(text);
  size_t eq = s.find(" = ");
  if (eq == std::string_view::npos || eq == 0) return false;
  std::string_view name = s.substr(0, eq);
  for (char c : name) {
    if (!IsIdentChar(c) && c != ':' && c != '.') return false;
  }
  local->name = std::string(name);
  local->value = std::string(Trim(s.substr(eq + 3)));
  return true;
}

bool ParseLockRecord(std::string_view line, LockRecord* record) {
  std::string_view s = Trim(line);
  if (!ConsumePrefix(&s, "[lockgraph] lock ")) return false;
  LockRecord r;
  if (!ConsumeHex(&s, &r.address)) return false;
  ParseRecordFields(s, &r);
  if (r.kind.empty()) return false;
  *record = std::move(r);
  return true;
}

namespace {

// A thread id the extension prints: positive decimal, nothing after it.
bool ParseLwp(std::string_view s, int64_t* lwp) {
  int64_t v = 0;
  if (!ConsumeDecimal(&s, &v) || !s.empty() || v <= 0) return false;
  *lwp = v;
  return true;
}

}  // namespace

bool ParseRegistryFact(std::string_view line, RegistryFact* fact) {
  std::string_view s = Trim(line);
  if (s.ends_with('\r')) s = Trim(s.substr(0, s.size() - 1));
  RegistryFact f;
  if (!ConsumePrefix(&s, "lockgraph-gdb: thread ")) return false;
  size_t space = s.find(' ');
  if (space == std::string_view::npos || !ParseLwp(s.substr(0, space), &f.lwp)) return false;
  s.remove_prefix(space);
  if (ConsumePrefix(&s, " waits ")) {
    f.waits = true;
  } else if (!ConsumePrefix(&s, " holds ")) {
    return false;
  }
  if (!ConsumeHex(&s, &f.address) || f.address == 0 || !ConsumePrefix(&s, " \"")) return false;
  // The fixed fields are at the end; the name is what is left between the quotes.
  if (f.waits) {
    size_t owner = s.rfind(" owner ");
    if (owner == std::string_view::npos) return false;
    std::string_view value = s.substr(owner + 7);
    int64_t lwp = 0;
    if (ParseLwp(value, &lwp)) {
      f.owner = lwp;
    } else if (value != "unknown") {
      return false;
    }
    s = s.substr(0, owner);
  }
  if (s.ends_with("\" exclusive")) {
    s.remove_suffix(11);
  } else if (s.ends_with("\" shared")) {
    f.shared = true;
    s.remove_suffix(8);
  } else {
    return false;
  }
  f.name = std::string(s);
  *fact = std::move(f);
  return true;
}

bool ParseRegistryDeadlock(std::string_view line, RegistryDeadlock* deadlock) {
  std::string_view s = Trim(line);
  if (!ConsumePrefix(&s, "lockgraph-gdb: deadlock")) return false;
  RegistryDeadlock d;
  while (!s.empty()) {
    if (!ConsumePrefix(&s, " ")) return false;
    size_t end = s.find(' ');
    int64_t lwp = 0;
    if (!ParseLwp(s.substr(0, end), &lwp)) return false;
    d.lwps.push_back(lwp);
    s.remove_prefix(end == std::string_view::npos ? s.size() : end);
  }
  if (d.lwps.empty()) return false;
  *deadlock = std::move(d);
  return true;
}

std::vector<NamedValue> ParseArgs(std::string_view args) {
  std::vector<NamedValue> out;
  int depth = 0;
  char quote = 0;
  size_t start = 0;
  auto flush = [&](size_t end) {
    std::string_view item = Trim(args.substr(start, end - start));
    start = end + 1;
    if (item.empty()) return;
    NamedValue nv;
    size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      nv.value = std::string(item);
    } else {
      std::string_view name = item.substr(0, eq);
      std::string_view value = item.substr(eq + 1);
      if (name.ends_with("@entry")) name.remove_suffix(6);
      // `futex=futex@entry=0x..`: the entry value repeats the name.
      if (size_t eq2 = value.find('=');
          eq2 != std::string_view::npos && value.substr(0, eq2).ends_with("@entry")) {
        value = value.substr(eq2 + 1);
      }
      nv.name = std::string(Trim(name));
      nv.value = std::string(Trim(value));
    }
    out.push_back(std::move(nv));
  };
  for (size_t i = 0; i < args.size(); ++i) {
    char c = args[i];
    if (quote) {
      if (c == '\\') {
        ++i;
      } else if (c == quote) {
        quote = 0;
      }
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '(' || c == '{' || c == '[' || c == '<') {
      ++depth;
    } else if ((c == ')' || c == '}' || c == ']' || c == '>') && depth > 0) {
      --depth;
    } else if (c == ',' && depth == 0) {
      flush(i);
    }
  }
  flush(args.size());
  return out;
}

std::optional<uint64_t> ParseAddress(std::string_view value) {
  std::string_view s = Trim(value);
  if (s.starts_with("(")) {  // a cast: `(pthread_mutex_t *) 0x...`
    size_t close = s.find(')');
    if (close == std::string_view::npos) return std::nullopt;
    s = TrimLeft(s.substr(close + 1));
  }
  uint64_t v;
  if (!ConsumeHex(&s, &v)) return std::nullopt;
  // Inside a printed struct the address ends at `,` or `}`:
  // `{_M_device = 0x5555555592a0, _M_owns = true}`.
  if (!s.empty() && !IsSpace(s.front()) && s.front() != ',' && s.front() != '}') {
    return std::nullopt;
  }
  return v;
}

std::optional<int64_t> ParseInteger(std::string_view value) {
  std::string_view s = Trim(value);
  bool negative = ConsumePrefix(&s, "-");
  int64_t v;
  if (!ConsumeDecimal(&s, &v)) return std::nullopt;
  if (!s.empty() && !IsSpace(s.front())) return std::nullopt;
  return negative ? -v : v;
}

}  // namespace lockgraph::analyzer
