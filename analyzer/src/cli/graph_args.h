// Argument handling shared by the subcommands that read graph files (check,
// dot, profile): options with values, the output file, and loading many
// graph files with or without --keep-going.
#ifndef LOCKGRAPH_ANALYZER_SRC_CLI_GRAPH_ARGS_H_
#define LOCKGRAPH_ANALYZER_SRC_CLI_GRAPH_ARGS_H_

#include <string>
#include <vector>

#include "graphs/graph_file.h"

namespace lockgraph::cli {

// Writes `text` to `path`, or to stdout when `path` is empty or "-".
bool WriteOutput(const std::string& path, const std::string& text, std::string* error);

// Loads every file (a directory stands for the *.json files in it). With `keep_going`, unreadable files are left out and
// described in `*skipped`; otherwise the first one fails the whole load. At
// least one file must load.
bool LoadGraphs(const std::vector<std::string>& paths, bool keep_going,
                std::vector<graphs::GraphFile>* files, std::vector<std::string>* skipped,
                std::string* error);

}  // namespace lockgraph::cli

#endif  // LOCKGRAPH_ANALYZER_SRC_CLI_GRAPH_ARGS_H_
