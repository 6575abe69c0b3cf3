// Runs the built `lockgraph` binary as a user's shell would, for the CLI tests.
#ifndef LOCKGRAPH_ANALYZER_TESTS_CLI_RUNNER_H_
#define LOCKGRAPH_ANALYZER_TESTS_CLI_RUNNER_H_

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "subprocess.h"

namespace lockgraph::analyzer::testing {

// `lockgraph ARGS...` with `input` on its stdin; a run that does not start or
// outlives 60 s fails the calling test.
inline ProcessResult Cli(std::vector<std::string> args, std::string_view input = {}) {
  args.insert(args.begin(), LOCKGRAPH_CLI);
  ProcessResult r = RunProcess(args, input, 60);
  EXPECT_TRUE(r.started) << r.error;
  EXPECT_FALSE(r.timed_out);
  return r;
}

}  // namespace lockgraph::analyzer::testing

#endif  // LOCKGRAPH_ANALYZER_TESTS_CLI_RUNNER_H_
