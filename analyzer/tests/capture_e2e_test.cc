// End to end: start a program that really deadlocks (two threads, two
// pthread mutexes, ABBA), `lockgraph capture --pid` it, `lockgraph analyze`
// the result, and expect the cycle with both LWPs and both mutexes. Skipped
// with the reason when gdb is missing or ptrace is not permitted here.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "subprocess.h"

extern char** environ;

namespace lockgraph::analyzer {
namespace {

// The fixture process: started with its stdout on a pipe, killed on scope exit.
class Fixture {
 public:
  explicit Fixture(const char* program = LOCKGRAPH_FIXTURE_ABBA,
                   std::vector<std::string> args = {}) {
    int fds[2];
    if (pipe(fds) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    std::vector<char*> argv = {const_cast<char*>(program)};
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ) != 0) pid_ = 0;
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    out_ = fdopen(fds[0], "r");
  }
  ~Fixture() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (out_) fclose(out_);
  }
  // Reads "ready PID LWP LWP"; the fixtures print it within a few seconds.
  bool WaitReady(long* lwp_a, long* lwp_b) {
    long pid = 0;
    return out_ && fscanf(out_, "ready %ld %ld %ld", &pid, lwp_a, lwp_b) == 3 && pid == pid_;
  }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = 0;
  FILE* out_ = nullptr;
};

// Checks `lockgraph analyze --format json DUMP`: one cycle of exactly the
// fixture's two threads, each waiting on a different mutex whose owner was
// read from memory.
void ExpectAbbaCycle(const std::string& dump, long lwp_a, long lwp_b) {
  ProcessResult an = RunProcess({LOCKGRAPH_CLI, "analyze", "--format", "json", dump}, {}, 60);
  ASSERT_EQ(an.exit_code, 1) << an.err << an.out;
  nlohmann::json j = nlohmann::json::parse(an.out);
  ASSERT_EQ(j["cycles"].size(), 1u) << an.out;
  std::set<long> lwps;
  std::set<std::string> locks;
  for (const auto& step : j["cycles"][0]) {
    lwps.insert(step["lwp"].get<long>());
    ASSERT_TRUE(step["lock"].is_string()) << step;
    locks.insert(step["lock"].get<std::string>());
    EXPECT_EQ(step["kind"], "mutex");
    EXPECT_EQ(step["evidence"], "recorded-owner");
    EXPECT_EQ(step["confidence"], "high");
  }
  EXPECT_EQ(lwps, (std::set<long>{lwp_a, lwp_b}));
  EXPECT_EQ(locks.size(), 2u);
}

bool PtraceDenied(const ProcessResult& r) {
  return r.exit_code != 0 && (r.err.find("ptrace") != std::string::npos ||
                              r.err.find("Operation not permitted") != std::string::npos);
}

TEST(CaptureEndToEndTest, CapturesAndAnalyzesARealAbbaDeadlock) {
  if (!InPath("gdb")) GTEST_SKIP() << "gdb is not installed";
  Fixture fixture;
  ASSERT_GT(fixture.pid(), 0);
  long lwp_a = 0, lwp_b = 0;
  ASSERT_TRUE(fixture.WaitReady(&lwp_a, &lwp_b));

  std::string dump = (std::filesystem::temp_directory_path() /
                      ("lockgraph-e2e-" + std::to_string(fixture.pid()) + ".txt"))
                         .string();
  ProcessResult cap = RunProcess({LOCKGRAPH_CLI, "capture", "--pid", std::to_string(fixture.pid()),
                                  "-o", dump, "--timeout", "60"},
                                 {}, 90);
  ASSERT_FALSE(cap.timed_out);
  if (PtraceDenied(cap)) GTEST_SKIP() << "ptrace is not permitted here: " << cap.err;
  ASSERT_EQ(cap.exit_code, 0) << cap.err;
  ExpectAbbaCycle(dump, lwp_a, lwp_b);
  std::filesystem::remove(dump);

  // `analyze --pid` captures and analyzes in one step.
  ProcessResult direct = RunProcess(
      {LOCKGRAPH_CLI, "analyze", "--pid", std::to_string(fixture.pid()), "--format", "json"}, {},
      90);
  ASSERT_EQ(direct.exit_code, 1) << direct.err;
  std::set<long> lwps;
  const nlohmann::json direct_json = nlohmann::json::parse(direct.out);
  for (const auto& step : direct_json["cycles"].at(0)) {
    lwps.insert(step["lwp"].get<long>());
  }
  EXPECT_EQ(lwps, (std::set<long>{lwp_a, lwp_b}));
  // The fixture was only read: it is still there, still stuck.
  EXPECT_EQ(kill(fixture.pid(), 0), 0);
}

