// server/fuzz/command_fuzzer.cc
// -----------------------------------------------------------------------------
// libFuzzer target for the command handlers: bytes as a script of commands
// from three clients (fuzz/command_script.h), run through the real
// dispatcher against a real keyspace. Scripts it finds belong in
// server/tests/command_fuzz_regressions/ (the unit tests replay them).
#include <cstdio>
#include <cstdlib>

#include "base/config.h"
#include "base/server.h"
#include "commands/command_table.h"
#include "fuzz/command_script.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static cacheforge::Config* config = new cacheforge::Config();
  static cacheforge::Server* server =
      new cacheforge::Server(config, 1, cacheforge::CommandTable::Get().size());
  std::string violation = cacheforge::RunCommandScript(
      *server, std::string_view(reinterpret_cast<const char*>(data), size));
  if (!violation.empty()) {
    std::fprintf(stderr, "command script invariant violated: %s\n", violation.c_str());
    std::abort();
  }
  return 0;
}
