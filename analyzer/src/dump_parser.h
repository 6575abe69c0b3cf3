// Reads a thread dump, streaming, one line at a time, in time linear in its
// size: gdb `thread apply all bt` / `bt full` (live process or core file),
// pstack, eu-stack (with or without -i, -m, -s), and `lockgraph capture`
// output, detected per thread from its header.
//
// The state machine (one transition per line; a line no rule matches is
// counted and skipped, so gdb's chatter and interleaved `[New LWP n]` lines
// never break a thread apart):
//
//   state       line                          action / next state
//   ---------   ---------------------------   ----------------------------------
//   any         gdb/pstack thread header       start a gdb thread      -> kHeader
//   any         eu-stack `TID n:`              start an eu-stack thread -> kHeader
//   any         `PID n - process`              remember the pid
//   any         `[Current thread is ...]`      mark that thread current (at the end)
//   any         `[lockgraph] lock ...`         keep the lock record
//   any         `[...]`, blank, `warning:`...  skip
//   kHeader     frame (thread's grammar)       append a frame              -> kFrames
//   kFrames     frame                          append a frame              -> kFrames
//   kFrames     `<indent>NAME = VALUE`         a local of the last frame (bt full)
//   kFrames     `<indent>FILE:LINE:COL`        the last frame's source (eu-stack -s)
//   kHeader/    `Backtrace stopped: ...`       mark truncated             -> kStopped
//    kFrames
//   kStopped    frame                          skip (gdb printed no more of this thread)
//   kPreamble   frame                          skip (a frame outside any thread)
//   any         `lockgraph-gdb: ...`           keep the gdb extension's fact (RegistryFact)
//   any         `lockgraph: ...`               skip (the extension's lines for people)
//
// A dump of only `lockgraph-gdb:` lines is read too: one frameless thread
// per LWP they name (format kGdbExtension).
//
// The dump is unreadable (Finish() fails) when it is empty, binary, has no
// thread in any supported format, or has thread headers but not a single
// frame; the message names the line where reading failed (the binary byte,
// the first line no rule matched, or the frameless header) and says what was
// expected. A dump that is readable but looks cut short (its last line has no
// newline inside a thread, or its last thread has no frames) is read, with
// a warning in Dump::warnings naming the line.
#ifndef LOCKGRAPH_ANALYZER_SRC_DUMP_PARSER_H_
#define LOCKGRAPH_ANALYZER_SRC_DUMP_PARSER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "dump.h"

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
  void StartThread(Grammar grammar, int number, int64_t lwp);
  // Counts a line no rule matched and remembers the first for the error message.
  void Ignore(std::string_view line);
  void AddRegistryOnlyThreads();

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
  bool saw_capture_banner_ = false;
};

// Parses a whole dump held in memory.
bool ParseDump(std::string_view text, std::string source, Dump* dump, std::string* error);

}  // namespace lockgraph::analyzer

#endif  // LOCKGRAPH_ANALYZER_SRC_DUMP_PARSER_H_
