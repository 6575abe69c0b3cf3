// `lockgraph`: dispatches to a subcommand. Usage errors go to stderr with
// exit status 2; `--help` goes to stdout with 0.
#include <cstdio>
#include <cstring>

#include "cli/command.h"

#ifndef LOCKGRAPH_VERSION
#define LOCKGRAPH_VERSION "unknown"
#endif

namespace lockgraph::cli {
namespace {

constexpr Command kCommands[] = {
    {"analyze", "find deadlocks in a gdb / eu-stack / pstack thread dump", RunAnalyze},
    {"capture", "take a thread dump with lock owners of a process or core file with gdb",
     RunCapture},
    {"check", "merge the lock-order graphs of many runs; fail on a cycle not in the baseline",
     RunCheck},
    {"dot", "draw the merged lock-order graph of one or more runs (DOT or SVG)", RunDot},
    {"profile", "the contention profile of one or more runs, the most waited-for lock first",
     RunProfile},
    {"preload", "run an unmodified program with liblockgraph_preload.so (LD_PRELOAD)", RunPreload},
};

void Usage(std::FILE* out) {
  std::fprintf(out, "usage: lockgraph COMMAND [ARGS...]\n\ncommands:\n");
  for (const Command& c : kCommands) std::fprintf(out, "  %-10s %s\n", c.name, c.summary);
  std::fprintf(out,
               "\n`lockgraph COMMAND --help` describes a command. Options: --help, --version.\n");
}

}  // namespace
}  // namespace lockgraph::cli

int main(int argc, char** argv) {
  using namespace lockgraph::cli;
  if (argc < 2) {
    Usage(stderr);
    return kExitBadInput;
  }
  const char* name = argv[1];
  if (!std::strcmp(name, "--help") || !std::strcmp(name, "-h") || !std::strcmp(name, "help")) {
    Usage(stdout);
    return kExitOk;
  }
  if (!std::strcmp(name, "--version")) {
    std::printf("lockgraph %s\n", LOCKGRAPH_VERSION);
    return kExitOk;
  }
  for (const Command& c : kCommands) {
    if (!std::strcmp(name, c.name)) return c.run(argc - 1, argv + 1);
  }
  std::fprintf(stderr, "lockgraph: unknown command '%s'\n\n", name);
  Usage(stderr);
  return kExitBadInput;
}
