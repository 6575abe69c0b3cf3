// The end of the input: what makes a dump unreadable and what only looks
// cut short, and bare backtraces that another thread of the dump shows.
#include <algorithm>
#include <cstdio>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "dump_parser.h"
#include "dump_parser_internal.h"

namespace lockgraph::analyzer {

using parser_internal::SameFrame;

namespace {

// How a message names a thread: `LWP 7`, `gdb thread 3`, or `a thread`.
std::string ThreadInMessage(const Thread& t) {
  if (t.lwp != 0) return "LWP " + std::to_string(t.lwp);
  if (t.number > 0) return "gdb thread " + std::to_string(t.number);
  return "a thread";
}

// The identity of a frame line, for finding the same stack printed twice.
std::string FrameKey(const Frame& f) {
  return f.function + '\x1f' + f.args_text + '\x1f' + f.file + ':' + std::to_string(f.line) +
         '\x1f' + f.library;
}

bool SameFunctions(const Thread& prefix, const Thread& of) {
  if (prefix.frames.size() > of.frames.size()) return false;
  for (size_t k = 0; k < prefix.frames.size(); ++k) {
    if (!SameFrame(prefix.frames[k], of.frames[k])) return false;
  }
  return true;
}

}  // namespace

void DumpParser::ResolveAnonymousThreads() {
  std::vector<Thread>& threads = dump_.threads;
  // A core file's first frame, then `[Current thread is 1 (... (LWP n))]`:
  // that names the bare frame's thread, unless the dump shows it anyway.
  if (anonymous_before_current_ >= 0 && current_header_ &&
      !threads[anonymous_before_current_].id_known && FindThread(*current_header_) < 0) {
    Thread& t = threads[anonymous_before_current_];
    t.id_known = true;
    t.lwp = current_header_->lwp.value_or(0);
    t.pthread = current_header_->pthread;
    t.number = current_header_->number;
    if (t.lwp == 0) ++threads_without_lwp_;
    IndexThread(anonymous_before_current_);
  }
  const int n = static_cast<int>(threads.size());
  if (std::all_of(threads.begin(), threads.end(), [](const Thread& t) { return t.id_known; })) {
    return;
  }
  std::unordered_map<std::string, std::vector<int>> by_first_frame;
  for (int i = 0; i < n; ++i) {
    if (!threads[i].frames.empty()) by_first_frame[FrameKey(threads[i].frames[0])].push_back(i);
  }
  std::vector<int> remap(n);
  for (int i = 0; i < n; ++i) remap[i] = i;
  std::vector<bool> drop(n, false);
  for (int a = 0; a < n; ++a) {
    Thread& anon = threads[a];
    if (anon.id_known || anon.frames.empty()) continue;
    const std::vector<int>& same_start = by_first_frame[FrameKey(anon.frames[0])];
    int shown_by = -1, matches = 0, listed = -1, listed_matches = 0;
    for (size_t k = 0; k < same_start.size() && k < 16; ++k) {
      const int c = same_start[k];
      if (c == a || drop[c]) continue;
      const Thread& other = threads[c];
      if ((other.id_known || c < a) && SameFunctions(anon, other)) {
        if (shown_by < 0) shown_by = c;
        ++matches;
      } else if (other.id_known && other.stack == StackSource::kCurrentFrame &&
                 SameFunctions(other, anon)) {
        listed = c;
        ++listed_matches;
      }
    }
    if (shown_by >= 0) {
      // The same thread printed twice (a `bt` pasted beside `thread apply
      // all bt`): keep the thread whose id is known. What was printed in its
      // context belongs to that thread only when it is the only match.
      drop[a] = true;
      remap[a] = matches == 1 ? shown_by : -1;
    } else if (listed_matches == 1) {
      // `info threads` showed this frame for one thread only: the bare
      // backtrace is that thread's.
      threads[listed].frames = std::move(anon.frames);
      threads[listed].stack = StackSource::kBacktrace;
      threads[listed].inner_frames_missing = anon.inner_frames_missing;
      threads[listed].outer_frames_missing = anon.outer_frames_missing;
      threads[listed].truncated = anon.truncated;
      drop[a] = true;
      remap[a] = listed;
    }
  }
  if (std::find(drop.begin(), drop.end(), true) == drop.end()) return;
  std::vector<int> position(n, -1);
  std::vector<Thread> kept;
  kept.reserve(n);
  for (int i = 0; i < n; ++i) {
    if (drop[i]) continue;
    position[i] = static_cast<int>(kept.size());
    kept.push_back(std::move(threads[i]));
  }
  auto moved = [&](int index) {
    if (index < 0) return -1;
    const int target = remap[index];
    return target < 0 ? -1 : position[target];
  };
  for (SessionContext& c : dump_.contexts) c.thread = moved(c.thread);
  threads = std::move(kept);
}

bool DumpParser::Finish(Dump* dump, std::string* error) {
  const bool cut_mid_line = unterminated_ && (!partial_.empty() || partial_overflow_);
  if (cut_mid_line) ProcessLine(partial_);
  partial_.clear();
  const std::string& src = dump_.source;
  static constexpr char kExpected[] =
      "expected a thread dump or a pasted backtrace: frame lines like `#0  0x00007f... in f () "
      "at x.c:1` (gdb `bt` or `thread apply all bt`, with or without headers like `Thread 2 "
      "(Thread 0x7f... (LWP 1234) \"name\"):` or `Thread 2 (LWP 1234):`; pstack), an `info "
      "threads` table, eu-stack (`TID 1234:` then frames), `lockgraph capture` output, or the "
      "`lockgraph-gdb:` lines of lockgraph's gdb extension";
  if (bytes_ == 0) {
    *error = src + ": empty input (no line 1): " + kExpected;
    return false;
  }
  const bool any_frames = std::any_of(dump_.threads.begin(), dump_.threads.end(),
                                      [](const Thread& t) { return !t.frames.empty(); });
  if (!any_frames && (!dump_.registry.empty() || !dump_.registry_deadlocks.empty())) {
    dump_.threads.clear();
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
               "` is not part of a thread dump, and no frame was found in " +
               std::to_string(dump_.lines) + " line(s); " + kExpected;
    } else {
      *error = src + ": no frame found in " + std::to_string(dump_.lines) +
               " line(s), all of them debugger messages or commands (line " +
               std::to_string(first_line_number_ > 0 ? first_line_number_ : 1) + " is `" +
               first_line_ + "`); " + kExpected;
    }
    return false;
  }
  if (!any_frames && dump_.format != DumpFormat::kGdbExtension) {
    const Thread& first = dump_.threads.front();
    *error = src + ": line " + std::to_string(first.header_line) + ": thread header of " +
             ThreadInMessage(first) + " is not followed by any frame, nor is any other " +
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
                             "there; " +
                             ThreadInMessage(last) + " may be missing frames");
  } else if (state_ == State::kHeader && building_ == static_cast<int>(dump_.threads.size()) - 1 &&
             last.frames.empty() && last.stack == StackSource::kBacktrace &&
             dump_.format != DumpFormat::kGdbExtension) {
    dump_.warnings.push_back("line " + std::to_string(last.header_line) + ": the last thread (" +
                             ThreadInMessage(last) +
                             ") has no frames: the dump looks cut short after it");
  }
  if (binary_at_) {
    dump_.warnings.push_back("line " + std::to_string(binary_line_) + ": binary data at offset " +
                             std::to_string(*binary_at_) + " (skipped)");
  }
  ResolveAnonymousThreads();
  for (Thread& t : dump_.threads) {
    if (t.frames.empty()) t.stack = StackSource::kNone;
  }
  if (current_lwp_) {
    for (Thread& t : dump_.threads) t.current = (t.lwp != 0 && t.lwp == *current_lwp_);
  }
  if (saw_capture_banner_ || !dump_.locks.empty()) dump_.format = DumpFormat::kCapture;
  if (dump_.format == DumpFormat::kEuStack) full_listing_ = true;
  for (const Thread& t : dump_.threads) partial_listing_ = partial_listing_ || !t.id_known;
  dump_.all_threads = full_listing_ || !partial_listing_;
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

}  // namespace lockgraph::analyzer
