// The dump parser's state machine; the transition table is in dump_parser.h.
#include "dump_parser.h"

#include <algorithm>
#include <cstdio>
#include <unordered_set>
#include <utility>

#include "dump_parser_internal.h"
#include "line_grammar.h"
#include "paste_line.h"
#include "session_grammar.h"
#include "text_scan.h"

namespace lockgraph::analyzer {
namespace {

using parser_internal::SameFrame;

using namespace std::string_view_literals;

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
  // Locals and frames, most of a dump, start with none of the prefixes' letters.
  if (std::string_view("[wRU(CPDNALMl").find(s.front()) == std::string_view::npos) return false;
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

std::vector<NamedValue> Frame::Args() const {
  std::vector<NamedValue> args = ParseArgs(args_text);
  // The last argument of a cut line may be a prefix of the real one
  // (`mutex=0x5555` of `mutex=0x555555558080`): never trust it.
  if (cut && !args.empty()) args.pop_back();
  return args;
}

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

int DumpParser::FindThread(const ThreadHeader& header) {
  if (header.lwp && *header.lwp != 0) {
    if (auto it = by_lwp_.find(*header.lwp); it != by_lwp_.end()) return it->second;
    // Only a thread the dump does not know the LWP of can be it (the common
    // case, every header with an LWP, needs one lookup).
    if (threads_without_lwp_ == 0) return -1;
  }
  if (!secondary_index_) {
    secondary_index_ = true;
    for (int i = 0; i < static_cast<int>(dump_.threads.size()); ++i) IndexThread(i);
  }
  if (header.pthread) {
    if (auto it = by_pthread_.find(*header.pthread); it != by_pthread_.end()) return it->second;
  }
  // By gdb's number only when one side does not know the LWP (`thread 3`
  // typed before gdb said which LWP thread 3 is).
  if (header.number > 0) {
    if (auto it = by_number_.find(header.number); it != by_number_.end()) {
      const Thread& t = dump_.threads[it->second];
      if (t.lwp == 0 || !header.lwp) return it->second;
    }
  }
  return -1;
}

void DumpParser::IndexThread(int index) {
  const Thread& t = dump_.threads[index];
  if (t.lwp != 0) by_lwp_.emplace(t.lwp, index);
  if (!secondary_index_) return;
  if (t.pthread) by_pthread_.emplace(*t.pthread, index);
  if (t.number > 0) by_number_.emplace(t.number, index);
}

int DumpParser::FindOrAddThread(const ThreadHeader& header, bool* added) {
  int index = FindThread(header);
  *added = index < 0;
  if (index < 0) {
    index = static_cast<int>(dump_.threads.size());
    Thread& t = dump_.threads.emplace_back();
    t.header_line = dump_.lines;
    t.stack = StackSource::kNone;
  }
  // What this line says that the thread did not know yet.
  Thread& t = dump_.threads[index];
  const bool had_lwp = !*added && t.lwp != 0;
  if (t.lwp == 0 && header.lwp) t.lwp = *header.lwp;
  if (!t.pthread && header.pthread) t.pthread = header.pthread;
  if (t.number == 0 && header.number > 0) t.number = header.number;
  if (t.name.empty() && !header.name.empty()) t.name = header.name;
  if (t.lwp == 0 && (*added || had_lwp)) ++threads_without_lwp_;
  if (t.lwp != 0 && !*added && !had_lwp) --threads_without_lwp_;
  IndexThread(index);
  return index;
}

void DumpParser::StartThread(Grammar grammar, const ThreadHeader& header, bool label) {
  grammar_ = grammar;
  bool added = false;
  building_ = FindOrAddThread(header, &added);
  Thread& t = dump_.threads[building_];
  // A header printed again replaces the stack it had, unless it is the same.
  restack_pending_ = !added && !t.frames.empty();
  if (added) t.stack = StackSource::kBacktrace;
  state_ = State::kHeader;
  last_line_in_stack_ = true;
  if (label) partial_listing_ = true;
  if (dump_.format == DumpFormat::kUnknown) {
    dump_.format = grammar == Grammar::kGdb ? DumpFormat::kGdb : DumpFormat::kEuStack;
  }
}

int DumpParser::StartAnonymousThread() {
  const int index = static_cast<int>(dump_.threads.size());
  Thread& t = dump_.threads.emplace_back();
  t.id_known = false;
  t.header_line = dump_.lines;
  building_ = index;
  restack_pending_ = false;
  state_ = State::kHeader;
  // A bare `bt` shows the thread gdb has selected.
  selection_.thread = index;
  stored_selection_ = -1;
  if (dump_.format == DumpFormat::kUnknown) dump_.format = DumpFormat::kGdb;
  return index;
}

namespace {

// Where frame #index is in `t`: usually at position index. Frames are
// appended in increasing number, so a paste with gaps is searched in log time.
Frame* FindFrame(Thread& t, int index) {
  if (index < static_cast<int>(t.frames.size()) && t.frames[index].index == index) {
    return &t.frames[index];
  }
  auto it = std::lower_bound(t.frames.begin(), t.frames.end(), index,
                             [](const Frame& f, int i) { return f.index < i; });
  return it != t.frames.end() && it->index == index ? &*it : nullptr;
}

}  // namespace

bool DumpParser::OnFrameLine(std::string_view text, int indent, int previous_frame_index) {
  const bool eu_stack = building_ >= 0 && grammar_ == Grammar::kEuStack;
  Frame frame;
  bool ok = eu_stack ? ParseEuStackFrame(text, &frame) : ParseGdbFrame(text, &frame);
  // eu-stack prints frames of unknown functions the gdb way never, but a
  // pasted mix happens: try the other grammar before giving up.
  if (!ok) ok = eu_stack ? ParseGdbFrame(text, &frame) : ParseEuStackFrame(text, &frame);
  if (!ok) return false;
  const bool selection_line = expect_selection_;
  expect_selection_ = false;

  if (building_ < 0) {
    // A frame before any header: gdb's selected thread when its current
    // frame is this one, otherwise a backtrace nobody said the thread of.
    const int selected = selection_.thread;
    if (selected >= 0 && frame.index == 0 &&
        (dump_.threads[selected].frames.empty() ||
         SameFrame(dump_.threads[selected].frames.front(), frame))) {
      building_ = selected;
      restack_pending_ = false;
      state_ = State::kHeader;
    } else {
      StartAnonymousThread();
    }
    grammar_ = Grammar::kGdb;
  }
  Thread* t = &dump_.threads[building_];
  if (restack_pending_) {
    restack_pending_ = false;
    if (frame.index == 0 && !t->frames.empty() && !SameFrame(t->frames.front(), frame)) {
      t->frames.clear();
      t->truncated = false;
      t->outer_frames_missing = false;
      t->inner_frames_missing = false;
      state_ = State::kHeader;
    }
  }
  const int last = t->frames.empty() ? -1 : t->frames.back().index;
  if (state_ == State::kStopped && frame.index > last) return false;  // gdb printed no more

  if (frame.index <= last) {
    Frame* same = FindFrame(*t, frame.index);
    if (same != nullptr && SameFrame(*same, frame)) {
      // The same frame printed again: by `frame N`, `up`, a second `bt`, or
      // `bt full` after `bt`. Keep the fuller copy of each part.
      if (same->locals.empty()) same->locals = std::move(frame.locals);
      if ((same->cut && !frame.cut) || same->args_text.size() < frame.args_text.size()) {
        same->args_text = frame.args_text;
        same->cut = frame.cut;
      }
      if (same->file.empty()) {
        same->file = frame.file;
        same->line = frame.line;
      }
      // Without echoed commands, a lone frame line that is not the next of a
      // run of frames is gdb showing the frame `frame N` or `up` selected.
      if (selection_line || (!echo_seen_ && previous_frame_index != frame.index - 1)) {
        SelectFrame(*same);
        if (selection_.thread < 0) {
          selection_.thread = building_;
          stored_selection_ = -1;
        }
      }
      state_ = State::kFrames;
      last_frame_index_ = frame.index;
      last_frame_indent_ = indent;
      last_frame_text_.assign(text);
      last_frame_joins_ = 0;
      last_line_in_stack_ = true;
      return true;
    }
    // A different stack: another bare backtrace.
    t = &dump_.threads[StartAnonymousThread()];
    grammar_ = Grammar::kGdb;
  }
  if (selection_line && t->frames.empty() && frame.index > 0) {
    // `frame 3` for a thread whose backtrace is not in the paste: remember
    // the frame for what is printed next, but it is not frame #0.
    SelectFrame(frame);
    return true;
  }
  if ((t->frames.empty() && frame.index > 0) ||
      (!t->frames.empty() && frame.index > t->frames.back().index + 1)) {
    t->inner_frames_missing = true;
  }
  if (selection_line) {
    SelectFrame(frame);
    t->stack = t->frames.empty() ? StackSource::kCurrentFrame : StackSource::kBacktrace;
  } else if (frame.index > 0 || t->stack == StackSource::kNone) {
    t->stack = StackSource::kBacktrace;
  }
  t->frames.push_back(std::move(frame));
  state_ = State::kFrames;
  last_frame_index_ = t->frames.back().index;
  last_frame_indent_ = indent;
  last_frame_text_.assign(text);
  last_frame_joins_ = 0;
  last_line_in_stack_ = true;
  return true;
}

bool DumpParser::JoinWrappedFrame(std::string_view text, int indent, int previous_frame_index) {
  if (building_ < 0 || dump_.threads[building_].frames.empty()) return false;
  Thread& t = dump_.threads[building_];
  Frame& last = t.frames.back();
  if (last.index != previous_frame_index || last_frame_joins_ >= 16) return false;
  std::string joined;
  if (last.cut) {
    // A tracker broke the line inside the argument list; an indented
    // continuation kept the space it broke at.
    joined = last_frame_text_ + (indent > 0 ? " " : "") + std::string(text);
  } else if (last.file.empty() && last.library.empty() &&
             (text.starts_with("at "sv) || text.starts_with("from "sv))) {
    // gdb itself wraps a long frame before ` at FILE:LINE` at the terminal width.
    joined = last_frame_text_ + " " + std::string(text);
  } else if (!last.file.empty() && last.line == 0 && text.find(' ') == std::string_view::npos) {
    joined = last_frame_text_ + std::string(text);  // broken inside the file name
  } else {
    return false;
  }
  if (joined.size() > kMaxLineLength) return false;
  Frame frame;
  if (!ParseGdbFrame(joined, &frame) || frame.index != last.index) return false;
  frame.locals = std::move(last.locals);
  last = std::move(frame);
  last_frame_text_ = std::move(joined);
  ++last_frame_joins_;
  last_frame_index_ = last.index;
  last_line_in_stack_ = true;
  return true;
}

void DumpParser::ProcessLine(std::string_view raw) {
  ++dump_.lines;
  // Set again below for lines that belong to a thread's stack.
  last_line_in_stack_ = false;
  const int previous_frame_index = last_frame_index_;
  last_frame_index_ = -1;
  const int previous_row_thread = last_row_thread_;
  last_row_thread_ = -1;
  if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
  if (first_line_number_ == 0 && !raw.empty()) {
    first_line_number_ = dump_.lines;
    first_line_ = Printable(raw);
  }
  const PasteLine pasted = UnwrapPasteLine(raw);
  if (pasted.fence) {
    EndValue();
    return;
  }
  if (pasted.prompt) {
    EndValue();
    OnCommand(pasted.command);
    return;
  }
  const std::string_view line = pasted.text;
  if (line.empty()) {
    EndValue();
    return;
  }
  if (open_value_ >= 0 && ContinueValue(line)) return;
  // `set trace-commands on` echoes each command as `+CMD` (gdb -batch -ex
  // output has no prompts): a command when it is one gdb knows.
  if (line.front() == '+' && ParseGdbCommand(line.substr(1)).kind != CommandKind::kOther) {
    EndValue();
    OnCommand(line.substr(1));
    return;
  }

  // Most lines are frames and locals: only lines that start like a header
  // or notice go through the comparisons below.
  const char first = line.front();
  const bool notice = first == 'T' || first == 't' || first == 'L' || first == 'P' ||
                      first == '[' || first == 'l' || first == '$';
  if (!notice) {
    // Frames, locals and the rest: below.
  } else if (line.starts_with("Thread "sv) || line.starts_with("thread "sv) ||
             line.starts_with("LWP "sv)) {
    if (line.starts_with("Thread "sv)) {
      if (auto h = ParseGdbThreadHeader(line)) {
        StartThread(Grammar::kGdb, *h, /*label=*/false);
        return;
      }
    }
    if (auto h = ParseThreadLabel(line)) {
      StartThread(Grammar::kGdb, *h, /*label=*/true);
      return;
    }
  } else if (line.starts_with("TID "sv)) {
    if (auto tid = ParseEuStackTid(line)) {
      ThreadHeader h;
      h.lwp = *tid;
      StartThread(Grammar::kEuStack, h, /*label=*/false);
      return;
    }
  } else if (line.starts_with("PID "sv)) {
    if (auto pid = ParseEuStackPid(line)) {
      dump_.pid = *pid;
      full_listing_ = true;
      return;
    }
  } else if (line.starts_with("[lockgraph] "sv)) {
    LockRecord record;
    if (ParseLockRecord(line, &record)) {
      record.line = dump_.lines;
      dump_.locks.push_back(std::move(record));
    } else if (line.starts_with("[lockgraph] capture"sv)) {
      saw_capture_banner_ = true;
      full_listing_ = true;
      // `[lockgraph] capture of pid N`
      std::string_view rest = line.substr(std::string_view("[lockgraph] capture").size());
      if (rest.starts_with(" of pid "sv)) {
        if (auto pid = ParseInteger(rest.substr(8))) dump_.pid = *pid;
      }
    }
    return;
  } else if (line.starts_with("lockgraph-gdb: "sv)) {
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
  } else if (line.starts_with("[Current thread is "sv)) {
    current_lwp_ = ParseCurrentThreadLwp(line);
    current_header_ = ParseCurrentThread(line);
    if (building_ >= 0 && !dump_.threads[building_].id_known) {
      anonymous_before_current_ = building_;
    }
    return;
  } else if (line.starts_with("[Switching to thread "sv)) {
    if (auto h = ParseSwitchingToThread(line)) OnSwitch(*h);
    return;
  } else if (line.starts_with("$"sv)) {
    int history = 0;
    std::string_view value;
    if (ParseHistoryValue(line, &history, &value)) {
      OnValue(history, value);
      return;
    }
  }

  if (line.starts_with("#"sv)) {
    if (!OnFrameLine(line, pasted.indent, previous_frame_index)) Ignore(line);
    return;
  }
  if (line.starts_with("Backtrace stopped"sv)) {
    if (building_ >= 0 && (state_ == State::kHeader || state_ == State::kFrames)) {
      dump_.threads[building_].truncated = true;
      state_ = State::kStopped;
    }
    return;
  }
  if (line.starts_with("(More stack frames follow"sv)) {
    if (building_ >= 0) dump_.threads[building_].outer_frames_missing = true;
    return;
  }
  if (line.front() == '*' || scan::IsDigit(line.front())) {
    ThreadHeader h;
    bool current = false;
    Frame frame;
    if (ParseInfoThreadsRow(line, &h, &current, &frame)) {
      OnInfoThreadsRow(h, current, std::move(frame));
      last_row_text_.assign(line);
      last_row_joins_ = 0;
      return;
    }
  }
  if (line.starts_with("0x"sv)) {
    MemoryWords words;
    if (ParseMemoryLine(line, examine_unit_, &words)) {
      words.command = examine_command_;
      words.line = dump_.lines;
      dump_.memory.push_back(std::move(words));
      return;
    }
  }
  if (IsNoise(line)) return;
  if (previous_row_thread >= 0) {
    last_row_thread_ = previous_row_thread;
    if (JoinWrappedRow(line, pasted.indent)) return;
    last_row_thread_ = -1;
  }
  if (building_ >= 0 && state_ == State::kFrames) {
    if (grammar_ == Grammar::kGdb) {
      if (previous_frame_index >= 0 &&
          JoinWrappedFrame(line, pasted.indent, previous_frame_index)) {
        return;
      }
      NamedValue local;
      // Locals are indented under their frame; a tracker that strips
      // indentation leaves them level with it.
      if ((pasted.indent > last_frame_indent_ || pasted.indent == 0) &&
          ParseLocalText(line, &local)) {
        dump_.threads[building_].frames.back().locals.push_back(std::move(local));
        last_line_in_stack_ = true;
        return;
      }
    } else {
      Frame& last = dump_.threads[building_].frames.back();
      if (last.file.empty() && pasted.indent > last_frame_indent_ &&
          ParseEuStackSourceText(line, &last.file, &last.line)) {
        last_line_in_stack_ = true;
        return;
      }
    }
  }
  {
    // After the locals: a bt full has thousands of them, registers are rare.
    std::string_view name;
    uint64_t value = 0;
    if (ParseRegisterLine(line, &name, &value)) {
      // rdi holds the futex word at a futex() call on x86-64: the lock a
      // waiter sleeps on, when its frames show no arguments.
      if (name == "rdi") {
        dump_.registers.push_back(
            RegisterValue{std::string(name), value, StoreSelection(), dump_.lines});
      }
      return;
    }
  }
  Ignore(line);
}

bool ParseDump(std::string_view text, std::string source, Dump* dump, std::string* error) {
  DumpParser parser(std::move(source));
  parser.Feed(text);
  return parser.Finish(dump, error);
}

}  // namespace lockgraph::analyzer
