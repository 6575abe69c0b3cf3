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
//
// The dump is unreadable (Finish() fails) when it is empty, binary, or has
// no thread in any supported format; the message says which and shows the
// first line that was read.
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

  Dump dump_;
  State state_ = State::kPreamble;
  Grammar grammar_ = Grammar::kGdb;
  std::string partial_;  // an unfinished line carried between Feed calls
  bool partial_overflow_ = false;
  uint64_t bytes_ = 0;
  uint64_t nul_bytes_ = 0;
  std::string first_line_;  // for the error message
  std::optional<int64_t> current_lwp_;
  bool saw_capture_banner_ = false;
};

// Parses a whole dump held in memory.
bool ParseDump(std::string_view text, std::string source, Dump* dump, std::string* error);

}  // namespace lockgraph::analyzer

#endif  // LOCKGRAPH_ANALYZER_SRC_DUMP_PARSER_H_
