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

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "cli/command.h"
#include "elf_linkage.h"
#include "install_paths.h"

namespace lockgraph::cli {
namespace {

constexpr char kUsage[] =
    "usage: lockgraph preload [--lib PATH] [--] PROGRAM [ARGS...]\n"
    "\n"
    "Runs PROGRAM with LD_PRELOAD=liblockgraph_preload.so, so an unmodified binary gets\n"
    "lockgraph's lock-order reports, deadlock watchdog and options (LOCKGRAPH_OPTIONS).\n"
    "A statically linked PROGRAM cannot be preloaded into: one line says so and it runs\n"
    "without lockgraph. --lib (or LOCKGRAPH_PRELOAD_LIB) names the library; by default\n"
    "it is found next to this binary's installation or build tree.\n";

constexpr int kExitCannotRun = 126;
constexpr int kExitNotFound = 127;

int Fail(int status, const std::string& message) {
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

}  // namespace

int RunPreload(int argc, char** argv) {
  std::string lib;
  int i = 1;
  for (; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--") {
      ++i;
      break;
    }
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return kExitOk;
    }
    if (arg == "--lib" || arg.rfind("--lib=", 0) == 0) {
      const char* v = arg == "--lib" ? (i + 1 < argc ? argv[++i] : nullptr) : argv[i] + 6;
      if (v == nullptr || *v == '\0') return Fail(kExitBadInput, "--lib wants a file name");
      lib = v;
    } else if (arg.size() > 1 && arg[0] == '-') {
      std::fputs(kUsage, stderr);
      return Fail(kExitBadInput, "unknown option '" + arg + "'");
    } else {
      break;
    }
  }
  if (i >= argc) {
    std::fputs(kUsage, stderr);
    return Fail(kExitBadInput, "no program to run");
  }
  const std::string program = argv[i];
  const std::string path = Resolve(program);
  if (path.empty()) return Fail(kExitNotFound, program + ": not found in PATH");

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
      return Fail(kExitBadInput, "cannot find liblockgraph_preload.so (looked at " + where +
                                     "); name it with --lib PATH or LOCKGRAPH_PRELOAD_LIB");
    }
    if (access(lib.c_str(), R_OK) != 0) {
      return Fail(kExitBadInput, lib + ": " + std::strerror(errno));
    }
    const char* existing = getenv("LD_PRELOAD");
    std::string value = lib + (existing && *existing ? std::string(":") + existing : "");
    setenv("LD_PRELOAD", value.c_str(), 1);
  }
  execv(path.c_str(), argv + i);
  const int err = errno;
  return Fail(err == ENOENT ? kExitNotFound : kExitCannotRun,
              "cannot run " + path + ": " + std::strerror(err));
}

}  // namespace lockgraph::cli
