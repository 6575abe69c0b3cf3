// How `lockgraph`'s command lines are declared with CLI11, and how they read
// when they are wrong. A help page starts with the command's own synopsis
// (CLI11 derives a single usage line, which cannot show alternative forms
// such as `--pid PID` against `--core CORE --exe EXE`), then the description,
// the arguments and options, and a footer with the exit statuses.
#ifndef LOCKGRAPH_ANALYZER_SRC_CLI_COMMAND_LINE_H_
#define LOCKGRAPH_ANALYZER_SRC_CLI_COMMAND_LINE_H_

#include <CLI/CLI.hpp>
#include <string>

namespace lockgraph::cli {

// Gives `app` its help page: `synopsis` is one form of the command per line
// (without "usage: "), `text` what follows it, `footer` the last lines. Every
// option of `app` is listed under "options:". The app's description stays
// its one-line summary, for the list of commands.
void DescribeCommand(CLI::App* app, const std::string& synopsis, const std::string& text,
                     const std::string& footer);

// Accept a whole number / any number greater than zero; otherwise the error
// says "'VALUE' is not WHAT".
CLI::Validator PositiveInteger(const std::string& what);
CLI::Validator PositiveNumber(const std::string& what);

// Accepts any value but an empty one (a file name).
CLI::Validator NonEmpty(const std::string& what);

// The one-line message for a command line that `app` (the top-level app, with
// the subcommand being parsed below it) refused with `error`: CLI11's own,
// except for arguments nothing expected, which CLI11 only lists (this names
// the first), and an option given without its value.
std::string UsageErrorMessage(const CLI::App& app, const CLI::ParseError& error);

// "unknown option 'ARGUMENT'" when it looks like an option, else
// "OTHERWISE 'ARGUMENT'" ("unknown command", "unexpected argument").
std::string UnexpectedArgumentMessage(const std::string& argument, const std::string& otherwise);

}  // namespace lockgraph::cli

#endif  // LOCKGRAPH_ANALYZER_SRC_CLI_COMMAND_LINE_H_
