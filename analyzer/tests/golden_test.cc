// Golden files: every dump under tests/testdata/analyzer/dumps/ (NAME.txt, or
// NAME.txt.gz for the large ones) is analyzed and rendered as text and JSON,
// and compared with tests/testdata/analyzer/expected/NAME.txt and NAME.json.
//
// To regenerate them after an intended output change, run the test with
// LOCKGRAPH_UPDATE_GOLDEN=1, e.g.
//   LOCKGRAPH_UPDATE_GOLDEN=1 ctest --test-dir build/dev -R Golden
// and review the diff before committing.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "dump_reader.h"
#include "render/render.h"
#include "test_util.h"

namespace lockgraph::analyzer {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> DumpNames() {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(testing::TestdataPath("dumps"))) {
    const std::string name = e.path().filename().string();
    if (name.ends_with(".txt") || name.ends_with(".txt.gz")) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

void CheckGolden(const std::string& actual, const std::string& golden_name) {
  const std::string path = testing::TestdataPath("expected/" + golden_name);
  const char* update = std::getenv("LOCKGRAPH_UPDATE_GOLDEN");
  if (update && *update && std::string(update) != "0") {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << actual;
    return;
  }
  ASSERT_TRUE(fs::exists(path)) << path << " is missing; run with LOCKGRAPH_UPDATE_GOLDEN=1";
  EXPECT_EQ(actual, testing::ReadFile(path))
      << "output differs from " << path << "; if intended, regenerate with "
      << "LOCKGRAPH_UPDATE_GOLDEN=1 and review the diff";
}

// `NAME.txt` and `NAME.txt.gz` -> `NAME`.
std::string Stem(const std::string& name) { return name.substr(0, name.rfind(".txt")); }

class GoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenTest, TextAndJsonMatch) {
  const std::string name = GetParam();
  std::vector<Analysis> analyses;
  // The source name is the file name alone so the goldens do not depend on
  // where the checkout lives.
  // Read as `lockgraph analyze` reads it (gzip-compressed large dumps too).
  Dump dump;
  std::string error;
  ASSERT_TRUE(ReadDumpFile(testing::TestdataPath("dumps/" + name), name, &dump, &error)) << error;
  analyses.push_back(Analyze(std::move(dump)));
  std::ostringstream text, json;
  RenderText(analyses, text);
  RenderJson(analyses, json);
  const std::string stem = Stem(name);
  CheckGolden(text.str(), stem + ".txt");
  CheckGolden(json.str(), stem + ".json");
}

INSTANTIATE_TEST_SUITE_P(Dumps, GoldenTest, ::testing::ValuesIn(DumpNames()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string n = Stem(info.param);
                           std::replace_if(
                               n.begin(), n.end(), [](char c) { return !std::isalnum(c); }, '_');
                           return n;
                         });

}  // namespace
}  // namespace lockgraph::analyzer
