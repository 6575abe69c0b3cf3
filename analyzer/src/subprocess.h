// Runs a helper program (Graphviz `dot`, gdb) with its input from a string
// and its output captured, bounded in time. Used only by the CLI's renderers
// and `capture`; the analysis itself never runs anything.
#ifndef LOCKGRAPH_ANALYZER_SRC_SUBPROCESS_H_
#define LOCKGRAPH_ANALYZER_SRC_SUBPROCESS_H_

#include <string>
#include <string_view>
#include <vector>

namespace lockgraph::analyzer {

struct ProcessResult {
  bool started = false;    // false: the program could not be run (see `error`)
  bool timed_out = false;  // killed after the time limit
  int exit_code = -1;      // exit status, or 128 + signal
  std::string out;         // everything it wrote to stdout
  std::string err;         // everything it wrote to stderr
  std::string error;       // why it could not be started
};

// Runs `argv` (argv[0] looked up in PATH), feeding `input` on stdin and
// collecting stdout and stderr until it exits; after `timeout_seconds` it is
// killed (SIGKILL) and `timed_out` set.
ProcessResult RunProcess(const std::vector<std::string>& argv, std::string_view input,
                         double timeout_seconds);

// True when `name` is an executable file in one of PATH's directories.
bool InPath(const std::string& name);

}  // namespace lockgraph::analyzer

#endif  // LOCKGRAPH_ANALYZER_SRC_SUBPROCESS_H_
