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

namespace cacheforge {

void PrintUsageError(const CLI::App& app, const CLI::ParseError& error);

}  // namespace cacheforge

#endif  // CACHEFORGE_CLI_USAGE_ERROR_H_
