// The `lockgraph` CLI's subcommands. Each lives in its own file and is one
// row of the table in main.cc: a function that declares the subcommand's
// options, arguments and help on its CLI11 app and returns what runs it.
// Adding a subcommand means a new file with a Define function and one more row.
#ifndef LOCKGRAPH_ANALYZER_SRC_CLI_COMMAND_H_
#define LOCKGRAPH_ANALYZER_SRC_CLI_COMMAND_H_

#include <functional>

namespace CLI {
class App;
}  // namespace CLI

namespace lockgraph::cli {

// Exit statuses shared by every subcommand (DESIGN.md, "The CLI contract").
inline constexpr int kExitOk = 0;        // nothing found
inline constexpr int kExitFound = 1;     // a deadlock (analyze), a new cycle (check)
inline constexpr int kExitBadInput = 2;  // usage errors and input that cannot be read

// Runs a subcommand whose command line has been parsed; returns the exit status.
using CommandRun = std::function<int()>;

struct Command {
  const char* name;
  const char* summary;  // one line for `lockgraph --help`
  // Declares the subcommand on `app` (its options and help); the values given
  // are bound into the returned function, which main calls after parsing.
  // Usage errors that no single option can see (a missing input) are thrown
  // as CLI::ParseError from the app's callback, so they read like the others.
  CommandRun (*define)(CLI::App* app);
};

CommandRun DefineAnalyze(CLI::App* app);
CommandRun DefineCapture(CLI::App* app);
CommandRun DefineCheck(CLI::App* app);
CommandRun DefineDot(CLI::App* app);
CommandRun DefinePreload(CLI::App* app);
CommandRun DefineProfile(CLI::App* app);

}  // namespace lockgraph::cli

#endif  // LOCKGRAPH_ANALYZER_SRC_CLI_COMMAND_H_
