// Reads a thread dump, streaming, one line at a time, in time linear in its
// size: gdb `thread apply all bt` / `bt full` (live process or core file),
// pstack, eu-stack (with or without -i, -m, -s), `lockgraph capture`
// output, and what people paste of an interactive gdb session: a bare `bt`,
// `thread N` + `bt`, `info threads`, `frame N` + `p *mutex`, `x/8wx`,
// `info registers`, quoted, indented or fenced (paste_line.h), wrapped or cut.
//
// Every line is first unwrapped from its paste decoration; a `(gdb) CMD`
// prompt (or `+CMD`, as `set trace-commands on` echoes it) updates the session state (which thread and frame gdb has
// selected, what the next `$N =` or `x` line is the output of). Then one
// transition per line; a line no rule matches is counted and skipped, so
// gdb's chatter, shell lines and interleaved `[New LWP n]` lines never break
// a thread apart:
//
//   state       line                          action / next state
//   ---------   ---------------------------   ----------------------------------
//   any         gdb/pstack thread header      start (or resume) a thread    -> kHeader
//               or label `Thread n:`
//   any         eu-stack `TID n:`             start an eu-stack thread      -> kHeader
//   any         `[Switching to thread ...]`   select that thread            -> kHeader
//   any         `info threads` row            a thread with its current frame
//   any         `$N = VALUE` (+ lines until   a printed value, with the selection
//               its braces balance)
//   any         `0xADDR <sym>: WORDS`         memory words (`x`)
//   any         `REG  0xHEX  ...`             a register of the selection (`info registers`)
//   any         `PID n - process`             remember the pid
//   any         `[Current thread is ...]`     mark that thread current (at the end)
//   any         `[lockgraph] lock ...`        keep the lock record
//   any         `lockgraph-gdb: ...`          keep the gdb extension's fact (RegistryFact)
//   any         `[...]`, blank, `warning:`... skip
//   kPreamble   frame                         a frame of gdb's selected thread when its
//                                             current frame matches, else of a new
//                                             thread whose id the paste does not say
//   kHeader/    frame #k                      k = next: append; k <= last and the same
//    kFrames                                  function: the same frame printed again
//                                             (`frame k`, `bt` again, `bt full`); else a
//                                             new bare backtrace          -> kFrames
//   kFrames     `<indent>NAME = VALUE`        a local of the last frame (bt full)
//   kFrames     `<indent>FILE:LINE:COL`       the last frame's source (eu-stack -s)
//   kFrames     the rest of a wrapped frame   joined to it (`    at x.c:1`, or a
//                                             frame whose argument list is open)
//   kHeader/    `Backtrace stopped: ...`      mark truncated             -> kStopped
//    kFrames
//   kStopped    frame past the last           skip (gdb printed no more of this thread)
//
// At the end, a thread of unknown id whose frames another thread of the dump
// also shows is the same thread printed twice and is dropped.
//
// The dump is unreadable (Finish() fails) when it is empty, binary, or has
// not a single frame; the message names the line where reading failed (the
// binary byte, the first line no rule matched, or the frameless header) and
// says what was expected. A dump that is readable but looks cut short (its
// last line has no newline inside a thread, or its last thread has no
// frames) is read, with a warning in Dump::warnings naming the line.
#ifndef LOCKGRAPH_ANALYZER_SRC_DUMP_PARSER_H_
#define LOCKGRAPH_ANALYZER_SRC_DUMP_PARSER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dump.h"
#include "line_grammar.h"
#include "session_grammar.h"

namespace lockgraph::analyzer {

class DumpParser {
 public:
  // `source` names the input in messages ("-" for stdin).
  explicit DumpParser(std::string source);

  // Feeds the next bytes; lines may be split across calls.
  void Feed(std::string_view bytes);
  // Ends the input. On success moves the dump into `*dump`; otherwise returns
  // false and says why in `*error`.
  bool Finish(Dump* dump, std::string* error);

  // Lines longer than this are cut (the rest is dropped, the line still counts).
  static constexpr size_t kMaxLineLength = 64 * 1024;

 private:
  enum class State { kPreamble, kHeader, kFrames, kStopped };
  enum class Grammar { kGdb, kEuStack };

  void ProcessLine(std::string_view line);
  // Counts a line no rule matched and remembers the first for the error message.
  void Ignore(std::string_view line);

