// `lockgraph`: dispatches to a subcommand. Usage errors go to stderr with
// exit status 2; `--help` goes to stdout with 0.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "cli/command.h"
#include "cli/command_line.h"

#ifndef LOCKGRAPH_VERSION
#define LOCKGRAPH_VERSION "unknown"
#endif

namespace lockgraph::cli {
namespace {

constexpr Command kCommands[] = {
    {"analyze", "find deadlocks in a gdb / eu-stack / pstack thread dump", DefineAnalyze},
    {"capture", "take a thread dump with lock owners of a process or core file with gdb",
     DefineCapture},
    {"check", "merge the lock-order graphs of many runs; fail on a cycle not in the baseline",
     DefineCheck},
    {"dot", "draw the merged lock-order graph of one or more runs (DOT or SVG)", DefineDot},
    {"profile", "the contention profile of one or more runs, the most waited-for lock first",
     DefineProfile},
    {"preload", "run an unmodified program with liblockgraph_preload.so (LD_PRELOAD)",
     DefinePreload},
};

// Prints what is wrong and the help of the command it was meant for.
int UsageError(const CLI::App& app, const CLI::ParseError& error) {
  const std::vector<CLI::App*> given = app.get_subcommands();
  if (!given.empty()) {
    std::fprintf(stderr, "lockgraph %s: %s\n\n%s", given.front()->get_name().c_str(),
                 UsageErrorMessage(app, error).c_str(), app.help().c_str());
    return kExitBadInput;
  }
  const std::vector<std::string> extra = app.remaining();
  if (extra.empty()) {  // no command at all
    std::fputs(app.help().c_str(), stderr);
    return kExitBadInput;
  }
  std::fprintf(stderr, "lockgraph: %s\n\n%s",
               UnexpectedArgumentMessage(extra.front(), "unknown command").c_str(),
               app.help().c_str());
  return kExitBadInput;
}

int Main(int argc, char** argv) {
  CLI::App app("", "lockgraph");
  // Before the flags below, which take these defaults. A repeated option
  // keeps its last value, as it always did.
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast)->group("options");
  app.set_help_flag("-h,--help", "print this help and exit");
  app.set_version_flag("--version", "lockgraph " LOCKGRAPH_VERSION, "print the version and exit");
  app.require_subcommand(1);
  DescribeCommand(&app, "lockgraph COMMAND [ARGS...]", "",
                  "`lockgraph COMMAND --help` describes a command.");
  // `lockgraph help` is `lockgraph --help`; unlisted, and it ignores what follows.
  CLI::App* help = app.add_subcommand("help", "")->group("")->allow_extras();
  std::vector<std::pair<CLI::App*, CommandRun>> commands;
  for (const Command& c : kCommands) {
    CLI::App* command = app.add_subcommand(c.name, c.summary)->group("commands");
    commands.emplace_back(command, c.define(command));
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::fputs(app.help().c_str(), stdout);
    return kExitOk;
  } catch (const CLI::CallForVersion& version) {
    std::printf("%s\n", version.what());
    return kExitOk;
  } catch (const CLI::ParseError& error) {
    return UsageError(app, error);
  }
  if (help->parsed()) {
    std::fputs(app.get_formatter()->make_help(&app, "", CLI::AppFormatMode::Normal).c_str(),
               stdout);
    return kExitOk;
  }
  for (const auto& [command, run] : commands) {
    if (command->parsed()) return run();
  }
  return kExitBadInput;  // unreachable: parse requires one command
}

}  // namespace
}  // namespace lockgraph::cli

int main(int argc, char** argv) { return lockgraph::cli::Main(argc, argv); }
