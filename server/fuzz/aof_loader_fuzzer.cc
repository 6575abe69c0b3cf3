// server/fuzz/aof_loader_fuzzer.cc
// -----------------------------------------------------------------------------
// libFuzzer target for the append-only file loader (and the scanner it shares
// with cacheforge-check-aof): arbitrary bytes as an AOF, loaded into a real
// keyspace through the real dispatcher. Inputs it finds belong in
// server/tests/aof_fuzz_regressions/, which the unit tests replay.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "base/config.h"
#include "base/server.h"
#include "commands/command_table.h"
#include "fuzz/aof_load_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static cacheforge::Config* config = new cacheforge::Config();
  static cacheforge::Server* server =
      new cacheforge::Server(config, 1, cacheforge::CommandTable::Get().size());
  static const std::string path = "/tmp/aof-fuzz-" + std::to_string(getpid()) + ".aof";
  std::string violation = cacheforge::CheckAofLoad(
      *server, path, std::string_view(reinterpret_cast<const char*>(data), size));
  if (!violation.empty()) {
    std::fprintf(stderr, "AOF loader invariant violated: %s\n", violation.c_str());
    std::abort();
  }
  return 0;
}
