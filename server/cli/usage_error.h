// server/cli/usage_error.h
// -----------------------------------------------------------------------------
// What cacheforge-cli and cacheforge-check-aof say about a command line that
// CLI11 refused: "PROGRAM: MESSAGE" and the help, on standard error. The
// message is CLI11's, except for arguments nothing expected (CLI11 only lists
// them; this names the first as an unknown option) and an option given last
// without its value. The exit status is each program's own.
#ifndef CACHEFORGE_CLI_USAGE_ERROR_H_
#define CACHEFORGE_CLI_USAGE_ERROR_H_

#include <CLI/CLI.hpp>
#include <optional>

namespace cacheforge {

void PrintUsageError(const CLI::App& app, const CLI::ParseError& error);

// Parses the command line into `app`'s options. nullopt: go on and run.
// Otherwise the program's exit status: 0 after printing --help or --version
// on standard output, `usage_exit` after PrintUsageError.
std::optional<int> ParseCommandLine(CLI::App& app, int argc, char** argv, int usage_exit);

}  // namespace cacheforge

#endif  // CACHEFORGE_CLI_USAGE_ERROR_H_
