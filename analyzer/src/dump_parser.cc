// The dump parser's state machine; the transition table is in dump_parser.h.
#include "dump_parser.h"

#include <algorithm>
#include <cstdio>
#include <unordered_set>
#include <utility>

#include "line_grammar.h"

namespace lockgraph::analyzer {
namespace {

// Lines gdb and the other tools print around the stacks. They are skipped in
// every state, so they may appear anywhere (gdb interleaves `[New LWP n]`).
bool IsNoise(std::string_view line) {
  static constexpr std::string_view kPrefixes[] = {
      "[",
      "warning:",
      "Reading symbols",
      "Using host libthread_db",
      "(gdb)",
      "Core was generated",
      "Program terminated",
      "Downloading",
      "No locals.",
      "No symbol table",
      "(More stack frames follow",
      "Attaching to",
      "Detaching from",
      "Loaded symbols",
      "Missing separate debuginfo",
      "lockgraph: ",  // the gdb extension's lines for people (its `lockgraph-gdb:` lines are read)
  };
  size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  std::string_view s = line.substr(i);
  if (s.empty()) return true;
  for (std::string_view p : kPrefixes) {
    if (s.starts_with(p)) return true;
  }
  return false;
}

// Control bytes no text dump has (tab, newline, CR, form feed and the ESC of
// terminal colours are text).
bool IsBinaryByte(char c) {
  const auto b = static_cast<unsigned char>(c);
  return (b < 0x20 && b != '\t' && b != '\r' && b != '\f' && b != '\v' && b != 0x1b) || b == 0x7f;
}

// A line quoted in a message: at most 80 characters, control bytes as `?`.
std::string Printable(std::string_view line) {
  std::string out(line.substr(0, 80));
  for (char& c : out) {
    if (IsBinaryByte(c)) c = '?';
  }
  if (line.size() > 80) out += "...";
  return out;
}

}  // namespace

const char* DumpFormatName(DumpFormat format) {
  switch (format) {
    case DumpFormat::kGdb:
      return "gdb";
    case DumpFormat::kEuStack:
      return "eu-stack";
    case DumpFormat::kCapture:
      return "lockgraph-capture";
    case DumpFormat::kGdbExtension:
      return "lockgraph-gdb";
    case DumpFormat::kUnknown:
      break;
  }
  return "unknown";
}

std::vector<NamedValue> Frame::Args() const { return ParseArgs(args_text); }

std::optional<NamedValue> Frame::FindArg(std::string_view name) const {
  // Cheap rejection before splitting: most frames asked lack the name.
  if (args_text.find(name) == std::string::npos) return std::nullopt;
  for (NamedValue& a : Args()) {
    if (a.name == name) return std::move(a);
  }
  return std::nullopt;
}

const NamedValue* Frame::FindLocal(std::string_view name) const {
  for (const NamedValue& l : locals) {
    if (l.name == name) return &l;
  }
  return nullptr;
}

DumpParser::DumpParser(std::string source) { dump_.source = std::move(source); }

void DumpParser::Feed(std::string_view bytes) {
  while (!bytes.empty()) {
    size_t nl = bytes.find('\n');
    std::string_view piece = bytes.substr(0, nl);
    if (!binary_at_) {
      for (size_t i = 0; i < piece.size(); ++i) {
        if (IsBinaryByte(piece[i])) {
          binary_at_ = bytes_ + i;
          binary_byte_ = static_cast<unsigned char>(piece[i]);
          binary_line_ = dump_.lines + 1;
          break;
        }
      }
    }
    bytes_ += piece.size() + (nl == std::string_view::npos ? 0 : 1);
    if (!partial_overflow_) {
      size_t room = kMaxLineLength - partial_.size();
      if (piece.size() > room) {
        partial_.append(piece.substr(0, room));
        partial_overflow_ = true;
      } else {
        partial_.append(piece);
      }
    }
    unterminated_ = nl == std::string_view::npos;
    if (nl == std::string_view::npos) return;
    bytes.remove_prefix(nl + 1);
    ProcessLine(partial_);
    partial_.clear();
    partial_overflow_ = false;
  }
}

void DumpParser::Ignore(std::string_view line) {
  ++dump_.ignored_lines;
  // Inside a thread, an unreadable line may be a frame cut short.
  last_line_in_stack_ = state_ == State::kHeader || state_ == State::kFrames;
  if (first_ignored_line_ == 0) {
    first_ignored_line_ = dump_.lines;
    first_ignored_ = Printable(line);
  }
}

void DumpParser::StartThread(Grammar grammar, int number, int64_t lwp) {
  grammar_ = grammar;
  state_ = State::kHeader;
  Thread& t = dump_.threads.emplace_back();
  t.number = number;
  t.lwp = lwp;
  t.header_line = dump_.lines;
  last_line_in_stack_ = true;
  if (dump_.format == DumpFormat::kUnknown) {
    dump_.format = grammar == Grammar::kGdb ? DumpFormat::kGdb : DumpFormat::kEuStack;
  }
}

void DumpParser::ProcessLine(std::string_view line) {
  ++dump_.lines;
  // Set again below for lines that belong to a thread's stack.
  last_line_in_stack_ = false;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (first_line_number_ == 0 && !line.empty()) {
    first_line_number_ = dump_.lines;
    first_line_ = Printable(line);
  }

  if (line.starts_with("Thread ")) {
    if (auto h = ParseGdbThreadHeader(line)) {
      StartThread(Grammar::kGdb, h->number, h->lwp.value_or(0));
      dump_.threads.back().pthread = h->pthread;
      dump_.threads.back().name = std::move(h->name);
      return;
    }
  } else if (line.starts_with("TID ")) {
    if (auto tid = ParseEuStackTid(line)) {
      StartThread(Grammar::kEuStack, 0, *tid);
      return;
    }
  } else if (line.starts_with("PID ")) {
    if (auto pid = ParseEuStackPid(line)) {
      dump_.pid = *pid;
      return;
    }
  } else if (line.starts_with("[lockgraph] ")) {
    LockRecord record;
    if (ParseLockRecord(line, &record)) {
      record.line = dump_.lines;
      dump_.locks.push_back(std::move(record));
    } else if (line.starts_with("[lockgraph] capture")) {
      saw_capture_banner_ = true;
      // `[lockgraph] capture of pid N`
      std::string_view rest = line.substr(std::string_view("[lockgraph] capture").size());
      if (rest.starts_with(" of pid ")) {
        if (auto pid = ParseInteger(rest.substr(8))) dump_.pid = *pid;
      }
    }
    return;
  } else if (line.starts_with("lockgraph-gdb: ")) {
    // lockgraph's gdb extension, before or after the stacks.
    RegistryFact fact;
    RegistryDeadlock deadlock;
    if (ParseRegistryFact(line, &fact)) {
      fact.line = dump_.lines;
      dump_.registry.push_back(std::move(fact));
    } else if (ParseRegistryDeadlock(line, &deadlock)) {
      deadlock.line = dump_.lines;
      dump_.registry_deadlocks.push_back(std::move(deadlock));
    } else {
      Ignore(line);
    }
    return;
  } else if (line.starts_with("[Current thread is ")) {
    current_lwp_ = ParseCurrentThreadLwp(line);
    return;
  }

  std::string_view s = line;
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  if (s.starts_with("#")) {
    if (state_ != State::kHeader && state_ != State::kFrames) {
      Ignore(line);
      return;
    }
    Frame frame;
    bool ok =
        grammar_ == Grammar::kGdb ? ParseGdbFrame(line, &frame) : ParseEuStackFrame(line, &frame);
    // eu-stack prints frames of unknown functions the gdb way never, but a
    // pasted mix happens: try the other grammar before giving up.
    if (!ok) {
      ok =
          grammar_ == Grammar::kGdb ? ParseEuStackFrame(line, &frame) : ParseGdbFrame(line, &frame);
    }
    if (!ok) {
      Ignore(line);
      return;
    }
    dump_.threads.back().frames.push_back(std::move(frame));
    state_ = State::kFrames;
    last_line_in_stack_ = true;
    return;
  }
  if (s.starts_with("Backtrace stopped")) {
    if (state_ == State::kHeader || state_ == State::kFrames) {
      dump_.threads.back().truncated = true;
      state_ = State::kStopped;
    }
    return;
  }
  if (IsNoise(line)) return;
  if (state_ == State::kFrames) {
    Frame& last = dump_.threads.back().frames.back();
    NamedValue local;
    if (grammar_ == Grammar::kGdb && ParseLocal(line, &local)) {
      last.locals.push_back(std::move(local));
      last_line_in_stack_ = true;
      return;
    }
    if (grammar_ == Grammar::kEuStack && last.file.empty() &&
        ParseEuStackSource(line, &last.file, &last.line)) {
      last_line_in_stack_ = true;
      return;
    }
  }
  Ignore(line);
}

bool DumpParser::Finish(Dump* dump, std::string* error) {
  const bool cut_mid_line = unterminated_ && (!partial_.empty() || partial_overflow_);
  if (cut_mid_line) ProcessLine(partial_);
  partial_.clear();
  const std::string& src = dump_.source;
  static constexpr char kExpected[] =
      "expected a thread dump: gdb `thread apply all bt` (a header like `Thread 2 (Thread "
      "0x7f... (LWP 1234) \"name\"):` or `Thread 2 (LWP 1234):`, then `#0 ...` frames), "
      "eu-stack (`TID 1234:`), pstack, `lockgraph capture` output, or the `lockgraph-gdb:` "
      "lines of lockgraph's gdb extension";
  if (bytes_ == 0) {
    *error = src + ": empty input (no line 1): " + kExpected;
    return false;
  }
  if (dump_.threads.empty() && (!dump_.registry.empty() || !dump_.registry_deadlocks.empty())) {
    AddRegistryOnlyThreads();
  }
  if (dump_.threads.empty()) {
    char byte[8];
    if (binary_at_) {
      std::snprintf(byte, sizeof byte, "0x%02x", binary_byte_);
      *error = src + ": line " + std::to_string(binary_line_) + ": binary data (byte " + byte +
               " at offset " + std::to_string(*binary_at_) + "), not a text thread dump; " +
               kExpected;
    } else if (first_ignored_line_ > 0) {
      *error = src + ": line " + std::to_string(first_ignored_line_) + ": `" + first_ignored_ +
               "` is not part of a thread dump, and no thread header was found in " +
               std::to_string(dump_.lines) + " line(s); " + kExpected;
    } else {
      *error = src + ": no thread found in " + std::to_string(dump_.lines) +
               " line(s), all of them debugger messages (line " +
               std::to_string(first_line_number_ > 0 ? first_line_number_ : 1) + " is `" +
               first_line_ + "`); " + kExpected;
    }
    return false;
  }
  const bool any_frames = std::any_of(dump_.threads.begin(), dump_.threads.end(),
                                      [](const Thread& t) { return !t.frames.empty(); });
  if (!any_frames && dump_.format != DumpFormat::kGdbExtension) {
    const Thread& first = dump_.threads.front();
    *error = src + ": line " + std::to_string(first.header_line) + ": thread header of LWP " +
             std::to_string(first.lwp) + " is not followed by any frame, nor is any other " +
             "thread's" +
             (first.truncated ? " (gdb could not unwind them: `Backtrace stopped`)"
                              : " (the dump looks cut short)") +
             ": expected frame lines like `#0  0x00007f... in f () at x.c:1` after it";
    return false;
  }
  // A dump cut short still says a lot: read it, and say where it ends.
  const Thread& last = dump_.threads.back();
  if (cut_mid_line && last_line_in_stack_) {
    dump_.warnings.push_back("line " + std::to_string(dump_.lines) +
                             " (the last) ends without a newline: the dump looks cut short "
                             "there; LWP " +
                             std::to_string(last.lwp) + " may be missing frames");
  } else if (state_ == State::kHeader && dump_.format != DumpFormat::kGdbExtension) {
    dump_.warnings.push_back("line " + std::to_string(last.header_line) +
                             ": the last thread (LWP " + std::to_string(last.lwp) +
                             ") has no frames: the dump looks cut short after it");
  }
  if (binary_at_) {
    dump_.warnings.push_back("line " + std::to_string(binary_line_) + ": binary data at offset " +
                             std::to_string(*binary_at_) + " (skipped)");
  }
  if (current_lwp_) {
    for (Thread& t : dump_.threads) t.current = (t.lwp == *current_lwp_);
  }
  if (saw_capture_banner_ || !dump_.locks.empty()) dump_.format = DumpFormat::kCapture;
  *dump = std::move(dump_);
  dump_ = Dump{};
  return true;
}

void DumpParser::AddRegistryOnlyThreads() {
  // Only `lockgraph threads` / `lockgraph deadlock` output: one thread per
  // LWP it names, without frames; the facts alone give the wait-for graph.
  std::unordered_set<int64_t> seen;
  auto add = [&](int64_t lwp, int line) {
    if (!seen.insert(lwp).second) return;
    Thread& t = dump_.threads.emplace_back();
    t.lwp = lwp;
    t.header_line = line;
  };
  for (const RegistryFact& f : dump_.registry) add(f.lwp, f.line);
  for (const RegistryDeadlock& d : dump_.registry_deadlocks) {
    for (int64_t lwp : d.lwps) add(lwp, d.line);
  }
  dump_.format = DumpFormat::kGdbExtension;
}

bool ParseDump(std::string_view text, std::string source, Dump* dump, std::string* error) {
  DumpParser parser(std::move(source));
  parser.Feed(text);
  return parser.Finish(dump, error);
}

}  // namespace lockgraph::analyzer
