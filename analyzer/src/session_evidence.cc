// Session evidence; what is tied to what is in session_evidence.h.
#include "session_evidence.h"

#include <string_view>
#include <unordered_set>

#include "hex.h"
#include "line_grammar.h"
#include "text_scan.h"

namespace lockgraph::analyzer {
namespace {

using scan::ConsumeDecimal;
using scan::ConsumeHex;
using scan::ConsumePrefix;
using scan::IsHexDigit;
using scan::IsIdentChar;
using scan::Trim;

// A printed integer: `7230`, `-1`, or `0x1c3e` (p/x).
std::optional<int64_t> ParseNumber(std::string_view s) {
  s = Trim(s);
  uint64_t hex = 0;
  if (std::string_view t = s; ConsumeHex(&t, &hex)) {
    if (!t.empty() && t.front() != ' ' && t.front() != ',' && t.front() != '}') return std::nullopt;
    return static_cast<int64_t>(static_cast<int32_t>(hex));  // glibc's fields are ints
  }
  return ParseInteger(s.substr(0, s.find_first_of(",}")));
}

// `NAME = VALUE` inside a printed struct: the value of the only field called
// NAME, or nothing when there is none or more than one.
std::optional<int64_t> Field(std::string_view value, std::string_view name, bool* ambiguous) {
  std::optional<int64_t> out;
  for (size_t at = 0; (at = value.find(name, at)) != std::string_view::npos; at += name.size()) {
    // A whole field name: `__owner = `, not `x__owner = `.
    if (at > 0 && IsIdentChar(value[at - 1])) continue;
    std::string_view rest = value.substr(at + name.size());
    if (!ConsumePrefix(&rest, " = ")) continue;
    if (out) {
      *ambiguous = true;
      return std::nullopt;
    }
    out = ParseNumber(rest);
  }
  return out;
}

// The lock fields a printed expression ending in `.__owner` names.
constexpr std::string_view kScalarFields[] = {"__owner", "__cur_writer", "__readers", "__lock"};
// Members on the way from a C++ lock to glibc's fields: stripped from an
// expression to find the lock it starts from.
constexpr std::string_view kPathMembers[] = {
    "__data",   "__owner", "__cur_writer", "__readers", "__lock",    "__writers", "__count",
    "__nusers", "__kind",  "_M_mutex",     "_M_impl",   "_M_rwlock", "__size",    "__align"};

// `0xADDR <NAME>` and `0xADDR <NAME+OFF>` in any printed text: NAME's
// address (ADDR - OFF). Names gdb qualifies (`(anonymous
// namespace)::g_stats`) are also found by their last component.
class Symbols {
 public:
  void Scan(std::string_view text) {
    for (size_t at = 0; (at = text.find(" <", at)) != std::string_view::npos; at += 2) {
      size_t start = at;
      while (start > 0 && IsHexDigit(text[start - 1])) --start;
      if (start < 2 || text.substr(start - 2, 2) != "0x") continue;
      std::string_view hex = text.substr(start - 2, at - start + 2);
      uint64_t address = 0;
      if (!ConsumeHex(&hex, &address) || !hex.empty()) continue;
      size_t close = text.find('>', at + 2);
      if (close == std::string_view::npos) continue;
      std::string_view name = text.substr(at + 2, close - at - 2);
      if (size_t plus = name.rfind('+'); plus != std::string_view::npos) {
        int64_t offset = 0;
        std::string_view off = name.substr(plus + 1);
        if (!ConsumeDecimal(&off, &offset) || !off.empty()) continue;
        address -= static_cast<uint64_t>(offset);
        name = name.substr(0, plus);
      }
      Add(name, address);
      if (size_t scope = name.rfind("::"); scope != std::string_view::npos) {
        Add(name.substr(scope + 2), address);
      }
    }
  }

  std::optional<uint64_t> Find(std::string_view name) const {
    auto it = addresses_.find(std::string(name));
    if (it == addresses_.end() || ambiguous_.count(it->first)) return std::nullopt;
    return it->second;
  }

