// lockgraph capture --pid PID [-o FILE]
// lockgraph capture --core CORE --exe EXE [-o FILE]
//
// Writes a gdb thread dump with the recorded owner of every lock a thread
// waits for; `lockgraph analyze` reads it best. Exit status 2 when gdb is
// missing or fails (the message says why, e.g. ptrace not permitted).
#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "capture.h"
#include "cli/command.h"
#include "cli/command_line.h"
#include "install_paths.h"

namespace lockgraph::cli {
namespace {

constexpr char kCaptureSynopsis[] =
    "lockgraph capture --pid PID [-o FILE] [--timeout SECONDS]\n"
    "lockgraph capture --core CORE --exe EXE [-o FILE] [--timeout SECONDS]";

constexpr char kCaptureText[] =
    "Runs gdb in batch mode (no function is called in the target; only memory and\n"
    "registers are read) and writes `thread apply all bt full` plus each waited-on\n"
    "lock's recorded owner, for `lockgraph analyze`. For a program built with lockgraph\n"
    "it also sources lockgraph's gdb extension ($LOCKGRAPH_GDB_EXTENSION, else\n"
    "PREFIX/share/lockgraph/lockgraph_gdb.py) and adds `lockgraph threads`: every\n"
    "lockgraph lock held and awaited, by name, with its owner.";

struct CaptureArgs {
  analyzer::CaptureTarget target;
  std::string output;
};

int FailCapture(const std::string& message) {
  std::fprintf(stderr, "lockgraph capture: %s\n", message.c_str());
  return kExitBadInput;
}

int RunCapture(const CaptureArgs& args) {
  analyzer::CaptureTarget target = args.target;
  const std::string& output = args.output;
  target.gdb_extension = analyzer::FindGdbExtension();
  std::string dump, error;
  if (!analyzer::Capture(target, &dump, &error)) return FailCapture(error);
  if (output.empty()) {
    std::cout << dump;
    std::cout.flush();
    return std::cout ? kExitOk : FailCapture("cannot write to stdout");
  }
  std::ofstream file(output, std::ios::binary | std::ios::trunc);
  file << dump;
  file.close();
  if (!file) return FailCapture("cannot write " + output + ": " + std::strerror(errno));
  return kExitOk;
}

}  // namespace

CommandRun DefineCapture(CLI::App* app) {
  auto args = std::make_shared<CaptureArgs>();
  analyzer::CaptureTarget& target = args->target;
  DescribeCommand(app, kCaptureSynopsis, kCaptureText, "");
  app->add_option("--pid", target.pid, "the live process to capture")
      ->check(PositiveInteger("a process id"))
      ->option_text("PID");
  app->add_option("--core", target.core, "the core file to capture (with --exe)")
      ->option_text("CORE");
  app->add_option("--exe", target.exe, "the executable that dumped CORE")->option_text("EXE");
  app->add_option("-o,--output", args->output, "write the dump to FILE instead of stdout")
      ->option_text("FILE");
  app->add_option("--timeout", target.timeout_seconds,
                  "give up on gdb after SECONDS (default " +
                      std::to_string(static_cast<int>(target.timeout_seconds)) + ")")
      ->check(PositiveNumber("a number of seconds"))
      ->option_text("SECONDS");
  app->callback([args] {
    const analyzer::CaptureTarget& t = args->target;
    const bool by_core = !t.core.empty() || !t.exe.empty();
    if ((t.pid > 0) == by_core || (by_core && (t.core.empty() || t.exe.empty()))) {
      throw CLI::ValidationError("give either --pid PID, or --core CORE and --exe EXE");
    }
  });
  return [args] { return RunCapture(*args); };
}

}  // namespace lockgraph::cli
