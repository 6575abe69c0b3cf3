// The parsed form of a thread dump: threads, their frames, and the lock owner
// records a `lockgraph capture` dump adds. Plain data; the parser fills it,
// every later stage only reads it.
#ifndef LOCKGRAPH_ANALYZER_SRC_DUMP_H_
#define LOCKGRAPH_ANALYZER_SRC_DUMP_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lockgraph::analyzer {

// Which tool printed the dump. gdb and pstack share one grammar.
// kGdbExtension: only the `lockgraph-gdb:` lines of lockgraph's gdb
// extension, no stacks.
enum class DumpFormat { kUnknown, kGdb, kEuStack, kCapture, kGdbExtension };
const char* DumpFormatName(DumpFormat format);

// One `name=value` argument or `name = value` local as printed, with gdb's
// `name@entry=` spelling folded into `name`.
struct NamedValue {
  std::string name;
  std::string value;
};

struct Frame {
  int index = -1;              // the N of `#N`
  std::optional<uint64_t> pc;  // absent for inlined frames and `#0  fn (...)`
  std::string function;        // as printed, e.g. `___pthread_mutex_lock`, or `??`
  std::string args_text;       // inside the argument list's parentheses, as printed
  std::string file;            // `at FILE:LINE`, empty when unknown
  int line = 0;
  std::string library;             // `from LIB` (gdb) or `- LIB` (eu-stack -m)
  std::vector<NamedValue> locals;  // `bt full` only
  // The line ended inside the argument list (cut by a tracker, or the end of
  // the input): the last argument may be incomplete, so it is not used.
  bool cut = false;
  // The line ends in `…` or `...`: a tracker cut it (the argument list may
  // be whole, but what follows it is not).
  bool line_cut = false;

  // The arguments, split on demand: only the few frames a wait is recognized
  // in are ever asked, so the parser keeps one string per frame instead of
  // one per argument.
  std::vector<NamedValue> Args() const;
  // The argument or local called `name`.
  std::optional<NamedValue> FindArg(std::string_view name) const;
  const NamedValue* FindLocal(std::string_view name) const;
};

// Where a thread's frames came from, for saying what a paste lacks.
enum class StackSource {
  kBacktrace,     // a backtrace (`bt`, `thread apply all bt`, eu-stack, pstack)
  kCurrentFrame,  // only the frame gdb shows for the thread: an `info threads`
                  // row or the `#0` line after `thread N`
  kNone,          // named (header, `[Switching to thread ...]`) but no frame
};

struct Thread {
  int number = 0;                   // gdb's thread number; 0 for eu-stack or when unknown
  int64_t lwp = 0;                  // kernel thread id; 0 when the paste does not say
  std::optional<uint64_t> pthread;  // `Thread 0x...`: the pthread_t value
  std::string name;                 // empty when the dump shows none
  bool current = false;             // gdb's `[Current thread is N ...]` or `*` in info threads
  bool truncated = false;           // `Backtrace stopped: ...`
  // A backtrace with no thread header or label (a bare `bt`): which thread it
  // is, the paste does not say.
  bool id_known = true;
  StackSource stack = StackSource::kBacktrace;
  bool outer_frames_missing = false;  // `(More stack frames follow...)`, `bt N`
  bool inner_frames_missing = false;  // frame numbers skip (lines lost from the paste)
  int header_line = 0;                // 1-based line of the header in its input
  std::vector<Frame> frames;          // innermost first
};

// A lock's state read from the target's memory by `lockgraph capture`:
// `[lockgraph] lock ADDR kind=mutex owner=LWP waiter=LWP source=arg` (owner 0
// = free), and for rwlocks `writer=LWP readers=N`. `waiter` names a thread
// found waiting for it; `source=register` says the address came from the
// waiter's registers because its frames showed no arguments.
struct LockRecord {
  uint64_t address = 0;
  std::string kind;                // "mutex" or "rwlock"
  std::optional<int64_t> owner;    // mutex __owner / rwlock __cur_writer
  std::optional<int64_t> readers;  // rwlock reader count
  std::optional<int64_t> waiter;   // the LWP seen waiting for it
  std::string source;              // "arg", "register", or empty
  int line = 0;
};