 private:
  void Add(std::string_view name, uint64_t address) {
    if (name.empty()) return;
    auto [it, added] = addresses_.emplace(std::string(name), address);
    if (!added && it->second != address) ambiguous_.insert(it->first);
  }

  std::unordered_map<std::string, uint64_t> addresses_;
  std::unordered_set<std::string> ambiguous_;
};

// The arguments and locals of the frame a value was printed in, by name
// (an argument before a local of the same name, as gdb looks them up).
struct FrameVars {
  std::unordered_map<std::string, std::string> values;
  std::string description;  // `frame #3 ___pthread_mutex_lock of LWP 7231`
};

FrameVars VarsOf(const Dump& dump, const SessionContext& c) {
  FrameVars out;
  const Thread* t = c.thread >= 0 ? &dump.threads[c.thread] : nullptr;
  const Frame* f = nullptr;
  // Frames sit at the position of their number, unless the paste skipped
  // some; then the selection's own copy (args_text) is what is used.
  if (t != nullptr && c.frame >= 0 && c.frame < static_cast<int>(t->frames.size()) &&
      t->frames[c.frame].index == c.frame) {
    f = &t->frames[c.frame];
  }
  const std::vector<NamedValue>* locals = nullptr;
  std::vector<NamedValue> args;
  if (c.frame_known) {
    args = ParseArgs(c.args_text);
    if (f != nullptr && f->function == c.function) locals = &f->locals;
  } else if (f != nullptr) {
    args = f->Args();
    locals = &f->locals;
  }
  for (NamedValue& a : args) out.values.emplace(std::move(a.name), std::move(a.value));
  if (locals != nullptr) {
    for (const NamedValue& l : *locals) out.values.emplace(l.name, l.value);
  }
  const std::string function = c.frame_known ? c.function : f != nullptr ? f->function : "";
  out.description = "frame #" + std::to_string(c.frame);
  if (!function.empty()) out.description += " " + function;
  if (t != nullptr) {
    out.description += " of " + (t->lwp != 0     ? "LWP " + std::to_string(t->lwp)
                                 : t->number > 0 ? "gdb thread " + std::to_string(t->number)
                                                 : std::string("the pasted thread"));
  }
  return out;
}

std::optional<uint64_t> PointerVar(const FrameVars& vars, std::string_view name) {
  auto it = vars.values.find(std::string(name));
  if (it == vars.values.end()) return std::nullopt;
  return ParseAddress(it->second);
}

std::string_view StripParens(std::string_view e) {
  e = Trim(e);
  while (e.size() >= 2 && e.front() == '(' && e.back() == ')') {
    // Only when the parentheses enclose the whole expression: `(a)`, not `(a) + (b)`.
    int depth = 0;
    bool whole = true;
    for (size_t i = 0; i < e.size(); ++i) {
      if (e[i] == '(') ++depth;
      if (e[i] == ')' && --depth == 0 && i + 1 != e.size()) whole = false;
    }
    if (!whole) break;
    e = Trim(e.substr(1, e.size() - 2));
  }
  return e;
}

// A leading cast `(T *)`: removed, and whether it was one.
bool StripCast(std::string_view* e) {
  if (e->empty() || e->front() != '(') return false;
  size_t close = e->find(')');
  if (close == std::string_view::npos) return false;
  std::string_view type = e->substr(1, close - 1);
  if (type.find('*') == std::string_view::npos) return false;
  *e = Trim(e->substr(close + 1));
  return true;
}

struct History {
  std::optional<uint64_t> pointer;  // `$2 = (pthread_mutex_t *) 0x55d0 <b>`
  std::optional<uint64_t> lock;     // the lock whose fields $N showed
};

class Reader {
 public:
  Reader(const Dump& dump, const std::vector<Wait>& waits) : dump_(dump), waits_(waits) {}

  SessionFacts Read() {
    if (!dump_.printed.empty()) ScanSymbols();
    for (const PrintedValue& v : dump_.printed) ReadValue(v);
    ReadMemory();
    return std::move(facts_);
  }

