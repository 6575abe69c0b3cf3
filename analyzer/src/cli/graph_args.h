// What the subcommands that read graph files (check, dot, profile) share:
// their graph file arguments, the output file, and loading many graph files
// with or without --keep-going.
#ifndef LOCKGRAPH_ANALYZER_SRC_CLI_GRAPH_ARGS_H_
#define LOCKGRAPH_ANALYZER_SRC_CLI_GRAPH_ARGS_H_

#include <string>
#include <vector>

#include "graphs/graph_file.h"

namespace CLI {
class App;
}  // namespace CLI

namespace lockgraph::cli {

// Declares the arguments every graph command takes: the graph files (a
// directory stands for the *.json files in it), at least one, and
// --keep-going.
void AddGraphFiles(CLI::App* app, std::vector<std::string>* paths, bool* keep_going);

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
