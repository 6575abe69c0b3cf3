// Golden files: every dump under tests/testdata/analyzer/dumps/ (NAME.txt, or
// NAME.txt.gz for the large ones) is analyzed and rendered as text and JSON,
// and compared with tests/testdata/analyzer/expected/NAME.txt and NAME.json
// (NAME.json.gz for a compressed dump).
//
// To regenerate them after an intended output change, run the test with
// LOCKGRAPH_UPDATE_GOLDEN=1, e.g.
//   LOCKGRAPH_UPDATE_GOLDEN=1 ctest --test-dir build/dev -R Golden
// and review the diff before committing.
#include <gtest/gtest.h>
#include <zlib.h>

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

// Golden files of the large (gzip-compressed) dumps are compressed too; read
// them with zcat, compare them with `diff <(zcat a) <(zcat b)`.
bool Compressed(const std::string& path) { return path.ends_with(".gz"); }

std::string ReadGolden(const std::string& path) {
  if (!Compressed(path)) return testing::ReadFile(path);
  std::string out;
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) return out;
  char buf[1 << 16];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  gzclose(f);
  return out;
}

void WriteGolden(const std::string& path, const std::string& content) {
  if (!Compressed(path)) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
    return;
  }
  gzFile f = gzopen(path.c_str(), "wb9");
  ASSERT_NE(f, nullptr) << path;
  EXPECT_EQ(gzwrite(f, content.data(), static_cast<unsigned>(content.size())),
            static_cast<int>(content.size()));
  gzclose(f);
}

// Where two renderings first differ, as one line each (not megabytes of both).
std::string FirstDifference(const std::string& actual, const std::string& expected) {
  std::istringstream a(actual), e(expected);
  std::string la, le;
  for (int line = 1;; ++line) {
    const bool more_a = static_cast<bool>(std::getline(a, la));
    const bool more_e = static_cast<bool>(std::getline(e, le));
    if (!more_a && !more_e) return "same lines, different line endings";
    if (!more_a || !more_e || la != le) {
      return "line " + std::to_string(line) + ": expected `" + (more_e ? le : "<end>") +
             "`, got `" + (more_a ? la : "<end>") + "`";
    }
  }
}

void CheckGolden(const std::string& actual, const std::string& golden_name) {
  const std::string path = testing::TestdataPath("expected/" + golden_name);
  const char* update = std::getenv("LOCKGRAPH_UPDATE_GOLDEN");
  if (update && *update && std::string(update) != "0") {
    WriteGolden(path, actual);
    return;
  }
  ASSERT_TRUE(fs::exists(path)) << path << " is missing; run with LOCKGRAPH_UPDATE_GOLDEN=1";
  const std::string expected = ReadGolden(path);
  EXPECT_TRUE(actual == expected) << "output differs from " << path << " at "
                                  << FirstDifference(actual, expected)
                                  << "; if intended, regenerate with "
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
  // The JSON lists every thread: for the large dumps, megabytes.
  CheckGolden(json.str(), stem + (Compressed(name) ? ".json.gz" : ".json"));
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