 private:
  void ScanSymbols() {
    for (const Thread& t : dump_.threads) {
      for (const Frame& f : t.frames) {
        symbols_.Scan(f.args_text);
        for (const NamedValue& l : f.locals) symbols_.Scan(l.value);
      }
    }
    for (const PrintedValue& v : dump_.printed) symbols_.Scan(v.value);
    for (const SessionContext& c : dump_.contexts) symbols_.Scan(c.args_text);
    // `x` names the memory it shows: `0x55d0 <g_registry>:`.
    for (const MemoryWords& m : dump_.memory) {
      if (!m.symbol.empty()) symbols_.Scan(Hex(m.address) + " <" + m.symbol + ">");
    }
  }

  // Values printed in one selection share its variables, read once.
  const FrameVars& Vars(int context) {
    auto it = vars_.find(context);
    if (it == vars_.end()) {
      static const SessionContext kNothingSelected;
      it = vars_
               .emplace(context,
                        VarsOf(dump_, context >= 0 ? dump_.contexts[context] : kNothingSelected))
               .first;
    }
    return it->second;
  }

  void Record(uint64_t address, PrintedLock lock) {
    auto [it, added] = facts_.locks.emplace(address, lock);
    if (!added && it->second.line <= lock.line) it->second = std::move(lock);
  }

  void ReadValue(const PrintedValue& v) {
    History& h = history_[v.history];
    h = History{};
    const std::string_view value = Trim(v.value);
    // A pointer: `(pthread_mutex_t *) 0x55d0 <b>`.
    if (std::string_view p = value; StripCast(&p) || p.starts_with("0x")) {
      if (auto a = ParseAddress(p)) h.pointer = a;
    }
    const std::string_view expr = StripParens(v.expression);
    if (ReadPthreadTid(v, expr, value)) return;

    // Which field a scalar print shows, and the lock it starts from.
    std::string_view base = expr;
    std::string_view scalar_field;
    bool through_pointer = false;
    for (bool stripped = true; stripped;) {
      stripped = false;
      base = StripParens(base);
      for (std::string_view member : kPathMembers) {
        for (std::string_view sep : {"->", "."}) {
          const size_t tail = sep.size() + member.size();
          if (base.size() > tail && base.substr(base.size() - member.size()) == member &&
              base.substr(base.size() - tail, sep.size()) == sep) {
            if (scalar_field.empty() && base.size() == expr.size()) {
              for (std::string_view f : kScalarFields) {
                if (f == member) scalar_field = f;
              }
            }
            if (sep == "->") through_pointer = true;
            base = Trim(base.substr(0, base.size() - tail));
            stripped = true;
          }
        }
      }
    }
    LockFields fields;
    if (!scalar_field.empty()) {
      const std::optional<int64_t> n = ParseNumber(value);
      if (!n) return;
      if (scalar_field == "__owner") fields.owner = n;
      if (scalar_field == "__cur_writer") fields.writer = n;
      if (scalar_field == "__readers") fields.readers_word = n;
      if (scalar_field == "__lock") fields.lock_word = n;
    } else {
      fields = ParseLockFields(value);
    }
    if (!fields.owner && !fields.writer && !fields.readers_word && !fields.lock_word) return;

    const FrameVars& vars = Vars(v.context);
    std::optional<uint64_t> address;
    std::string how;
    bool exact = true;
    if (!v.expression.empty()) {
      address = ResolveLock(base, through_pointer, vars, &how);
    } else {
      // gdb -batch output: the command is not in the paste. A lock printed
      // right after selecting a lock function's frame is that frame's lock.
      for (std::string_view arg : {"mutex", "rwlock", "mu", "this", "__mutex", "__rwlock"}) {
        if ((address = PointerVar(vars, arg))) {
          how = "printed after selecting " + vars.description +
                " (the command is not in the "
                "paste: taken as its `" +
                std::string(arg) + "`)";
          exact = false;
          break;
        }
      }
    }
    if (!address) return;
    h.lock = address;
    PrintedLock lock;
    lock.exact = exact;
    lock.line = v.line;
    std::string shown;
    const bool rwlock = fields.writer.has_value() || (fields.readers_word && !fields.owner);
    lock.rwlock = rwlock;
    if (rwlock) {
      if (fields.writer) lock.owner = fields.writer;
      if (fields.writer && *fields.writer > 0) {
        shown = "__cur_writer = " + std::to_string(*fields.writer);
      } else if (fields.readers_word) {
        // The count includes readers still waiting for the write phase to end.
        lock.readers = (*fields.readers_word & 0xffffffff) >> 3;
        shown = "__readers = " + std::to_string(*fields.readers_word) + " (" +
                std::to_string(*lock.readers) + " reader" + (*lock.readers == 1 ? "" : "s") +
                " in or entering it), no writer";
      }
    } else if (fields.owner) {
      lock.owner = fields.owner;
      shown = "__owner = " + std::to_string(*fields.owner);
    } else {
      return;  // only the lock word: locked or not, but not by whom
    }
    lock.evidence =
        "gdb printed " +
        (v.command.empty() ? "$" + std::to_string(v.history) + " (line "
                           : "`" + v.command + "` ($" + std::to_string(v.history) + ", line ") +
        std::to_string(v.line) + ")" + (how.empty() ? "" : ", " + how) + ": " + shown;
    Record(*address, std::move(lock));
  }