  // Threads by identity: a thread printed again (a header after `info
  // threads`, `thread apply all bt` after `thread 3` + `bt`) is the same one.
  int FindThread(const ThreadHeader& header);
  int FindOrAddThread(const ThreadHeader& header, bool* added);
  void IndexThread(int index);
  void StartThread(Grammar grammar, const ThreadHeader& header, bool label);
  int StartAnonymousThread();
  void AddRegistryOnlyThreads();

  void OnCommand(std::string_view command);
  void OnSwitch(const ThreadHeader& header);
  void OnInfoThreadsRow(const ThreadHeader& header, bool current, Frame frame);
  bool OnFrameLine(std::string_view text, int indent, int previous_frame_index);
  void OnValue(int history, std::string_view value);
  // A line after an unbalanced `$N = {...`; false when it cannot be one.
  bool ContinueValue(std::string_view text);
  void EndValue();
  // The rest of a frame the terminal or a tracker wrapped onto this line.
  bool JoinWrappedFrame(std::string_view text, int indent, int previous_frame_index);
  // The same for the frame of an `info threads` row.
  bool JoinWrappedRow(std::string_view text, int indent);
  void SelectFrame(const Frame& frame);
  // The selection as an index into Dump::contexts, stored when it changed.
  int StoreSelection();
  // End of input: drop bare backtraces printed twice, name the current one.
  void ResolveAnonymousThreads();

  Dump dump_;
  State state_ = State::kPreamble;
  Grammar grammar_ = Grammar::kGdb;
  std::string partial_;  // an unfinished line carried between Feed calls
  bool partial_overflow_ = false;
  bool unterminated_ = false;        // the bytes fed so far end inside a line
  bool last_line_in_stack_ = false;  // the last line was a header, frame or local
  uint64_t bytes_ = 0;
  // The first byte no text dump has, for the error message (and a warning
  // when the rest is a readable dump).
  std::optional<uint64_t> binary_at_;
  unsigned char binary_byte_ = 0;
  int binary_line_ = 0;
  int first_line_number_ = 0;  // the first non-empty line, for the error message
  std::string first_line_;
  int first_ignored_line_ = 0;  // the first line no rule matched
  std::string first_ignored_;
  std::optional<int64_t> current_lwp_;
  std::optional<ThreadHeader> current_header_;  // `[Current thread is ...]`
  int anonymous_before_current_ = -1;           // the bare backtrace just before it
  bool saw_capture_banner_ = false;

  // The thread receiving frames, or -1.
  int building_ = -1;
  // Its next `#0` starts its stack over when it differs from the one it has.
  bool restack_pending_ = false;
  std::unordered_map<int64_t, int> by_lwp_;
  std::unordered_map<uint64_t, int> by_pthread_;
  std::unordered_map<int, int> by_number_;
  // by_pthread_ and by_number_ are built on the first lookup that needs
  // them: a dump of headers with LWPs never does.
  bool secondary_index_ = false;
  int threads_without_lwp_ = 0;  // identified threads (not bare backtraces) with no LWP yet

  // What gdb has selected, and what the next output lines answer.
  SessionContext selection_;
  int stored_selection_ = -1;      // the last context stored; compared before storing again
  bool echo_seen_ = false;         // the paste has `(gdb) CMD` lines
  bool expect_selection_ = false;  // the next frame line shows the selected frame
  SessionCommand last_command_;
  std::string last_command_text_;
  bool print_pending_ = false;  // a print command awaits its `$N =`
  std::string pending_print_command_;
  int examine_unit_ = 0;
  std::string examine_command_;
  int open_value_ = -1;  // index into dump_.printed of a value whose braces are open
  int value_depth_ = 0;
  char value_quote_ = 0;
  int value_lines_ = 0;
  bool full_listing_ = false;     // `info threads`, `thread apply all`, eu-stack, a capture
  bool partial_listing_ = false;  // bare backtraces, `thread N`, labels

  // The last frame line, for joining what a terminal or tracker wrapped.
  int last_frame_index_ = -1;  // its #N, or -1 when the last line was not a frame
  int last_frame_indent_ = 0;
  std::string last_frame_text_;
  int last_frame_joins_ = 0;
  // The last `info threads` row, when the last line was one.
  int last_row_thread_ = -1;
  std::string last_row_text_;
  int last_row_joins_ = 0;
};

// Parses a whole dump held in memory.
bool ParseDump(std::string_view text, std::string source, Dump* dump, std::string* error);

}  // namespace lockgraph::analyzer

#endif  // LOCKGRAPH_ANALYZER_SRC_DUMP_PARSER_H_
