// The built `lockgraph` binary, run as users run it: subcommand dispatch,
// exit codes 0/1/2, messages on stderr, output files.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "subprocess.h"

namespace lockgraph::analyzer {
namespace {

namespace fs = std::filesystem;

std::string Dump(const std::string& name) {
  return std::string(LOCKGRAPH_ANALYZER_TESTDATA) + "/dumps/" + name;
}

using testing::Cli;

std::string testing_ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

class TempDir {
 public:
  TempDir() {
    std::string t = (fs::temp_directory_path() / "lockgraph-cli-test-XXXXXX").string();
    path_ = mkdtemp(t.data());
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string File(const std::string& name, const std::string& content) const {
    std::string p = path_ + "/" + name;
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(CliTest, HelpVersionAndUnknownCommands) {
  ProcessResult help = Cli({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("analyze"), std::string::npos);
  EXPECT_NE(help.out.find("capture"), std::string::npos);
  EXPECT_EQ(Cli({"--version"}).exit_code, 0);
  ProcessResult none = Cli({});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("usage"), std::string::npos);
  ProcessResult unknown = Cli({"frobnicate"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("unknown command 'frobnicate'"), std::string::npos);
  EXPECT_TRUE(unknown.out.empty());
  EXPECT_EQ(Cli({"analyze", "--help"}).exit_code, 0);
  EXPECT_EQ(Cli({"analyze", "--no-such-flag", Dump("gdb_contract_join.txt")}).exit_code, 2);
  EXPECT_EQ(Cli({"analyze", "--format", "yaml", Dump("gdb_contract_join.txt")}).exit_code, 2);
  EXPECT_EQ(Cli({"analyze"}).exit_code, 2);
}

TEST(CliTest, ExitZeroWithoutDeadlockAndTheContractJson) {
  ProcessResult r = Cli({"analyze", "--format", "json", Dump("gdb_contract_join.txt")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["cycles"], nlohmann::json::array());
}

TEST(CliTest, ExitOneOnDeadlockInAnyFormat) {
  for (const char* format : {"text", "json", "dot"}) {
    SCOPED_TRACE(format);
    ProcessResult r = Cli({"analyze", "--format", format, Dump("gdb_capture_abba.txt")});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_FALSE(r.out.empty());
  }
  ProcessResult text = Cli({"analyze", Dump("gdb_capture_abba.txt")});
  EXPECT_EQ(text.out.rfind("lockgraph: deadlock:", 0), 0u);
  EXPECT_NE(text.out.find("LWP 26077"), std::string::npos);
  EXPECT_NE(text.out.find("LWP 26078"), std::string::npos);
  // Several files: deadlock in any of them.
  EXPECT_EQ(Cli({"analyze", Dump("gdb_contract_join.txt"), Dump("gdb_capture_abba.txt")}).exit_code,
            1);
}

TEST(CliTest, ExitTwoOnUnreadableInputWithAReason) {
  TempDir dir;
  const std::string whole = testing_ReadFile(Dump("gdb_capture_abba.txt"));
  std::string garbage;  // high bytes (not a control byte) and, at offset 49, a 0x01
  for (int i = 0; i < 4096; ++i) garbage += static_cast<char>(i == 49 ? 0x01 : 0x80 + i % 128);
  struct Case {
    std::string path;
    std::vector<std::string> reasons;  // all of them, in the one-line message
  } cases[] = {
      {dir.path() + "/does-not-exist.txt", {"does-not-exist.txt: No such file or directory"}},
      {dir.File("empty.txt", ""), {"empty.txt: empty input", "expected a thread dump"}},
      {dir.File("garbage.txt", "Summary of the incident\nthis is not a thread dump\n"),
       {"garbage.txt: line 1: `Summary of the incident` is not part of a thread dump",
        "no frame was found in 2 line(s)", "expected a thread dump or a pasted backtrace"}},
      // A session that printed a lock but no stack: nothing to tie it to.
      {dir.File("prints.txt", "(gdb) p *mutex\n$1 = {__data = {__lock = 2, __owner = 7}}\n"),
       {"prints.txt: no frame found in 2 line(s)", "an `info threads` table"}},
      {dir.File("binary.bin", std::string("\x7f"
                                          "ELF\x02\x01\x01\0\0\0\0\0",
                                          12)),
       {"binary.bin: line 1: binary data (byte 0x7f at offset 0)", "expected a thread dump"}},
      {dir.File("noise.bin", garbage), {"noise.bin: line 1: binary data (byte 0x01 at offset 49)"}},
      // Truncated before the first frame: the header's line, and what should follow it.
      {dir.File("truncated.txt", whole.substr(0, whole.find("#0 "))),
       {"truncated.txt: line 6: thread header of LWP 26079 is not followed by any frame",
        "looks cut short", "expected frame lines like `#0"}},
      {dir.path(), {"is a directory"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.path);
    ProcessResult r = Cli({"analyze", "--format", "json", c.path});
    EXPECT_EQ(r.exit_code, 2);
    for (const std::string& reason : c.reasons) {
      EXPECT_NE(r.err.find(reason), std::string::npos) << r.err;
    }
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "one line: " << r.err;
    EXPECT_EQ(r.err.rfind("lockgraph analyze: ", 0), 0u) << r.err;
    EXPECT_TRUE(r.out.empty());
  }
}

// Every paste of the corpus is read, and what it lacks is said in every
// format's verdict.
TEST(CliTest, PastesAreReadAndTheirGapsAreNamedInEveryFormat) {
  const std::string dir = std::string(LOCKGRAPH_ANALYZER_TESTDATA) + "/pastes";
  int pastes = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".txt") continue;
    SCOPED_TRACE(e.path().string());
    ++pastes;
    ProcessResult json = Cli({"analyze", "--format", "json", e.path().string()});
    ASSERT_NE(json.exit_code, 2) << json.err;
    nlohmann::json j = nlohmann::json::parse(json.out);
    EXPECT_EQ(json.exit_code, j["cycles"].empty() ? 0 : 1);
    if (!j.contains("missing")) continue;
    ProcessResult text = Cli({"analyze", e.path().string()});
    ProcessResult html = Cli({"analyze", "--format", "html", e.path().string()});
    for (const auto& gap : j["missing"]) {
      const std::string said = gap["text"].get<std::string>();
      EXPECT_NE(j["verdict"].get<std::string>().find(said), std::string::npos);
      EXPECT_NE(text.out.find("  missing: " + said), std::string::npos) << text.out;
      // HTML escapes quotes; the kind of gap is named all the same.
      EXPECT_NE(html.out.find("What the paste lacks"), std::string::npos);
    }
  }
  EXPECT_GE(pastes, 10);
}

TEST(CliTest, TruncatedDumpIsAnalyzedWithAWarning) {
  TempDir dir;
  // The gdb extension's lines come first in this dump, so a cut in the last
  // thread (main) leaves the whole cycle.
  const std::string whole = testing_ReadFile(Dump("gdb_ext_lockgraph_named_abba.txt"));
  // Cut in the middle of the last thread's frames, mid-line.
  const std::string cut = whole.substr(0, whole.find("#2 ", whole.find("Thread 1 ")) + 10);
  ProcessResult r = Cli({"analyze", dir.File("cut.txt", cut)});
  EXPECT_EQ(r.exit_code, 1) << r.err;  // the ABBA pair was complete
  EXPECT_NE(r.err.find("cut.txt: warning: line "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("(the last) ends without a newline"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("  warning: line "), std::string::npos);
}

TEST(CliTest, ReadsGzipCompressedDumps) {
  TempDir dir;
  const std::string gz = Dump("gdb_capture_many_threads.txt.gz");
  ProcessResult r = Cli({"analyze", "--format", "json", gz});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["dump"]["threads"], 2000);
  EXPECT_EQ(j["cycles"].size(), 1u);
  // From stdin too, whatever the name.
  ProcessResult piped = Cli({"analyze", "-"}, testing_ReadFile(gz));
  EXPECT_EQ(piped.exit_code, 1) << piped.err;
  // Corrupt and cut-short gzip data.
  std::string data = testing_ReadFile(gz);
  std::string corrupt = data;
  for (size_t i = 100; i < 400; ++i) corrupt[i] = static_cast<char>(corrupt[i] ^ 0x5a);
  ProcessResult bad = Cli({"analyze", dir.File("corrupt.gz", corrupt)});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("corrupt.gz: corrupt gzip data at compressed byte "), std::string::npos)
      << bad.err;
  ProcessResult cut = Cli({"analyze", dir.File("cut.gz", data.substr(0, data.size() / 2))});
  // Read as far as it goes (the owner records at the end are gone, so no cycle).
  EXPECT_EQ(cut.exit_code, 0) << cut.err;
  EXPECT_NE(cut.out.find("warning: the gzip data ends before its end marker"), std::string::npos);
  EXPECT_NE(cut.err.find("the gzip data ends before its end marker"), std::string::npos) << cut.err;
}

TEST(CliTest, ReadsStdinAndWritesOutputFiles) {
  std::ifstream in(Dump("gdb_capture_self_deadlock.txt"));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ProcessResult r = Cli({"analyze", "--format=json", "-"}, text);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["cycles"][0][0]["lwp"], 3301);

  TempDir dir;
  std::string out = dir.path() + "/report.html";
  ProcessResult html =
      Cli({"analyze", "--format", "html", "-o", out, Dump("gdb_capture_3cycle_blocked.txt")});
  EXPECT_EQ(html.exit_code, 1) << html.err;
  EXPECT_TRUE(html.out.empty());
  std::ifstream page(out);
  std::string first;
  std::getline(page, first);
  EXPECT_EQ(first, "<!DOCTYPE html>");
  EXPECT_EQ(Cli({"analyze", "-o", dir.path() + "/no/such/dir/x", Dump("gdb_contract_join.txt")})
                .exit_code,
            2);
}

TEST(CliTest, SvgNeedsGraphviz) {
  // With PATH emptied, `dot` cannot be found: a clear message and exit 2.
  std::vector<std::string> args = {
      "/usr/bin/env", "PATH=/nonexistent",         LOCKGRAPH_CLI, "analyze", "--format",
      "svg",          Dump("gdb_capture_abba.txt")};
  ProcessResult r = RunProcess(args, {}, 60);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("Graphviz `dot` is not installed"), std::string::npos) << r.err;
  if (InPath("dot")) {
    ProcessResult ok = Cli({"analyze", "--format", "svg", Dump("gdb_capture_abba.txt")});
    EXPECT_EQ(ok.exit_code, 1) << ok.err;
    EXPECT_NE(ok.out.find("<svg"), std::string::npos);
  }
}

TEST(CliTest, HtmlWithoutGraphvizIsStillAPage) {
  ProcessResult r = RunProcess({"/usr/bin/env", "PATH=/nonexistent", LOCKGRAPH_CLI, "analyze",
                                "--format", "html", Dump("gdb_capture_abba.txt")},
                               {}, 60);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(r.out.find("<svg"), std::string::npos);
  EXPECT_NE(r.err.find("no graph in the page"), std::string::npos) << r.err;
}

TEST(CliTest, SeveralDumpsListThreadsStuckInAllOfThem) {
  ProcessResult r = Cli(
      {"analyze", "--format", "json", Dump("gdb_capture_abba.txt"), Dump("gdb_capture_abba.txt")});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["dumps"].size(), 2u);
  EXPECT_EQ(j["cycles"].size(), 2u);
  std::set<int64_t> stuck;
  for (const auto& t : j["stuck_across_dumps"]) stuck.insert(t["lwp"].get<int64_t>());
  EXPECT_EQ(stuck, (std::set<int64_t>{26075, 26077, 26078, 26079}));
  ProcessResult text = Cli({"analyze", Dump("gdb_capture_abba.txt"), Dump("gdb_capture_abba.txt")});
  EXPECT_NE(text.out.find("across 2 dumps: 4 threads stayed blocked in the same place"),
            std::string::npos);
}

TEST(CliTest, CaptureArgumentErrors) {
  EXPECT_EQ(Cli({"capture"}).exit_code, 2);
  EXPECT_EQ(Cli({"capture", "--pid", "abc"}).exit_code, 2);
  EXPECT_EQ(Cli({"capture", "--core", "/nonexistent"}).exit_code, 2);
  ProcessResult r = Cli({"capture", "--core", "/nonexistent/core", "--exe", "/nonexistent/exe"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("cannot read"), std::string::npos) << r.err;
  // No gdb in PATH: a clear message.
  ProcessResult no_gdb = RunProcess(
      {"/usr/bin/env", "PATH=/nonexistent", LOCKGRAPH_CLI, "capture", "--pid", "1"}, {}, 60);
  EXPECT_EQ(no_gdb.exit_code, 2);
  EXPECT_NE(no_gdb.err.find("gdb is not installed"), std::string::npos) << no_gdb.err;
}

}  // namespace
}  // namespace lockgraph::analyzer