  // `p ((struct pthread *) 0x7f..)->tid` and `p *(struct pthread *) 0x7f..`.
  bool ReadPthreadTid(const PrintedValue& v, std::string_view expr, std::string_view value) {
    const size_t cast = expr.find("pthread *)");
    if (cast == std::string_view::npos) return false;
    std::string_view rest = Trim(expr.substr(cast + 10));
    while (!rest.empty() && rest.front() == '(') rest = Trim(rest.substr(1));
    uint64_t pthread = 0;
    if (!ConsumeHex(&rest, &pthread)) return true;
    std::optional<int64_t> tid;
    if (expr.ends_with("->tid")) {
      tid = ParseNumber(value);
    } else {
      bool ambiguous = false;
      tid = Field(value, "tid", &ambiguous);
    }
    if (tid && *tid > 0) {
      facts_.pthread_tids[pthread] = *tid;
      facts_.tid_evidence[pthread] =
          "gdb printed `" + (v.command.empty() ? std::string(expr) : v.command) +
          "` = " + std::to_string(*tid) + " (line " + std::to_string(v.line) + ")";
    }
    return true;
  }

  std::optional<uint64_t> ResolveLock(std::string_view base, bool through_pointer,
                                      const FrameVars& vars, std::string* how) {
    std::string_view e = StripParens(base);
    bool deref = through_pointer;
    if (ConsumePrefix(&e, "*")) {
      deref = true;
      e = StripParens(e);
    }
    const bool cast = StripCast(&e);
    e = StripParens(e);
    uint64_t address = 0;
    if (std::string_view t = e; ConsumeHex(&t, &address) && Trim(t).empty()) {
      if (!deref && !cast) return std::nullopt;
      *how = "at that address";
      return address;
    }
    if (ConsumePrefix(&e, "$")) {
      int64_t n = 0;
      std::string_view t = e;
      if (!ConsumeDecimal(&t, &n) || !Trim(t).empty()) return std::nullopt;
      auto it = history_.find(static_cast<int>(n));
      if (it == history_.end()) return std::nullopt;
      *how = deref ? "through the pointer $" + std::to_string(n) + " printed"
                   : "the lock $" + std::to_string(n) + " showed";
      return deref ? it->second.pointer : it->second.lock;
    }
    // A name, perhaps quoted: `'(anonymous namespace)::g_stats'`.
    if (e.size() >= 2 && e.front() == '\'' && e.back() == '\'') e = e.substr(1, e.size() - 2);
    if (e.empty()) return std::nullopt;
    if (deref) {
      auto a = PointerVar(vars, e);
      if (a) *how = "in " + vars.description;
      return a;
    }
    if (auto a = symbols_.Find(e)) {
      *how = "the lock the backtrace shows as <" + std::string(e) + ">";
      return a;
    }
    return std::nullopt;
  }

