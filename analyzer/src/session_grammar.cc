// The session line grammar; see session_grammar.h.
#include "session_grammar.h"

#include <limits>

#include "text_scan.h"

namespace lockgraph::analyzer {
namespace {

using scan::ConsumeDecimal;
using scan::ConsumeHex;
using scan::ConsumePrefix;
using scan::ConsumeWord;
using scan::IsDigit;
using scan::IsIdentChar;
using scan::IsOneOf;
using scan::IsSpace;
using scan::Trim;
using scan::TrimLeft;

// A small count argument (`up 2`, `thread 3`, `frame 12`); -1 when absent or not a number.
int SmallNumber(std::string_view s) {
  s = Trim(s);
  int64_t n = 0;
  if (!ConsumeDecimal(&s, &n) || n > 1000000) return -1;
  // `thread 1.3`: inferior 1, thread 3.
  if (ConsumePrefix(&s, ".")) {
    if (!ConsumeDecimal(&s, &n) || n > 1000000) return -1;
  }
  return Trim(s).empty() ? static_cast<int>(n) : -1;
}

// The `/FMT` of print and x: format letters, an optional count and unit.
void ReadFormat(std::string_view fmt, SessionCommand* command) {
  for (char c : fmt) {
    if (c == 'x' || c == 'z') command->hex = true;
    if (c == 'b') command->unit = 1;
    if (c == 'h') command->unit = 2;
    if (c == 'w') command->unit = 4;
    if (c == 'g') command->unit = 8;
  }
}

// `Thread 0xHEX (LWP n)`, `LWP n`, `process n` at the start of `s`; what is
// left after it in `*rest`.
bool ParseTargetId(std::string_view s, ThreadHeader* header, std::string_view* rest) {
  int64_t v = 0;
  if (ConsumePrefix(&s, "Thread ")) {
    uint64_t pthread = 0;
    if (!ConsumeHex(&s, &pthread)) return false;
    header->pthread = pthread;
    if (ConsumePrefix(&s, " (LWP ")) {
      if (!ConsumeDecimal(&s, &v) || !ConsumePrefix(&s, ")")) return false;
      header->lwp = v;
    }
  } else if (ConsumePrefix(&s, "LWP ") || ConsumePrefix(&s, "process ")) {
    if (!ConsumeDecimal(&s, &v)) return false;
    header->lwp = v;
  } else {
    return false;
  }
  *rest = s;
  return true;
}

// `"NAME"` at the start of `s` (after spaces): gdb prints thread names
// quoted, unescaped; the name ends at a quote followed by a space or the end.
void ParseQuotedName(std::string_view* s, ThreadHeader* header) {
  std::string_view t = TrimLeft(*s);
  if (!ConsumePrefix(&t, "\"")) return;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '"' && (i + 1 == t.size() || IsSpace(t[i + 1]) || t[i + 1] == ':')) {
      header->name = std::string(t.substr(0, i));
      *s = t.substr(i + 1);
      return;
    }
  }
}

}  // namespace

