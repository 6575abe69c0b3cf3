// lockgraph capture --pid PID [-o FILE]
// lockgraph capture --core CORE --exe EXE [-o FILE]
//
// Writes a gdb thread dump with the recorded owner of every lock a thread
// waits for; `lockgraph analyze` reads it best. Exit status 2 when gdb is
// missing or fails (the message says why, e.g. ptrace not permitted).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>

#include "capture.h"
#include "cli/command.h"
#include "install_paths.h"

namespace lockgraph::cli {
namespace {

constexpr char kUsage[] =
    "usage: lockgraph capture --pid PID [-o FILE] [--timeout SECONDS]\n"
    "       lockgraph capture --core CORE --exe EXE [-o FILE] [--timeout SECONDS]\n"
    "\n"
    "Runs gdb in batch mode (no function is called in the target; only memory and\n"
    "registers are read) and writes `thread apply all bt full` plus each waited-on\n"
    "lock's recorded owner, for `lockgraph analyze`. For a program built with lockgraph\n"
    "it also sources lockgraph's gdb extension ($LOCKGRAPH_GDB_EXTENSION, else\n"
    "PREFIX/share/lockgraph/lockgraph_gdb.py) and adds `lockgraph threads`: every\n"
    "lockgraph lock held and awaited, by name, with its owner.\n";

int Fail(const std::string& message) {
  std::fprintf(stderr, "lockgraph capture: %s\n", message.c_str());
  return kExitBadInput;
}

}  // namespace

int RunCapture(int argc, char** argv) {
  analyzer::CaptureTarget target;
  std::string output;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return kExitOk;
    }
    const char* v = (i + 1 < argc) ? argv[i + 1] : nullptr;
    if (arg == "--pid" || arg == "--core" || arg == "--exe" || arg == "-o" || arg == "--output" ||
        arg == "--timeout") {
      if (!v) return Fail(arg + " wants a value");
      ++i;
    }
    char* end = nullptr;
    if (arg == "--pid") {
      target.pid = std::strtol(v, &end, 10);
      if (*end || target.pid <= 0)
        return Fail("--pid wants a process id, not '" + std::string(v) + "'");
    } else if (arg == "--core") {
      target.core = v;
    } else if (arg == "--exe") {
      target.exe = v;
    } else if (arg == "-o" || arg == "--output") {
      output = v;
    } else if (arg == "--timeout") {
      target.timeout_seconds = std::strtod(v, &end);
      if (*end || target.timeout_seconds <= 0) return Fail("--timeout wants seconds");
    } else {
      std::fputs(kUsage, stderr);
      return Fail("unexpected argument '" + arg + "'");
    }
  }
  const bool by_core = !target.core.empty() || !target.exe.empty();
  if ((target.pid > 0) == by_core || (by_core && (target.core.empty() || target.exe.empty()))) {
    std::fputs(kUsage, stderr);
    return Fail("give either --pid PID, or --core CORE and --exe EXE");
  }
  target.gdb_extension = analyzer::FindGdbExtension();
  std::string dump, error;
  if (!analyzer::Capture(target, &dump, &error)) return Fail(error);
  if (output.empty()) {
    std::cout << dump;
    std::cout.flush();
    return std::cout ? kExitOk : Fail("cannot write to stdout");
  }
  std::ofstream file(output, std::ios::binary | std::ios::trunc);
  file << dump;
  file.close();
  if (!file) return Fail("cannot write " + output + ": " + std::strerror(errno));
  return kExitOk;
}

}  // namespace lockgraph::cli
