// Inputs that must never crash or hang: every file in
// tests/testdata/analyzer/fuzz/ (fuzzer findings and hand-made hostile
// dumps) goes through the same path as the libFuzzer target, and a dump
// whose wait-for graph has astronomically many cycles must stop early and
// say so.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>

#include "render/render.h"
#include "test_util.h"

namespace lockgraph::analyzer {
namespace {

namespace fs = std::filesystem;

void RunLikeTheFuzzer(const std::string& bytes) {
  DumpParser parser("fuzz");
  size_t split = bytes.empty() ? 0 : static_cast<unsigned char>(bytes[0]) % (bytes.size() + 1);
  parser.Feed(std::string_view(bytes).substr(0, split));
  parser.Feed(std::string_view(bytes).substr(split));
  Dump dump;
  std::string error;
  if (!parser.Finish(&dump, &error)) {
    EXPECT_FALSE(error.empty());
    return;
  }
  std::vector<Analysis> analyses;
  analyses.push_back(Analyze(std::move(dump)));
  std::ostringstream out;
  RenderText(analyses, out);
  RenderJson(analyses, out);
  RenderDot(analyses, out);
  RenderHtml(analyses, "", out);
  EXPECT_FALSE(out.str().empty());
}

TEST(FuzzRegressionTest, StoredInputs) {
  int files = 0;
  for (const auto& e : fs::directory_iterator(testing::TestdataPath("fuzz"))) {
    if (e.path().filename() == "README.md") continue;
    SCOPED_TRACE(e.path().string());
    RunLikeTheFuzzer(testing::ReadFile(e.path().string()));
    ++files;
  }
  EXPECT_GT(files, 0);
}

TEST(FuzzRegressionTest, DenseWaitForGraphStopsEarly) {
  // 40 threads, each holding its own lock (a live lock_guard in `bt full`)
  // and waiting for a shared rwlock whose guards every other thread also
  // appears to hold: every thread waits for every other one, a complete graph
  // with more elementary cycles than atoms in the universe.
  const int n = 40;
  std::string text;
  for (int i = 0; i < n; ++i) {
    text += "Thread " + std::to_string(n - i) + " (Thread 0x7f" + std::to_string(1000 + i) +
            " (LWP " + std::to_string(100 + i) + ")):\n";
    text += "#0  ___pthread_rwlock_wrlock (rwlock=0x5000) at rw.c:1\n";
    text += "#1  0x55 in Work () at work.cc:" + std::to_string(i + 1) + "\n";
    text += "#2  0x55 in Outer () at outer.cc:1\n";
    text += "        guard = {_M_pm = 0x5000, _M_owns = true}\n";
  }
  Analysis a = testing::AnalyzeText(text);
  EXPECT_TRUE(a.cycles_truncated);
  EXPECT_FALSE(a.cycles.empty());
  EXPECT_EQ(a.cycles.size(), kMaxCycles);
  EXPECT_NE(a.Verdict().find("first ones only"), std::string::npos);
}

}  // namespace
}  // namespace lockgraph::analyzer