SessionCommand ParseGdbCommand(std::string_view command) {
  SessionCommand out;
  std::string_view s = Trim(command);
  // `p/x` and `x/8wx` glue the format to the command word.
  size_t word_end = 0;
  while (word_end < s.size() && !IsSpace(s[word_end]) && s[word_end] != '/') ++word_end;
  std::string_view word = s.substr(0, word_end);
  std::string_view rest = s.substr(word_end);
  std::string_view fmt;
  if (ConsumePrefix(&rest, "/")) fmt = ConsumeWord(&rest);
  rest = Trim(rest);

  if (IsOneOf(word, {"thread", "thr", "t"})) {
    std::string_view args = rest;
    if (ConsumePrefix(&args, "apply ")) {
      args = TrimLeft(args);
      if (ConsumePrefix(&args, "all ") || ConsumePrefix(&args, "a ")) {
        out.kind = CommandKind::kThreadApplyAll;
      }
      return out;
    }
    if (ConsumePrefix(&args, "a ")) {  // `t a a bt`
      args = TrimLeft(args);
      if (ConsumePrefix(&args, "a ") || ConsumePrefix(&args, "all ")) {
        out.kind = CommandKind::kThreadApplyAll;
      }
      return out;
    }
    out.number = SmallNumber(args);
    if (out.number >= 0) out.kind = CommandKind::kThread;
    return out;
  }
  if (IsOneOf(word, {"taas", "tfaas"})) {
    out.kind = CommandKind::kThreadApplyAll;
    return out;
  }
  if (IsOneOf(word, {"bt", "ba", "bac", "back", "backtrace", "where"})) {
    out.kind = CommandKind::kBacktrace;
    for (std::string_view a = rest; !a.empty();) {
      std::string_view w = ConsumeWord(&a);
      a = TrimLeft(a);
      if (!w.empty() && (IsDigit(w.front()) || w.front() == '-') && w != "-full") {
        out.limited = true;
      }
    }
    return out;
  }
  if (IsOneOf(word, {"frame", "fr", "f"})) {
    std::string_view args = rest;
    if (ConsumePrefix(&args, "level ")) args = TrimLeft(args);
    out.number = args.empty() ? -1 : SmallNumber(args);
    out.kind = CommandKind::kFrame;
    return out;
  }
  if (word == "up" || IsOneOf(word, {"down", "do", "dow"})) {
    out.kind = word == "up" ? CommandKind::kUp : CommandKind::kDown;
    out.number = rest.empty() ? 1 : SmallNumber(rest);
    if (out.number < 0) out.kind = CommandKind::kOther;
    return out;
  }
  if (IsOneOf(word, {"print", "p", "pr", "inspect", "call"})) {
    out.kind = CommandKind::kPrint;
    ReadFormat(fmt, &out);
    // `print -pretty -- EXPR`: options end at `--`.
    if (rest.starts_with("-")) {
      size_t dashes = rest.find(" -- ");
      if (dashes != std::string_view::npos) rest = TrimLeft(rest.substr(dashes + 4));
    }
    out.expression = rest;
    return out;
  }
  if (word == "x") {
    out.kind = CommandKind::kExamine;
    ReadFormat(fmt, &out);
    out.expression = rest;
    return out;
  }
  if (IsOneOf(word, {"info", "i", "inf"})) {
    std::string_view what = ConsumeWord(&rest);
    if (IsOneOf(what, {"threads", "thread", "thr", "th"})) {
      out.kind = CommandKind::kInfoThreads;
    } else if (IsOneOf(what, {"registers", "register", "reg", "r", "all-registers"})) {
      out.kind = CommandKind::kInfoRegisters;
    } else if (IsOneOf(what, {"stack", "s"})) {
      out.kind = CommandKind::kBacktrace;
    }
    return out;
  }
  return out;
}

std::optional<ThreadHeader> ParseSwitchingToThread(std::string_view line) {
  return ParseThreadNotice(line, "[Switching to thread ");
}

std::optional<ThreadHeader> ParseCurrentThread(std::string_view line) {
  return ParseThreadNotice(line, "[Current thread is ");
}

std::optional<ThreadHeader> ParseThreadNotice(std::string_view line, std::string_view prefix) {
  std::string_view s = Trim(line);
  if (!ConsumePrefix(&s, prefix)) return std::nullopt;
  ThreadHeader header;
  int64_t number = 0;
  if (!ConsumeDecimal(&s, &number) || number > std::numeric_limits<int>::max()) {
    return std::nullopt;
  }
  if (ConsumePrefix(&s, ".")) {  // inferior.thread
    if (!ConsumeDecimal(&s, &number) || number > std::numeric_limits<int>::max()) {
      return std::nullopt;
    }
  }
  header.number = static_cast<int>(number);
  std::string_view rest;
  if (!ConsumePrefix(&s, " (") || !ParseTargetId(s, &header, &rest)) return std::nullopt;
  if (!header.lwp && !header.pthread) return std::nullopt;
  return header;
}