// A fact printed by lockgraph's gdb extension (`lockgraph threads`), read
// from the lockgraph registry of a program built with lockgraph:
//   lockgraph-gdb: thread LWP holds ADDR "NAME" exclusive|shared
//   lockgraph-gdb: thread LWP waits ADDR "NAME" exclusive|shared owner LWP|unknown
// ADDR is the lock's lockgraph state, the same for every thread that names
// the lock, but not the native mutex address the stack frames show.
struct RegistryFact {
  bool waits = false;  // false: holds
  int64_t lwp = 0;
  uint64_t address = 0;
  std::string name;  // the lock's name, or `FILE:LINE` of an unnamed one
  bool shared = false;
  std::optional<int64_t> owner;  // waits only: the native owner field, when readable
  int line = 0;
};

// `lockgraph-gdb: deadlock LWP LWP ...` (`lockgraph deadlock`): each thread
// waits for a lock the next one holds, the last for one the first holds.
struct RegistryDeadlock {
  std::vector<int64_t> lwps;
  int line = 0;
};

// What an interactive gdb session printed besides stacks, with the context
// it was printed in: the selected thread and frame. The session evidence
// stage (session_evidence.h) ties each to a lock. A context is stored once
// per selection (Dump::contexts), not once per value: a thousand values
// printed in one frame share it.
struct SessionContext {
  int thread = -1;           // index into Dump::threads of the selected thread, or -1
  int frame = 0;             // the selected frame's number
  std::string function;      // the selected frame's function and arguments as gdb
  std::string args_text;     // last printed them, so `p *mutex` can be resolved
  bool frame_known = false;  // a frame line was seen for the selection
};

// `$N = VALUE` (gdb's value history), continuation lines joined.
struct PrintedValue {
  int history = 0;
  std::string command;     // the echoed command, e.g. `p/x *mutex`; empty when not in the paste
  std::string expression;  // what was printed, e.g. `*mutex`; empty when unknown
  bool hex = false;        // `p/x`: integers are printed in hex
  std::string value;
  int context = -1;  // index into Dump::contexts, or -1 when nothing was selected
  int line = 0;
};

// One line of `x/NFU ADDR` output: `0x55d0 <sym>:  0x00000002  0x00000000 ...`.
struct MemoryWords {
  uint64_t address = 0;
  std::string symbol;  // the `<sym+off>` gdb shows for the address, without brackets
  int unit = 4;        // bytes per word
  std::vector<uint64_t> words;
  std::string command;  // the echoed `x/8wx ...`, or empty
  int line = 0;
};

// A register of the selected thread and frame (`info registers`); only the
// ones the analysis uses are kept.
struct RegisterValue {
  std::string name;
  uint64_t value = 0;
  int context = -1;  // index into Dump::contexts
  int line = 0;
};

struct Dump {
  std::string source;  // file name, or "-" for stdin
  DumpFormat format = DumpFormat::kUnknown;
  std::optional<int64_t> pid;  // eu-stack `PID n`, capture header
  std::vector<Thread> threads;
  std::vector<LockRecord> locks;
  std::vector<RegistryFact> registry;  // from the gdb extension, in input order
  std::vector<RegistryDeadlock> registry_deadlocks;
  std::vector<SessionContext> contexts;  // what was selected when values were printed
  std::vector<PrintedValue> printed;     // interactive session output
  std::vector<MemoryWords> memory;
  std::vector<RegisterValue> registers;
  // The dump lists every thread of the process (a `thread apply all`, an
  // `info threads` table, eu-stack, a capture), so a thread not in it does
  // not exist; false for a paste of a few threads.
  bool all_threads = true;
  int lines = 0;          // lines read
  int ignored_lines = 0;  // lines that matched no rule
  // Readable, but not quite whole: "line 812 (the last) ends without a newline: ...".
  std::vector<std::string> warnings;
};

}  // namespace lockgraph::analyzer

#endif  // LOCKGRAPH_ANALYZER_SRC_DUMP_H_
