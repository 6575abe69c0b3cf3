// The `lockgraph` CLI's subcommands. Each lives in its own file and is one
// row of the table in main.cc; adding `check`, `dot` or `profile` means a new
// file with a Run function and one more row.
#ifndef LOCKGRAPH_ANALYZER_SRC_CLI_COMMAND_H_
#define LOCKGRAPH_ANALYZER_SRC_CLI_COMMAND_H_

namespace lockgraph::cli {

// Exit statuses shared by every subcommand (DESIGN.md, "The CLI contract").
inline constexpr int kExitOk = 0;        // nothing found
inline constexpr int kExitFound = 1;     // a deadlock (analyze), a new cycle (check)
inline constexpr int kExitBadInput = 2;  // usage errors and input that cannot be read

struct Command {
  const char* name;
  const char* summary;  // one line for `lockgraph --help`
  // argv[0] is the subcommand's name; returns the exit status.
  int (*run)(int argc, char** argv);
};

int RunAnalyze(int argc, char** argv);
int RunCapture(int argc, char** argv);
int RunCheck(int argc, char** argv);
int RunDot(int argc, char** argv);
int RunPreload(int argc, char** argv);
int RunProfile(int argc, char** argv);

}  // namespace lockgraph::cli

#endif  // LOCKGRAPH_ANALYZER_SRC_CLI_COMMAND_H_
