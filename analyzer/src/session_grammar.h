// The line grammar of interactive gdb sessions, beside the stacks that
// line_grammar.h reads: the commands people type, the lines gdb prints when
// it switches threads, `info threads` rows, thread labels people write,
// `$N = ...` values, `x/` memory lines and `info registers` lines. Like
// line_grammar.h: one function per kind of line, linear, no backtracking.
//
//   command            thread N | t N | bt [full] [N] | where | frame N | f N |
//                      up [N] | down [N] | p[/FMT] EXPR | print EXPR | x/NFU ADDR |
//                      info threads | info registers [REG...] | thread apply all CMD
//   switch             [Switching to thread N (Thread 0xHEX (LWP n))]
//   info threads row   [*] N  Thread 0xHEX (LWP n) ["NAME"] FRAME
//                      [*] N  LWP n ["NAME"] FRAME       [*] N  process n FRAME
//   thread label       Thread n:     Thread n "NAME":     LWP n:
//   value              $N = VALUE
//   memory             0xHEX [<SYM>]:  WORD WORD ...
//   register           NAME  0xHEX  NATURAL
#ifndef LOCKGRAPH_ANALYZER_SRC_SESSION_GRAMMAR_H_
#define LOCKGRAPH_ANALYZER_SRC_SESSION_GRAMMAR_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "dump.h"
#include "line_grammar.h"

namespace lockgraph::analyzer {

enum class CommandKind {
  kOther,           // anything else: its output is read like any other line
  kThread,          // thread N
  kThreadApplyAll,  // thread apply all CMD
  kBacktrace,       // bt, backtrace, where (with `full` and a count or not)
  kFrame,           // frame N, f N, frame level N
  kUp,              // up [N]
  kDown,            // down [N]
  kPrint,           // print[/FMT] EXPR, p[/FMT] EXPR
  kExamine,         // x/NFU ADDR
  kInfoThreads,     // info threads
  kInfoRegisters,   // info registers [REG...]
};

struct SessionCommand {
  CommandKind kind = CommandKind::kOther;
  int number = -1;              // thread N, frame N, up/down N (1 when omitted)
  std::string_view expression;  // print / x argument
  bool hex = false;             // p/x
  int unit = 0;                 // x/..w: 4, g: 8, h: 2, b: 1; 0 when not given
  bool limited = false;         // bt N: only N frames
};

// `command` is what followed `(gdb) `, without it.
SessionCommand ParseGdbCommand(std::string_view command);

// `[Switching to thread 3 (Thread 0x7f... (LWP 7231))]`.
std::optional<ThreadHeader> ParseSwitchingToThread(std::string_view line);
// `[Current thread is 1 (Thread 0x7f... (LWP 1234))]` (core files).
std::optional<ThreadHeader> ParseCurrentThread(std::string_view line);
// Either of the two: `PREFIX N (TARGET-ID)...`.
std::optional<ThreadHeader> ParseThreadNotice(std::string_view line, std::string_view prefix);

// One row of `info threads` (not its `Id Target Id Frame` title). `frame`
// gets the row's frame as frame #0.
bool ParseInfoThreadsRow(std::string_view line, ThreadHeader* header, bool* current, Frame* frame);

// A thread label people write above a stack they paste: `Thread 7993:`,
// `Thread 7993 "worker":`, `LWP 7993:`. The number is taken as the LWP.
std::optional<ThreadHeader> ParseThreadLabel(std::string_view line);

// `$N = VALUE`: N and VALUE.
bool ParseHistoryValue(std::string_view line, int* number, std::string_view* value);

// A line of `x` output. `unit` is the command's unit size, or 0 when the
// command is not in the paste: then hex words say their size by their digits
// (0x00000002 is 4 bytes) and decimal ones are taken as gdb's default, 4.
bool ParseMemoryLine(std::string_view line, int unit, MemoryWords* words);

// A line of `info registers`: `rdi  0x55d0a4c2c0a0  94360...`.
bool ParseRegisterLine(std::string_view line, std::string_view* name, uint64_t* value);

}  // namespace lockgraph::analyzer

#endif  // LOCKGRAPH_ANALYZER_SRC_SESSION_GRAMMAR_H_
