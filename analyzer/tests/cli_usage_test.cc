// The `lockgraph` command line itself, for every subcommand: --help on
// stdout with exit 0, and a usage error (unknown option, missing argument,
// option without its value) on stderr with exit 2 and a message that names
// what was wrong.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cli_runner.h"
#include "subprocess.h"

namespace lockgraph::analyzer {
namespace {

constexpr int kUsageError = 2;

const char* const kSubcommands[] = {"analyze", "capture", "check", "dot", "profile", "preload"};

using testing::Cli;

// A usage error: exit 2, nothing on stdout, `message` on stderr's first line
// after "lockgraph COMMAND: ", then the command's help.
void ExpectUsageError(const std::vector<std::string>& args, const std::string& command,
                      const std::string& message) {
  ProcessResult r = Cli(args);
  EXPECT_EQ(r.exit_code, kUsageError) << r.err;
  EXPECT_EQ(r.out, "");
  const std::string prefix = command.empty() ? "lockgraph: " : "lockgraph " + command + ": ";
  EXPECT_EQ(r.err.substr(0, r.err.find('\n')), prefix + message) << r.err;
  EXPECT_NE(r.err.find("usage: lockgraph " + (command.empty() ? "COMMAND" : command)),
            std::string::npos)
      << r.err;
}

TEST(CliUsageTest, HelpOfEverySubcommandGoesToStdoutWithExitZero) {
  for (const char* command : kSubcommands) {
    for (const char* flag : {"--help", "-h"}) {
      SCOPED_TRACE(std::string(command) + " " + flag);
      ProcessResult r = Cli({command, flag});
      EXPECT_EQ(r.exit_code, 0) << r.err;
      EXPECT_EQ(r.err, "");
      EXPECT_EQ(r.out.rfind(std::string("usage: lockgraph ") + command + " ", 0), 0u) << r.out;
      EXPECT_NE(r.out.find("--help"), std::string::npos) << r.out;
    }
  }
  // The top level lists every subcommand, however help is asked for.
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"--help"}, {"-h"}, {"help"}, {"help", "analyze"}}) {
    ProcessResult r = Cli(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out.rfind("usage: lockgraph COMMAND [ARGS...]\n", 0), 0u) << r.out;
    for (const char* command : kSubcommands) {
      EXPECT_NE(r.out.find(std::string("\n  ") + command + " "), std::string::npos) << command;
    }
  }
  ProcessResult version = Cli({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out.rfind("lockgraph ", 0), 0u) << version.out;
}

TEST(CliUsageTest, UnknownOptionIsNamed) {
  ExpectUsageError({"--no-such-flag"}, "", "unknown option '--no-such-flag'");
  ExpectUsageError({"frobnicate"}, "", "unknown command 'frobnicate'");
  for (const char* command : kSubcommands) {
    SCOPED_TRACE(command);
    ExpectUsageError({command, "--no-such-flag", "x.json"}, command,
                     "unknown option '--no-such-flag'");
    ExpectUsageError({command, "-Z", "x.json"}, command, "unknown option '-Z'");
  }
  // A subcommand does not take the top level's options.
  ExpectUsageError({"analyze", "--version", "x.txt"}, "analyze", "unknown option '--version'");
}

TEST(CliUsageTest, MissingArgumentIsNamed) {
  ProcessResult none = Cli({});
  EXPECT_EQ(none.exit_code, kUsageError);
  EXPECT_EQ(none.err.rfind("usage: lockgraph COMMAND [ARGS...]\n", 0), 0u) << none.err;
  ExpectUsageError({"analyze"}, "analyze", "no input: give dump files, `-` for stdin, or --pid");
  ExpectUsageError({"capture"}, "capture", "give either --pid PID, or --core CORE and --exe EXE");
  ExpectUsageError({"capture", "--core", "core"}, "capture",
                   "give either --pid PID, or --core CORE and --exe EXE");
  for (const char* command : {"check", "dot", "profile"}) {
    ExpectUsageError({command}, command, "GRAPH.json|DIR is required");
  }
  ExpectUsageError({"preload"}, "preload", "no program to run");
  ExpectUsageError({"preload", "--lib", "x.so"}, "preload", "no program to run");
  ExpectUsageError({"check", "--update-baseline", "x.json"}, "check",
                   "--update-baseline needs --baseline FILE");
}

TEST(CliUsageTest, OptionWithoutOrWithAWrongValue) {
  ExpectUsageError({"analyze", "x.txt", "--format"}, "analyze", "--format needs a value");
  ExpectUsageError({"capture", "--pid"}, "capture", "--pid needs a value");
  ExpectUsageError({"check", "x.json", "-o"}, "check", "--output needs a value");
  ExpectUsageError({"profile", "x.json", "--top"}, "profile", "--top needs a value");
  ExpectUsageError({"preload", "--lib"}, "preload", "--lib needs a value");
  ExpectUsageError({"analyze", "--format", "yaml", "x.txt"}, "analyze",
                   "--format: yaml not in {text,json,dot,svg,html}");
  ExpectUsageError({"check", "--format", "xml", "x.json"}, "check",
                   "--format: xml not in {text,sarif,junit,json}");
  ExpectUsageError({"dot", "--format", "png", "x.json"}, "dot", "--format: png not in {dot,svg}");
  ExpectUsageError({"analyze", "--pid", "abc"}, "analyze", "--pid: 'abc' is not a process id");
  ExpectUsageError({"capture", "--pid=0"}, "capture", "--pid: '0' is not a process id");
  ExpectUsageError({"capture", "--pid", "1", "--timeout", "soon"}, "capture",
                   "--timeout: 'soon' is not a number of seconds");
  ExpectUsageError({"profile", "--top", "-1", "x.json"}, "profile",
                   "--top: '-1' is not a positive number");
  ExpectUsageError({"analyze", "-o", "", "x.txt"}, "analyze", "--output: wants a file name");
}

// Everything from PROGRAM on is PROGRAM's, options and `--help` included.
TEST(CliUsageTest, PreloadLeavesTheProgramsArgumentsAlone) {
  ProcessResult r = Cli({"preload", "--lib", "/nonexistent/lib.so", "--", "/bin/echo", "--help"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("/nonexistent/lib.so: No such file or directory"), std::string::npos)
      << r.err;
  ProcessResult statically = Cli({"preload", LOCKGRAPH_FIXTURE_STATIC, "--help", "-x"});
  EXPECT_EQ(statically.exit_code, 3) << statically.err;
  EXPECT_NE(statically.out.find("arg 1: --help\narg 2: -x\n"), std::string::npos) << statically.out;
}

}  // namespace
}  // namespace lockgraph::analyzer
