// `lockgraph capture`: a thread dump of a live process or a core file taken
// with gdb in batch mode, plus the owner of every lock a thread waits for.
//
// gdb runs `thread apply all bt full` with pagination, line wrapping and
// debuginfod off, then a small Python script (gdb's own API) that walks each
// thread's frames, finds the mutex and rwlock arguments of lock frames, and
// reads the lock's recorded owner (`__data.__owner`, `__data.__cur_writer`)
// from memory. Nothing is called in the target: only memory and register
// reads. Without libc debug info the script falls back to the futex address
// in the waiting thread's registers (x86-64 `rdi` at the futex syscall).
// The records come out as `[lockgraph] lock ...` lines after the stacks.
//
// When lockgraph's gdb extension (lockgraph_gdb.py) is found, gdb sources it
// and runs `lockgraph threads`, which adds `lockgraph-gdb:` lines naming the
// lockgraph locks each thread holds and waits for and their owners (a program
// built with lockgraph; in any other program the command says it found no
// lockgraph registry and nothing else changes).
#ifndef LOCKGRAPH_ANALYZER_SRC_CAPTURE_H_
#define LOCKGRAPH_ANALYZER_SRC_CAPTURE_H_

#include <string>
#include <vector>

namespace lockgraph::analyzer {

struct CaptureTarget {
  long pid = 0;      // a live process, or
  std::string core;  // a core file
  std::string exe;   // and the executable that dumped it
  double timeout_seconds = 120;
  std::string gdb_extension;  // lockgraph_gdb.py to source (FindGdbExtension()), or empty
};

// The gdb command line for `target` (the script path is passed in, so tests
// can check the command without running it).
std::vector<std::string> GdbCommand(const CaptureTarget& target, const std::string& script_path);

// The Python script gdb runs after the backtraces.
const char* OwnerScript();

// Runs gdb and returns the dump. False with a message when gdb is missing,
// fails, times out, or prints no thread (e.g. ptrace not permitted).
bool Capture(const CaptureTarget& target, std::string* dump, std::string* error);

}  // namespace lockgraph::analyzer

#endif  // LOCKGRAPH_ANALYZER_SRC_CAPTURE_H_
