// Helpers shared by the analyzer tests.
#ifndef LOCKGRAPH_ANALYZER_TESTS_TEST_UTIL_H_
#define LOCKGRAPH_ANALYZER_TESTS_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "analysis.h"
#include "dump_parser.h"
#include "dump_reader.h"

namespace lockgraph::analyzer::testing {

inline std::string TestdataPath(const std::string& relative) {
  return std::string(LOCKGRAPH_ANALYZER_TESTDATA) + "/" + relative;
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline Analysis AnalyzeText(const std::string& text, const std::string& source = "test") {
  Dump d;
  std::string error;
  EXPECT_TRUE(ParseDump(text, source, &d, &error)) << error;
  return Analyze(std::move(d));
}

inline Analysis AnalyzeFixture(const std::string& name) {
  return AnalyzeText(ReadFile(TestdataPath("dumps/" + name)), name);
}

// A real dump file of testdata/analyzer/dumps/ read as the CLI reads it
// (plain or gzip-compressed), analyzed.
inline Analysis AnalyzeDumpFile(const std::string& name) {
  Dump dump;
  std::string error;
  EXPECT_TRUE(ReadDumpFile(TestdataPath("dumps/" + name), name, &dump, &error)) << error;
  return Analyze(std::move(dump));
}

// The index of the thread with kernel id `lwp`, -1 when the dump has none.
inline int ThreadOf(const Analysis& a, int64_t lwp) {
  for (size_t i = 0; i < a.dump.threads.size(); ++i) {
    if (a.dump.threads[i].lwp == lwp) return static_cast<int>(i);
  }
  return -1;
}

// A synthetic gdb dump of `threads` idle pool workers in `kinds` distinct
// stacks, plus an ABBA pair with recorded owners; about 1 KB per thread.
std::string SyntheticDump(int threads, int kinds);

}  // namespace lockgraph::analyzer::testing

#endif  // LOCKGRAPH_ANALYZER_TESTS_TEST_UTIL_H_