  void ReadMemory() {
    if (dump_.memory.empty()) return;
    // Every 4-byte word shown, by address (x86-64 and aarch64 are little endian).
    std::unordered_map<uint64_t, std::pair<uint32_t, const MemoryWords*>> words;
    for (const MemoryWords& m : dump_.memory) {
      uint64_t at = m.address;
      for (uint64_t w : m.words) {
        if (m.unit == 4) {
          words[at] = {static_cast<uint32_t>(w), &m};
        } else if (m.unit == 8) {
          words[at] = {static_cast<uint32_t>(w), &m};
          words[at + 4] = {static_cast<uint32_t>(w >> 32), &m};
        }
        at += static_cast<uint64_t>(m.unit);
      }
    }
    for (const Wait& w : waits_) {
      if (!w.lock || (w.kind != WaitKind::kMutex && w.kind != WaitKind::kRwlockRead &&
                      w.kind != WaitKind::kRwlockWrite)) {
        continue;
      }
      const bool rwlock = w.kind != WaitKind::kMutex;
      const uint64_t field_at = *w.lock + (rwlock ? 24 : 8);
      auto it = words.find(field_at);
      if (it == words.end()) continue;
      const auto [word, line] = it->second;
      PrintedLock lock;
      lock.owner = static_cast<int32_t>(word);
      lock.line = line->line;
      const char* field = rwlock ? "__cur_writer" : "__owner";
      lock.evidence =
          (line->command.empty() ? std::string("memory shown by `x`") : "`" + line->command + "`") +
          " (line " + std::to_string(line->line) + "): the word at " + Hex(*w.lock) + "+" +
          (rwlock ? "24" : "8") + " (" + field + ") is " + Hex(word) + " = " +
          std::to_string(static_cast<int32_t>(word));
      if (rwlock) {
        if (auto r = words.find(*w.lock); r != words.end()) lock.readers = r->second.first >> 3;
      }
      Record(*w.lock, std::move(lock));
    }
  }

  const Dump& dump_;
  const std::vector<Wait>& waits_;
  SessionFacts facts_;
  Symbols symbols_;
  std::unordered_map<int, History> history_;
  std::unordered_map<int, FrameVars> vars_;
};

}  // namespace

LockFields ParseLockFields(std::string_view value) {
  LockFields out;
  bool ambiguous = false;
  out.owner = Field(value, "__owner", &ambiguous);
  out.writer = Field(value, "__cur_writer", &ambiguous);
  out.readers_word = Field(value, "__readers", &ambiguous);
  out.lock_word = Field(value, "__lock", &ambiguous);
  if (ambiguous) return LockFields{};
  return out;
}

SessionFacts ReadSession(const Dump& dump, std::vector<Wait>* waits) {
  for (const RegisterValue& r : dump.registers) {
    // At frame #0 of a thread asleep in futex(), rdi is the futex word: for a
    // mutex wait, the mutex itself (its lock word is its first member).
    if (r.name != "rdi" || r.context < 0) continue;
    const SessionContext& c = dump.contexts[r.context];
    if (c.thread < 0 || c.frame != 0) continue;
    Wait& w = (*waits)[c.thread];
    if (w.kind == WaitKind::kMutex && !w.lock && r.value != 0) {
      w.lock = r.value;
      w.lock_from_register = true;
    }
  }
  if (dump.printed.empty() && dump.memory.empty()) return SessionFacts{};
  SessionFacts facts = Reader(dump, *waits).Read();
  for (Wait& w : *waits) {
    if (w.kind != WaitKind::kFutex || !w.lock) continue;
    auto it = facts.locks.find(*w.lock);
    if (it == facts.locks.end() || it->second.rwlock || !it->second.owner ||
        *it->second.owner <= 0) {
      continue;
    }
    // glibc's mutex lock word is the futex a waiter sleeps on.
    w.kind = WaitKind::kMutex;
    w.mutex_from_futex = true;
  }
  return facts;
}

}  // namespace lockgraph::analyzer
