// lockgraph preload [--lib PATH] [--] PROGRAM [ARGS...]
//
// Runs PROGRAM with liblockgraph_preload.so in LD_PRELOAD (LOCKGRAPH_OPTIONS
// passes through), after checking that the preload can work at all: a
// statically linked program has no dynamic loader, which ignores LD_PRELOAD
// in silence, so it gets one line saying so and runs without lockgraph. The
// program replaces this process (exec): its exit status is the status.
// Exit status of its own: 2 usage error or no preload library, 126 PROGRAM
// cannot be run, 127 PROGRAM not found (as env(1)).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/command_line.h"
#include "elf_linkage.h"
#include "install_paths.h"

namespace lockgraph::cli {
namespace {

constexpr char kPreloadSynopsis[] = "lockgraph preload [--lib PATH] [--] PROGRAM [ARGS...]";

constexpr char kPreloadText[] =
    "Runs PROGRAM with LD_PRELOAD=liblockgraph_preload.so, so an unmodified binary gets\n"
    "lockgraph's lock-order reports, deadlock watchdog and options (LOCKGRAPH_OPTIONS).\n"
    "A statically linked PROGRAM cannot be preloaded into: one line says so and it runs\n"
    "without lockgraph. --lib (or LOCKGRAPH_PRELOAD_LIB) names the library; by default\n"
    "it is found next to this binary's installation or build tree.";

struct PreloadArgs {
  std::string lib;
  std::vector<std::string> command;  // PROGRAM and its arguments
};

constexpr int kExitCannotRun = 126;
constexpr int kExitNotFound = 127;

int FailPreload(int status, const std::string& message) {
  std::fprintf(stderr, "lockgraph preload: %s\n", message.c_str());
  return status;
}

// PROGRAM as execvp would find it; empty when it is nowhere on PATH.
std::string Resolve(const std::string& program) {
  if (program.find('/') != std::string::npos) return program;
  const char* path = getenv("PATH");
  std::string dirs = path && *path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string dir = dirs.substr(start, end - start);
    std::string candidate = (dir.empty() ? "." : dir) + "/" + program;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return "";
}

int RunPreload(const PreloadArgs& args) {
  std::string lib = args.lib;
  const std::string& program = args.command.front();
  const std::string path = Resolve(program);
  if (path.empty()) return FailPreload(kExitNotFound, program + ": not found in PATH");

  analyzer::ElfLinkage linkage;
  std::string error;
  bool preload = true;
  if (!analyzer::InspectElf(path, &linkage, &error)) {
    // Let exec say what it thinks of the file; the preload may still apply.
    std::fprintf(stderr, "lockgraph preload: cannot inspect %s\n", error.c_str());
  } else if (linkage.kind == analyzer::ElfLinkage::Kind::kStatic) {
    std::fprintf(stderr,
                 "lockgraph preload: %s is statically linked: LD_PRELOAD cannot interpose its "
                 "locks; rebuild with lockgraph's wrappers or link dynamically (running it "
                 "without lockgraph)\n",
                 program.c_str());
    preload = false;
  } else if (linkage.kind == analyzer::ElfLinkage::Kind::kDynamic &&
             !analyzer::NeedsLibcOrPthread(linkage.needed)) {
    std::fprintf(stderr,
                 "lockgraph preload: %s links neither libc nor libpthread: it takes no pthread "
                 "locks for lockgraph to see (running it anyway)\n",
                 program.c_str());
  }
  if (preload) {
    std::vector<std::string> looked_at;
    if (lib.empty()) lib = analyzer::FindPreloadLibrary(&looked_at);
    if (lib.empty()) {
      std::string where;
      for (const std::string& p : looked_at) where += (where.empty() ? "" : ", ") + p;
      return FailPreload(kExitBadInput, "cannot find liblockgraph_preload.so (looked at " + where +
                                            "); name it with --lib PATH or LOCKGRAPH_PRELOAD_LIB");
    }
    if (access(lib.c_str(), R_OK) != 0) {
      return FailPreload(kExitBadInput, lib + ": " + std::strerror(errno));
    }
    const char* existing = getenv("LD_PRELOAD");
    std::string value = lib + (existing && *existing ? std::string(":") + existing : "");
    setenv("LD_PRELOAD", value.c_str(), 1);
  }
  std::vector<char*> argv;
  for (const std::string& arg : args.command) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  execv(path.c_str(), argv.data());
  const int err = errno;
  return FailPreload(err == ENOENT ? kExitNotFound : kExitCannotRun,
                     "cannot run " + path + ": " + std::strerror(err));
}

}  // namespace

CommandRun DefinePreload(CLI::App* app) {
  auto args = std::make_shared<PreloadArgs>();
  DescribeCommand(app, kPreloadSynopsis, kPreloadText, "");
  app->add_option("--lib", args->lib, "the liblockgraph_preload.so to preload")
      ->check(NonEmpty("a file name"))
      ->option_text("PATH");
  app->add_option("PROGRAM", args->command, "the program to run, and its arguments")
      ->option_text("[ARGS...]");
  // PROGRAM's own options are its own: everything from PROGRAM on is
  // PROGRAM's arguments, `--help` included.
  app->positionals_at_end();
  app->callback([args] {
    if (args->command.empty()) {
      throw CLI::RequiredError("no program to run", CLI::ExitCodes::RequiredError);
    }
  });
  return [args] { return RunPreload(*args); };
}

}  // namespace lockgraph::cli