TEST(CaptureEndToEndTest, CapturesACoreFile) {
  if (!InPath("gdb")) GTEST_SKIP() << "gdb is not installed";
  Fixture fixture;
  ASSERT_GT(fixture.pid(), 0);
  long lwp_a = 0, lwp_b = 0;
  ASSERT_TRUE(fixture.WaitReady(&lwp_a, &lwp_b));
  const auto dir = std::filesystem::temp_directory_path();
  const std::string core = (dir / ("lockgraph-e2e-" + std::to_string(fixture.pid()) + ".core"));
  const std::string dump = core + ".txt";
  // gcore through gdb: the same ptrace permission as capture --pid.
  ProcessResult gcore = RunProcess({"gdb", "-batch", "-nx", "-iex", "set debuginfod enabled off",
                                    "-p", std::to_string(fixture.pid()), "-ex", "gcore " + core},
                                   {}, 90);
  if (!std::filesystem::exists(core)) {
    if (PtraceDenied(gcore)) GTEST_SKIP() << "ptrace is not permitted here: " << gcore.err;
    FAIL() << "gcore wrote no core: " << gcore.err;
  }
  ProcessResult cap = RunProcess(
      {LOCKGRAPH_CLI, "capture", "--core", core, "--exe", LOCKGRAPH_FIXTURE_ABBA, "-o", dump}, {},
      90);
  std::filesystem::remove(core);
  ASSERT_EQ(cap.exit_code, 0) << cap.err;
  ExpectAbbaCycle(dump, lwp_a, lwp_b);
  std::filesystem::remove(dump);
}

TEST(CaptureEndToEndTest, NamesLockgraphLocksThroughTheGdbExtension) {
#ifndef LOCKGRAPH_FIXTURE_NAMED_ABBA
  GTEST_SKIP() << "the lockgraph fixture is not built in sanitizer builds";
#else
  if (!InPath("gdb")) GTEST_SKIP() << "gdb is not installed";
  Fixture fixture(LOCKGRAPH_FIXTURE_NAMED_ABBA);
  ASSERT_GT(fixture.pid(), 0);
  long lwp_a = 0, lwp_b = 0;
  ASSERT_TRUE(fixture.WaitReady(&lwp_a, &lwp_b));
  // `capture` finds the extension next to its binary in the build tree (as
  // in PREFIX/share/lockgraph once installed) and runs `lockgraph threads`.
  ProcessResult cap = RunProcess(
      {LOCKGRAPH_CLI, "capture", "--pid", std::to_string(fixture.pid()), "--timeout", "60"}, {},
      90);
  ASSERT_FALSE(cap.timed_out);
  if (PtraceDenied(cap)) GTEST_SKIP() << "ptrace is not permitted here: " << cap.err;
  ASSERT_EQ(cap.exit_code, 0) << cap.err;
  EXPECT_NE(cap.out.find("[lockgraph] gdb extension: /"), std::string::npos);
  EXPECT_NE(cap.out.find("lockgraph-gdb: thread " + std::to_string(lwp_a) + " waits 0x"),
            std::string::npos)
      << cap.out;

  ProcessResult an = RunProcess({LOCKGRAPH_CLI, "analyze", "--format", "json", "-"}, cap.out, 60);
  ASSERT_EQ(an.exit_code, 1) << an.err;
  nlohmann::json j = nlohmann::json::parse(an.out);
  ASSERT_EQ(j["cycles"].size(), 1u);
  std::set<long> lwps;
  std::set<std::string> names;
  for (const auto& step : j["cycles"][0]) {
    lwps.insert(step["lwp"].get<long>());
    names.insert(step["lock_name"].get<std::string>());
    EXPECT_EQ(step["evidence"], "lockgraph-registry");
    EXPECT_EQ(step["confidence"], "high");
  }
  EXPECT_EQ(lwps, (std::set<long>{lwp_a, lwp_b}));
  EXPECT_EQ(names, (std::set<std::string>{"orders.table", "orders.index"}));

  // Without the extension (not found), the same capture still finds the
  // cycle from libc's owner fields, without names.
  ProcessResult plain =
      RunProcess({"/usr/bin/env", "LOCKGRAPH_GDB_EXTENSION=/nonexistent.py", LOCKGRAPH_CLI,
                  "capture", "--pid", std::to_string(fixture.pid()), "--timeout", "60"},
                 {}, 90);
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_NE(plain.out.find("[lockgraph] gdb extension: not found"), std::string::npos);
#endif
}

