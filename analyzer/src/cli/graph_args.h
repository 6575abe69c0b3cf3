// Argument handling shared by the subcommands that read graph files (check,
// dot, profile): options with values, the output file, and loading many
// graph files with or without --keep-going.
#ifndef LOCKGRAPH_ANALYZER_SRC_CLI_GRAPH_ARGS_H_
#define LOCKGRAPH_ANALYZER_SRC_CLI_GRAPH_ARGS_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "graphs/graph_file.h"

namespace lockgraph::cli {

// The command line of a subcommand that reads graph files: options that take
// a value, flags, and the graph files (or directories) themselves.
struct GraphCommandLine {
  std::vector<std::string> paths;
  std::map<std::string, std::string> values;  // option -> value, for value options given
  std::set<std::string> flags;                // flags given
  bool help = false;                          // --help / -h: print usage, exit 0
};

// Parses argv[1..argc) against `value_options` (each takes the next
// argument; "-o" is an alias of "--output") and `flag_options`. On a usage
// error returns false with `*error` saying what was wrong.
bool ParseGraphCommandLine(int argc, char** argv, const std::set<std::string>& value_options,
                           const std::set<std::string>& flag_options, GraphCommandLine* out,
                           std::string* error);

// Prints "lockgraph COMMAND: MESSAGE" on stderr and returns the usage-error
// exit status.
int FailCommand(const char* command, const std::string& message);

// Writes `text` to `path`, or to stdout when `path` is empty or "-".
bool WriteOutput(const std::string& path, const std::string& text, std::string* error);

// Loads every file (a directory stands for the *.json files in it). With `keep_going`, unreadable
// files are left out and described in `*skipped`; otherwise the first one fails the whole load. At
// least one file must load.
bool LoadGraphs(const std::vector<std::string>& paths, bool keep_going,
                std::vector<graphs::GraphFile>* files, std::vector<std::string>* skipped,
                std::string* error);

}  // namespace lockgraph::cli

#endif  // LOCKGRAPH_ANALYZER_SRC_CLI_GRAPH_ARGS_H_
