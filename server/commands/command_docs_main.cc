// server/commands/command_docs_main.cc
// -----------------------------------------------------------------------------
// cacheforge-command-docs: prints docs/commands.md from the server's own
// command table, so the reference cannot drift from what the server accepts
// (a test regenerates it and compares). Not installed.
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "commands/command_table.h"

namespace {

std::string Arity(int arity) {
  // Redis's convention: N exactly N words (name included), -N at least N.
  return arity >= 0 ? std::to_string(arity) : ">= " + std::to_string(-arity);
}

std::string Flags(const cacheforge::CommandSpec& spec) {
  std::string out;
  for (const std::string& f : cacheforge::CommandFlagNames(spec)) {
    out += (out.empty() ? "" : ", ") + f;
  }
  return out.empty() ? "-" : out;
}

std::string Upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

int main() {
  using cacheforge::CommandEntry;
  const auto& table = cacheforge::CommandTable::Get();
  std::map<std::string, std::vector<const CommandEntry*>> groups;
  for (const CommandEntry* entry : table.commands()) groups[entry->spec->group].push_back(entry);
  std::printf(
      "# cacheforge-server commands\n\n"
      "Generated from the server's command table by `cacheforge-command-docs` "
      "(`scripts/gen-docs.sh`); a test fails when this file is out of date. Arity counts the "
      "command name: `3` is exactly three words, `>= 2` at least two. Replies and error texts "
      "follow Redis 7.\n\n"
      "%zu commands (%zu with subcommands).\n",
      table.commands().size(), table.size());
  for (const auto& [group, entries] : groups) {
    std::printf("\n## %s\n\n| command | arity | flags | summary |\n|---|---|---|---|\n",
                group.c_str());
    for (const CommandEntry* entry : entries) {
      const auto& spec = *entry->spec;
      std::printf("| `%s` | %s | %s | %s |\n", Upper(spec.name).c_str(), Arity(spec.arity).c_str(),
                  Flags(spec).c_str(), spec.summary);
      for (const auto& sub : spec.subcommands) {
        std::printf("| `%s %s` | %s | %s | %s |\n", Upper(spec.name).c_str(),
                    Upper(sub.name).c_str(), Arity(sub.arity).c_str(), Flags(sub).c_str(),
                    sub.summary);
      }
    }
  }
  return 0;
}