// The loader-lock hang of fixtures/loader_lock.c, live: `lockgraph capture`
// reads both owners; a gdb session that prints only the program's own mutex
// (commands echoed by `set trace-commands on`) gives the same owners, the
// loader lock's from where its holder is (a likely deadlock).
TEST(CaptureEndToEndTest, ALoaderLockHangFromACaptureAndFromASession) {
  if (!InPath("gdb")) GTEST_SKIP() << "gdb is not installed";
  Fixture fixture(LOCKGRAPH_FIXTURE_LOADER_LOCK, {"dlopen", LOCKGRAPH_FIXTURE_PLUGIN});
  ASSERT_GT(fixture.pid(), 0);
  long registry = 0, loader = 0;
  ASSERT_TRUE(fixture.WaitReady(&registry, &loader));
  const std::string pid = std::to_string(fixture.pid());

  ProcessResult cap =
      RunProcess({LOCKGRAPH_CLI, "analyze", "--pid", pid, "--format", "json"}, {}, 90);
  ASSERT_FALSE(cap.timed_out);
  if (PtraceDenied(cap)) GTEST_SKIP() << "ptrace is not permitted here: " << cap.err;
  ASSERT_EQ(cap.exit_code, 1) << cap.err;
  ProcessResult gdb = RunProcess(
      {"gdb", "-batch", "-nx", "-q", "-iex", "set debuginfod enabled off", "-iex",
       "set trace-commands on", "-p", pid, "-ex", "thread apply all bt", "-ex", "p g_registry"},
      {}, 90);
  ASSERT_EQ(gdb.exit_code, 0) << gdb.err;
  ProcessResult session =
      RunProcess({LOCKGRAPH_CLI, "analyze", "--format", "json", "-"}, gdb.out, 60);
  ASSERT_EQ(session.exit_code, 1) << session.err << session.out;

  // Who waits for whom, in each.
  auto waits_for = [](const nlohmann::json& j) {
    std::map<long, long> out;
    for (const auto& step : j["cycles"].at(0)) {
      out[step["lwp"].get<long>()] = step["waits_for_lwp"].get<long>();
    }
    return out;
  };
  const nlohmann::json from_capture = nlohmann::json::parse(cap.out);
  const nlohmann::json from_session = nlohmann::json::parse(session.out);
  const std::map<long, long> expected = {{registry, loader}, {loader, registry}};
  EXPECT_EQ(waits_for(from_capture), expected);
  EXPECT_EQ(waits_for(from_session), expected);
  EXPECT_FALSE(from_capture.contains("cycle_verdicts"));  // both owners read from memory
  ASSERT_TRUE(from_session.contains("cycle_verdicts")) << session.out;
  EXPECT_TRUE(from_session["cycle_verdicts"][0]["likely"].get<bool>());
  for (const auto& step : from_session["cycles"][0]) {
    EXPECT_EQ(step["evidence"],
              step["lwp"].get<long>() == registry ? "implied-holder" : "gdb-print");
  }
}

}  // namespace
}  // namespace lockgraph::analyzer
