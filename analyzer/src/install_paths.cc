// Installed files relative to the running binary; see install_paths.h.
#include "install_paths.h"

#include <unistd.h>

#include <climits>
#include <cstdlib>

#ifndef LOCKGRAPH_INSTALL_LIBDIR
#define LOCKGRAPH_INSTALL_LIBDIR "lib"
#endif

namespace lockgraph::analyzer {
namespace {

// `env`: the variable that overrides the search, or null for none.
std::string FirstReadable(const char* env, const std::vector<std::string>& relative,
                          std::vector<std::string>* looked_at) {
  std::vector<std::string> candidates;
  if (const char* v = env != nullptr ? getenv(env) : nullptr; v != nullptr && *v) {
    candidates.push_back(v);  // an explicit choice: nothing else is tried
  } else if (std::string dir = BinaryDirectory(); !dir.empty()) {
    for (const std::string& r : relative) candidates.push_back(dir + r);
  }
  for (const std::string& c : candidates) {
    if (looked_at != nullptr) looked_at->push_back(c);
    if (access(c.c_str(), R_OK) != 0) continue;
    // `BIN/../share/...` as the plain path people expect in messages.
    char* real = realpath(c.c_str(), nullptr);
    std::string found = real != nullptr ? real : c;
    free(real);
    return found;
  }
  return "";
}

}  // namespace

std::string BinaryDirectory() {
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) return "";
  std::string dir(exe, static_cast<size_t>(n));
  dir.erase(dir.rfind('/') + 1);
  return dir;
}

std::string FindGdbExtension(std::vector<std::string>* looked_at) {
  return FirstReadable("LOCKGRAPH_GDB_EXTENSION", {"../share/lockgraph/lockgraph_gdb.py"},
                       looked_at);
}

std::string FindPreloadLibrary(std::vector<std::string>* looked_at) {
  return FirstReadable(
      "LOCKGRAPH_PRELOAD_LIB",
      {"../" LOCKGRAPH_INSTALL_LIBDIR "/liblockgraph_preload.so", "../lib/liblockgraph_preload.so",
       "../lockgraph/preload/liblockgraph_preload.so"},
      looked_at);
}

std::string FindGraphSchema() {
  return FirstReadable(nullptr, {"../share/lockgraph/graph-file.schema.json"}, nullptr);
}

}  // namespace lockgraph::analyzer
