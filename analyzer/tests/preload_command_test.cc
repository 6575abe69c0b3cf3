// `lockgraph preload -- PROGRAM`: a statically linked program gets one clear
// line and runs unaffected; a program that never uses pthreads runs
// unaffected and silent, through the wrapper and with a bare LD_PRELOAD.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "subprocess.h"

namespace lockgraph::analyzer {
namespace {

// What the fixture prints for `a "b c"` and one line of stdin; it exits 3.
constexpr char kExpectedOut[] = "arg 1: a\narg 2: b c\nstdin: hello\n";

ProcessResult RunWithInput(std::vector<std::string> argv) {
  ProcessResult r = RunProcess(argv, "hello\n", 60);
  EXPECT_TRUE(r.started) << r.error;
  EXPECT_FALSE(r.timed_out);
  return r;
}

TEST(PreloadCommandTest, StaticProgramGetsOneLineAndRunsUnaffected) {
  ProcessResult plain = RunWithInput({LOCKGRAPH_FIXTURE_STATIC, "a", "b c"});
  ASSERT_EQ(plain.exit_code, 3);
  ASSERT_EQ(plain.out, kExpectedOut);

  ProcessResult r =
      RunWithInput({LOCKGRAPH_CLI, "preload", "--", LOCKGRAPH_FIXTURE_STATIC, "a", "b c"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, kExpectedOut);
  EXPECT_EQ(r.err, std::string("lockgraph preload: ") + LOCKGRAPH_FIXTURE_STATIC +
                       " is statically linked: LD_PRELOAD cannot interpose its locks; rebuild with "
                       "lockgraph's wrappers or link dynamically (running it without lockgraph)\n");
}

TEST(PreloadCommandTest, ProgramWithoutPthreadsRunsUnaffectedAndSilent) {
#ifndef LOCKGRAPH_PRELOAD_LIB
  GTEST_SKIP() << "liblockgraph_preload.so is not built here (sanitizer or LOCKGRAPH=OFF build)";
#else
  // Through the wrapper, which finds the library in the build tree by itself.
  ProcessResult r =
      RunWithInput({LOCKGRAPH_CLI, "preload", LOCKGRAPH_FIXTURE_NO_THREADS, "a", "b c"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, kExpectedOut);
  EXPECT_EQ(r.err, "");
  // With LD_PRELOAD set by hand.
  ProcessResult bare =
      RunWithInput({"/usr/bin/env", std::string("LD_PRELOAD=") + LOCKGRAPH_PRELOAD_LIB,
                    LOCKGRAPH_FIXTURE_NO_THREADS, "a", "b c"});
  EXPECT_EQ(bare.exit_code, 3);
  EXPECT_EQ(bare.out, kExpectedOut);
  EXPECT_EQ(bare.err, "");
  // The wrapper really preloads: a program that prints its environment sees it.
  ProcessResult env = RunWithInput(
      {LOCKGRAPH_CLI, "preload", "--lib", LOCKGRAPH_PRELOAD_LIB, "--", "/usr/bin/env"});
  EXPECT_EQ(env.exit_code, 0);
  EXPECT_NE(env.out.find(std::string("LD_PRELOAD=") + LOCKGRAPH_PRELOAD_LIB), std::string::npos)
      << env.out;
#endif
}

TEST(PreloadCommandTest, UsageAndMissingPieces) {
  ProcessResult none = RunWithInput({LOCKGRAPH_CLI, "preload"});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("no program to run"), std::string::npos) << none.err;
  ProcessResult unknown = RunWithInput({LOCKGRAPH_CLI, "preload", "--frob", "true"});
  EXPECT_EQ(unknown.exit_code, 2);
  ProcessResult missing = RunWithInput({LOCKGRAPH_CLI, "preload", "no-such-program-anywhere"});
  EXPECT_EQ(missing.exit_code, 127);
  EXPECT_NE(missing.err.find("no-such-program-anywhere: not found in PATH"), std::string::npos);
  ProcessResult no_lib = RunWithInput({"/usr/bin/env", "LOCKGRAPH_PRELOAD_LIB=/nonexistent/lib.so",
                                       LOCKGRAPH_CLI, "preload", LOCKGRAPH_FIXTURE_NO_THREADS});
  EXPECT_EQ(no_lib.exit_code, 2);
  EXPECT_NE(no_lib.err.find("cannot find liblockgraph_preload.so (looked at /nonexistent/lib.so)"),
            std::string::npos)
      << no_lib.err;
  ProcessResult help = RunWithInput({LOCKGRAPH_CLI, "preload", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("statically linked"), std::string::npos);
}

}  // namespace
}  // namespace lockgraph::analyzer
