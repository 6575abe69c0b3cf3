// The dump parser's interactive-session transitions: the commands a paste
// echoes, the thread and frame gdb has selected, `info threads` rows and
// printed values; the transition table is in dump_parser.h.
#include <algorithm>
#include <string>

#include "dump_parser.h"
#include "text_scan.h"

namespace lockgraph::analyzer {

using namespace std::string_view_literals;

void DumpParser::OnCommand(std::string_view command) {
  echo_seen_ = true;
  SessionCommand c = ParseGdbCommand(command);
  // An empty line repeats the last command in gdb (`up`, `down`, `x`).
  if (scan::Trim(command).empty()) {
    c = last_command_;
    if (c.kind != CommandKind::kUp && c.kind != CommandKind::kDown &&
        c.kind != CommandKind::kExamine) {
      c = SessionCommand{};
    }
    command = last_command_text_;
  }
  expect_selection_ = false;
  print_pending_ = false;
  examine_unit_ = 0;
  examine_command_.clear();
  switch (c.kind) {
    case CommandKind::kThread: {
      // `thread N` selects thread N as gdb's "[Switching to thread ...]" does.
      ThreadHeader h;
      h.number = c.number;
      OnSwitch(h);
      break;
    }
    case CommandKind::kThreadApplyAll:
    case CommandKind::kInfoThreads:
      full_listing_ = true;
      break;
    case CommandKind::kBacktrace:
      // `thread apply all bt` with `set trace-commands on` echoes `+bt`
      // after each thread's header: that thread's backtrace.
      if (state_ == State::kHeader && building_ >= 0 && dump_.threads[building_].frames.empty()) {
        break;
      }
      building_ = selection_.thread;
      if (building_ >= 0) {
        restack_pending_ = !dump_.threads[building_].frames.empty();
        state_ = State::kHeader;
        grammar_ = Grammar::kGdb;
      } else {
        state_ = State::kPreamble;
      }
      break;
    case CommandKind::kFrame:
      if (c.number >= 0) {
        selection_.frame = c.number;
        selection_.frame_known = false;
        selection_.function.clear();
        selection_.args_text.clear();
        stored_selection_ = -1;
      }
      expect_selection_ = true;
      break;
    case CommandKind::kUp:
    case CommandKind::kDown:
      selection_.frame =
          std::max(0, selection_.frame + (c.kind == CommandKind::kUp ? c.number : -c.number));
      selection_.frame_known = false;
      selection_.function.clear();
      selection_.args_text.clear();
      stored_selection_ = -1;
      expect_selection_ = true;
      break;
    case CommandKind::kPrint:
      print_pending_ = true;
      pending_print_command_ = std::string(scan::Trim(command));
      break;
    case CommandKind::kExamine:
      examine_unit_ = c.unit;
      examine_command_ = std::string(scan::Trim(command));
      break;
    case CommandKind::kInfoRegisters:
    case CommandKind::kOther:
      break;
  }
  last_command_ = c;
  last_command_text_ = std::string(scan::Trim(command).substr(0, 256));
}

void DumpParser::OnSwitch(const ThreadHeader& header) {
  bool added = false;
  const int index = FindOrAddThread(header, &added);
  if (added) partial_listing_ = true;
  selection_ = SessionContext{};
  selection_.thread = index;
  stored_selection_ = -1;
  building_ = index;
  restack_pending_ = !dump_.threads[index].frames.empty();
  state_ = State::kHeader;
  grammar_ = Grammar::kGdb;
  expect_selection_ = true;
  if (dump_.format == DumpFormat::kUnknown) dump_.format = DumpFormat::kGdb;
}

void DumpParser::OnInfoThreadsRow(const ThreadHeader& header, bool current, Frame frame) {
  full_listing_ = true;
  bool added = false;
  const int index = FindOrAddThread(header, &added);
  last_row_thread_ = index;
  Thread& t = dump_.threads[index];
  if (t.frames.empty()) {
    t.frames.push_back(std::move(frame));
    t.stack = StackSource::kCurrentFrame;
  }
  if (current) {
    current_lwp_ = t.lwp;
    if (selection_.thread != index) {
      selection_ = SessionContext{};
      selection_.thread = index;
      stored_selection_ = -1;
    }
  }
  // Frames that follow belong to no thread until something says which.
  building_ = -1;
  state_ = State::kPreamble;
  if (dump_.format == DumpFormat::kUnknown) dump_.format = DumpFormat::kGdb;
}

int DumpParser::StoreSelection() {
  // Every change of selection_ resets stored_selection_: a thousand values
  // printed in one frame share one stored copy of it.
  if (stored_selection_ < 0) {
    dump_.contexts.push_back(selection_);
    stored_selection_ = static_cast<int>(dump_.contexts.size()) - 1;
  }
  return stored_selection_;
}

void DumpParser::SelectFrame(const Frame& frame) {
  selection_.frame = frame.index;
  selection_.frame_known = true;
  selection_.function = frame.function;
  selection_.args_text = frame.args_text;
  stored_selection_ = -1;
}

bool DumpParser::JoinWrappedRow(std::string_view text, int indent) {
  Thread& t = dump_.threads[last_row_thread_];
  if (t.stack != StackSource::kCurrentFrame || t.frames.size() != 1 || last_row_joins_ >= 16) {
    return false;
  }
  const Frame& f = t.frames.front();
  // gdb wraps a long row at the terminal width, indenting the rest.
  if (!f.cut && !(f.file.empty() && f.library.empty() &&
                  (text.starts_with("at "sv) || text.starts_with("from "sv)))) {
    return false;
  }
  // gdb indents its continuation; a tracker's break keeps no space.
  std::string joined = last_row_text_ + (indent > 0 ? " " : "") + std::string(text);
  ThreadHeader h;
  bool current = false;
  Frame frame;
  if (joined.size() > kMaxLineLength || !ParseInfoThreadsRow(joined, &h, &current, &frame)) {
    return false;
  }
  t.frames.front() = std::move(frame);
  last_row_text_ = std::move(joined);
  ++last_row_joins_;
  return true;
}

void DumpParser::OnValue(int history, std::string_view value) {
  PrintedValue& v = dump_.printed.emplace_back();
  v.history = history;
  if (print_pending_) {
    v.command = pending_print_command_;
    SessionCommand c = ParseGdbCommand(v.command);
    v.expression = std::string(scan::Trim(c.expression));
    v.hex = c.hex;
    print_pending_ = false;
  }
  v.value = std::string(value);
  v.context = StoreSelection();
  v.line = dump_.lines;
  open_value_ = static_cast<int>(dump_.printed.size()) - 1;
  value_depth_ = 0;
  value_quote_ = 0;
  value_lines_ = 0;
  // Measures the first line: the value stays open while its braces are.
  ContinueValue({});
}

bool DumpParser::ContinueValue(std::string_view text) {
  if (open_value_ < 0) return false;
  PrintedValue& v = dump_.printed[open_value_];
  std::string_view scan = v.value;
  if (!text.empty()) {
    // A new prompt, value, frame or header is never part of a value.
    if (text.starts_with("$"sv) || text.starts_with("#"sv) || text.starts_with("Thread "sv) ||
        ++value_lines_ > 256 || v.value.size() + text.size() > kMaxLineLength) {
      EndValue();
      return false;
    }
    v.value += ' ';
    const size_t from = v.value.size();
    v.value += text;
    scan = std::string_view(v.value).substr(from);
  }
  for (size_t i = 0; i < scan.size(); ++i) {
    const char c = scan[i];
    if (value_quote_) {
      if (c == '\\') {
        ++i;
      } else if (c == value_quote_) {
        value_quote_ = 0;
      }
    } else if (c == '"' || c == '\'') {
      value_quote_ = c;
    } else if (c == '{') {
      ++value_depth_;
    } else if (c == '}') {
      --value_depth_;
    }
  }
  if (value_depth_ <= 0) {
    EndValue();
    return !text.empty();
  }
  return true;
}

void DumpParser::EndValue() {
  open_value_ = -1;
  value_depth_ = 0;
  value_quote_ = 0;
}

}  // namespace lockgraph::analyzer
