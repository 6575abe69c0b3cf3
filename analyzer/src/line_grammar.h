// The line grammar of thread dumps: one function per kind of line, each
// taking a single line (no newline) and saying whether it matched. The
// parser's state machine (dump_parser.h) decides which of them to try.
//
// Grammar (informal; `...` = anything):
//   gdb/pstack header   Thread N[.M] (Thread 0xHEX (LWP n) ["NAME"]):
//                       Thread N (LWP n) ["NAME"]:   Thread N (process n):
//   eu-stack headers    PID n - process     TID n:
//   gdb frame           #N  [0xHEX in ]FUNC [(ARGS)] [at FILE:LINE | from LIB]
//                       #N  <signal handler called>
//   eu-stack frame      #N  0xHEX [FUNC] [- MODULE]
//   eu-stack source     <indent>FILE:LINE[:COL]          (eu-stack -s)
//   bt full local       <indent>NAME = VALUE
//   capture record      [lockgraph] lock 0xHEX kind=K [owner=N] [writer=N] [readers=N]
//                       [waiter=N] [source=arg|register]
//   current thread      [Current thread is N (... (LWP n))]
//   gdb extension       lockgraph-gdb: thread LWP holds 0xHEX "NAME" exclusive|shared
//                       lockgraph-gdb: thread LWP waits 0xHEX "NAME" exclusive|shared
//                                      owner LWP|unknown
//                       lockgraph-gdb: deadlock LWP [LWP ...]
//                       (NAME is everything between the first quote after the address and
//                       the last one before the mode, so it may itself contain quotes)
#ifndef LOCKGRAPH_ANALYZER_SRC_LINE_GRAMMAR_H_
#define LOCKGRAPH_ANALYZER_SRC_LINE_GRAMMAR_H_

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "dump.h"

namespace lockgraph::analyzer {

struct ThreadHeader {
  int number = 0;
  std::optional<int64_t> lwp;
  std::optional<uint64_t> pthread;
  std::string name;
};

std::optional<ThreadHeader> ParseGdbThreadHeader(std::string_view line);
// `TID n:` -> n.
std::optional<int64_t> ParseEuStackTid(std::string_view line);
// `PID n - process` -> n.
std::optional<int64_t> ParseEuStackPid(std::string_view line);
// `[Current thread is N (... (LWP n))]` -> n (or the pid of `(process n)`).
std::optional<int64_t> ParseCurrentThreadLwp(std::string_view line);

// A gdb or pstack frame line. False when `line` is not one. A line that ends
// inside the argument list is read, with Frame::cut set.
bool ParseGdbFrame(std::string_view line, Frame* frame);
// What follows `#N  ` in a gdb frame (also the frame of an `info threads`
// row); frame->index is left alone.
bool ParseGdbFrameBody(std::string_view body, Frame* frame);
// An eu-stack frame line (`#N  0xHEX FUNC - MODULE`).
bool ParseEuStackFrame(std::string_view line, Frame* frame);
// The `<indent>FILE:LINE[:COL]` line eu-stack -s prints under a frame.
bool ParseEuStackSource(std::string_view line, std::string* file, int* line_number);
// The same without the indentation (the parser measures it separately).
bool ParseEuStackSourceText(std::string_view text, std::string* file, int* line_number);
// `<indent>NAME = VALUE` (bt full locals).
bool ParseLocal(std::string_view line, NamedValue* local);
// The same without the indentation, which trackers sometimes strip.
bool ParseLocalText(std::string_view text, NamedValue* local);
bool ParseLockRecord(std::string_view line, LockRecord* record);
// The gdb extension's `holds` / `waits` lines. False, leaving `*fact` alone,
// for anything else, including a line with a missing or malformed field.
bool ParseRegistryFact(std::string_view line, RegistryFact* fact);
// The gdb extension's `deadlock` line.
bool ParseRegistryDeadlock(std::string_view line, RegistryDeadlock* deadlock);

// Splits gdb's argument list (without the parentheses) at top-level commas.
std::vector<NamedValue> ParseArgs(std::string_view args);

// The address a printed value starts with: `0x55d0 <a>`, `(pthread_mutex_t *) 0x55d0`.
std::optional<uint64_t> ParseAddress(std::string_view value);
// A decimal integer value (`139637976733440`, `-1`).
std::optional<int64_t> ParseInteger(std::string_view value);

}  // namespace lockgraph::analyzer

#endif  // LOCKGRAPH_ANALYZER_SRC_LINE_GRAMMAR_H_
