// server/tests/command_script_test.cc
// -----------------------------------------------------------------------------
// The command fuzz driver (fuzz/command_script.h) on every build: the saved
// scripts that once broke something, and a few hundred seeded random ones —
// three clients mixing every command with blocking, MULTI, WATCH and
// SUBSCRIBE — with its invariants (no crash, every client answered or
// waiting, memory back to its baseline after FLUSHALL).
#include "fuzz/command_script.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "base/config.h"

namespace cacheforge {
namespace {

TEST(CommandScripts, SavedAndSeededScriptsKeepTheInvariants) {
  Config config;
  Server server(&config, 1, CommandTable::Get().size());
  for (const auto& entry :
       std::filesystem::directory_iterator(CACHEFORGE_COMMAND_FUZZ_REGRESSIONS)) {
    if (!entry.is_regular_file() || entry.path().extension() == ".md") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream data;
    data << in.rdbuf();
    EXPECT_EQ(RunCommandScript(server, data.str()), "") << entry.path();
  }
  std::mt19937_64 rng(20261204);
  for (int script = 0; script < 500; ++script) {
    std::string data(3000, '\0');
    for (char& c : data) c = static_cast<char>(rng());
    EXPECT_EQ(RunCommandScript(server, data), "") << "seeded script " << script;
  }
}

}  // namespace
}  // namespace cacheforge
