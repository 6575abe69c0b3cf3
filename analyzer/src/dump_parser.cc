// The dump parser's state machine; the transition table is in dump_parser.h.
#include "dump_parser.h"

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

}  // namespace

const char* DumpFormatName(DumpFormat format) {
  switch (format) {
    case DumpFormat::kGdb:
      return "gdb";
    case DumpFormat::kEuStack:
      return "eu-stack";
    case DumpFormat::kCapture:
      return "lockgraph-capture";
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
  bytes_ += bytes.size();
  while (!bytes.empty()) {
    size_t nl = bytes.find('\n');
    std::string_view piece = bytes.substr(0, nl);
    for (char c : piece) nul_bytes_ += (c == '\0');
    if (!partial_overflow_) {
      size_t room = kMaxLineLength - partial_.size();
      if (piece.size() > room) {
        partial_.append(piece.substr(0, room));
        partial_overflow_ = true;
      } else {
        partial_.append(piece);
      }
    }
    if (nl == std::string_view::npos) return;
    bytes.remove_prefix(nl + 1);
    ProcessLine(partial_);
    partial_.clear();
    partial_overflow_ = false;
  }
}

void DumpParser::StartThread(Grammar grammar, int number, int64_t lwp) {
  grammar_ = grammar;
  state_ = State::kHeader;
  Thread& t = dump_.threads.emplace_back();
  t.number = number;
  t.lwp = lwp;
  t.header_line = dump_.lines;
  if (dump_.format == DumpFormat::kUnknown) {
    dump_.format = grammar == Grammar::kGdb ? DumpFormat::kGdb : DumpFormat::kEuStack;
  }
}

void DumpParser::ProcessLine(std::string_view line) {
  ++dump_.lines;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (first_line_.empty() && !line.empty()) first_line_ = std::string(line.substr(0, 80));

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
  } else if (line.starts_with("[Current thread is ")) {
    current_lwp_ = ParseCurrentThreadLwp(line);
    return;
  }

  std::string_view s = line;
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  if (s.starts_with("#")) {
    if (state_ != State::kHeader && state_ != State::kFrames) {
      ++dump_.ignored_lines;
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
      ++dump_.ignored_lines;
      return;
    }
    dump_.threads.back().frames.push_back(std::move(frame));
    state_ = State::kFrames;
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
      return;
    }
    if (grammar_ == Grammar::kEuStack && last.file.empty() &&
        ParseEuStackSource(line, &last.file, &last.line)) {
      return;
    }
  }
  ++dump_.ignored_lines;
}

bool DumpParser::Finish(Dump* dump, std::string* error) {
  if (!partial_.empty() || partial_overflow_) ProcessLine(partial_);
  partial_.clear();
  const std::string& src = dump_.source;
  if (bytes_ == 0) {
    *error = src +
             ": empty input: expected a thread dump (gdb `thread apply all bt`, eu-stack, "
             "pstack or `lockgraph capture` output)";
    return false;
  }
  if (dump_.threads.empty()) {
    if (nul_bytes_ > 0) {
      *error = src + ": binary data (NUL bytes), not a text thread dump";
    } else {
      *error = src + ": no thread found in " + std::to_string(dump_.lines) +
               " line(s): expected a gdb/pstack header like `Thread 2 (Thread 0x7f... (LWP "
               "1234) \"name\"):` or `Thread 2 (LWP 1234):`, or an eu-stack `TID 1234:` line; "
               "line 1 is `" +
               first_line_ + "`";
    }
    return false;
  }
  if (current_lwp_) {
    for (Thread& t : dump_.threads) t.current = (t.lwp == *current_lwp_);
  }
  if (saw_capture_banner_ || !dump_.locks.empty()) dump_.format = DumpFormat::kCapture;
  *dump = std::move(dump_);
  dump_ = Dump{};
  return true;
}

bool ParseDump(std::string_view text, std::string source, Dump* dump, std::string* error) {
  DumpParser parser(std::move(source));
  parser.Feed(text);
  return parser.Finish(dump, error);
}

}  // namespace lockgraph::analyzer