bool ParseInfoThreadsRow(std::string_view line, ThreadHeader* header, bool* current, Frame* frame) {
  std::string_view s = Trim(line);
  bool star = ConsumePrefix(&s, "*");
  s = TrimLeft(s);
  int64_t number = 0;
  if (!ConsumeDecimal(&s, &number) || number > std::numeric_limits<int>::max()) return false;
  if (ConsumePrefix(&s, ".")) {
    if (!ConsumeDecimal(&s, &number) || number > std::numeric_limits<int>::max()) return false;
  }
  if (s.empty() || !IsSpace(s.front())) return false;
  ThreadHeader h;
  h.number = static_cast<int>(number);
  std::string_view rest;
  if (!ParseTargetId(TrimLeft(s), &h, &rest)) return false;
  ParseQuotedName(&rest, &h);
  rest = TrimLeft(rest);
  if (ConsumePrefix(&rest, "(Exiting)")) rest = TrimLeft(rest);
  Frame f;
  if (rest.empty() || !ParseGdbFrameBody(rest, &f)) return false;
  f.index = 0;
  *header = std::move(h);
  *current = star;
  *frame = std::move(f);
  return true;
}

std::optional<ThreadHeader> ParseThreadLabel(std::string_view line) {
  std::string_view s = Trim(line);
  if (!ConsumePrefix(&s, "Thread ") && !ConsumePrefix(&s, "thread ") &&
      !ConsumePrefix(&s, "LWP ")) {
    return std::nullopt;
  }
  int64_t lwp = 0;
  if (!ConsumeDecimal(&s, &lwp) || lwp <= 0) return std::nullopt;
  ThreadHeader h;
  h.lwp = lwp;
  ParseQuotedName(&s, &h);
  if (Trim(s) != ":") return std::nullopt;
  return h;
}

bool ParseHistoryValue(std::string_view line, int* number, std::string_view* value) {
  std::string_view s = Trim(line);
  int64_t n = 0;
  if (!ConsumePrefix(&s, "$") || !ConsumeDecimal(&s, &n) || n > 100000000) return false;
  if (!ConsumePrefix(&s, " = ")) return false;
  *number = static_cast<int>(n);
  *value = s;
  return true;
}

bool ParseMemoryLine(std::string_view line, int unit, MemoryWords* words) {
  std::string_view s = Trim(line);
  MemoryWords m;
  if (!ConsumeHex(&s, &m.address)) return false;
  if (ConsumePrefix(&s, " <")) {
    size_t close = s.find(">:");
    if (close == std::string_view::npos) return false;
    m.symbol = std::string(s.substr(0, close));
    s.remove_prefix(close + 1);
  }
  if (!ConsumePrefix(&s, ":")) return false;
  int inferred = 0;
  for (s = TrimLeft(s); !s.empty(); s = TrimLeft(s)) {
    std::string_view token = ConsumeWord(&s);
    uint64_t v = 0;
    size_t digits = 0;
    std::string_view t = token;
    if (ConsumeHex(&t, &v, &digits)) {
      if (!t.empty()) return false;
      const int size = digits <= 2 ? 1 : digits <= 4 ? 2 : digits <= 8 ? 4 : 8;
      if (inferred == 0) inferred = size;
    } else {
      bool negative = ConsumePrefix(&t, "-");
      int64_t d = 0;
      if (!ConsumeDecimal(&t, &d) || !t.empty()) return false;
      v = static_cast<uint64_t>(negative ? -d : d);
    }
    m.words.push_back(v);
    if (m.words.size() > 64) return false;  // no x line is this long
  }
  if (m.words.empty()) return false;
  m.unit = unit > 0 ? unit : inferred > 0 ? inferred : 4;
  if (m.unit < 8) {
    for (uint64_t& w : m.words) w &= (uint64_t{1} << (8 * m.unit)) - 1;
  }
  *words = std::move(m);
  return true;
}

bool ParseRegisterLine(std::string_view line, std::string_view* name, uint64_t* value) {
  std::string_view s = Trim(line);
  size_t n = 0;
  while (n < s.size() && IsIdentChar(s[n])) ++n;
  if (n == 0 || n > 16 || n == s.size() || !IsSpace(s[n])) return false;
  std::string_view reg = s.substr(0, n);
  s = TrimLeft(s.substr(n));
  uint64_t v = 0;
  if (!ConsumeHex(&s, &v) || s.empty() || !IsSpace(s.front())) return false;
  *name = reg;
  *value = v;
  return true;
}

}  // namespace lockgraph::analyzer
