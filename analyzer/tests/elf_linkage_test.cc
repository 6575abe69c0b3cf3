// ELF linkage on real files: this test binary and the fixtures (dynamic and
// static), a script, and broken or missing files.
#include "elf_linkage.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "test_util.h"

namespace lockgraph::analyzer {
namespace {

namespace fs = std::filesystem;

std::string TempFile(const std::string& name, const std::string& content) {
  std::string path =
      (fs::temp_directory_path() / ("lockgraph-elf-" + std::to_string(getpid()) + "-" + name))
          .string();
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

TEST(ElfLinkageTest, DynamicProgramNamesItsLoaderAndLibc) {
  ElfLinkage l;
  std::string error;
  ASSERT_TRUE(InspectElf(LOCKGRAPH_FIXTURE_NO_THREADS, &l, &error)) << error;
  EXPECT_EQ(l.kind, ElfLinkage::Kind::kDynamic);
  EXPECT_NE(l.interpreter.find("ld-linux"), std::string::npos) << l.interpreter;
  EXPECT_TRUE(NeedsLibcOrPthread(l.needed));
  // This test itself is C++: libstdc++ among its libraries.
  ASSERT_TRUE(InspectElf("/proc/self/exe", &l, &error)) << error;
  bool libstdcxx = false;
  for (const std::string& n : l.needed) libstdcxx |= n.starts_with("libstdc++");
  EXPECT_TRUE(libstdcxx);
}

TEST(ElfLinkageTest, StaticProgramHasNoLoader) {
  ElfLinkage l;
  std::string error;
  ASSERT_TRUE(InspectElf(LOCKGRAPH_FIXTURE_STATIC, &l, &error)) << error;
  EXPECT_EQ(l.kind, ElfLinkage::Kind::kStatic);
  EXPECT_TRUE(l.interpreter.empty());
  EXPECT_TRUE(l.needed.empty());
}

TEST(ElfLinkageTest, ScriptsAreNotElf) {
  ElfLinkage l;
  std::string error;
  const std::string script = TempFile("script.sh", "#!/bin/sh\necho hi\n");
  ASSERT_TRUE(InspectElf(script, &l, &error)) << error;
  EXPECT_EQ(l.kind, ElfLinkage::Kind::kNotElf);
  const std::string empty = TempFile("empty", "");
  ASSERT_TRUE(InspectElf(empty, &l, &error)) << error;
  EXPECT_EQ(l.kind, ElfLinkage::Kind::kNotElf);
  fs::remove(script);
  fs::remove(empty);
}

TEST(ElfLinkageTest, BrokenAndMissingFilesAreErrorsNotCrashes) {
  ElfLinkage l;
  std::string error;
  EXPECT_FALSE(InspectElf("/nonexistent/program", &l, &error));
  EXPECT_NE(error.find("No such file"), std::string::npos) << error;
  EXPECT_FALSE(InspectElf("/", &l, &error));
  EXPECT_NE(error.find("not a regular file"), std::string::npos) << error;

  // A real program cut short at every length up to its headers, and one
  // whose program header offset points past its end.
  const std::string whole = testing::ReadFile(LOCKGRAPH_FIXTURE_NO_THREADS);
  ASSERT_GT(whole.size(), 4096u);
  for (size_t n : {5u, 20u, 63u, 64u, 100u, 200u, 700u, 1000u}) {
    SCOPED_TRACE(n);
    const std::string cut = TempFile("cut", whole.substr(0, n));
    EXPECT_FALSE(InspectElf(cut, &l, &error));
    EXPECT_NE(error.find("corrupt ELF file"), std::string::npos) << error;
    fs::remove(cut);
  }
  std::string bad = whole;
  bad[32] = '\xff';  // e_phoff, low byte: far past the end once combined
  for (int i = 33; i < 40; ++i) bad[i] = '\x7f';
  const std::string path = TempFile("bad-phoff", bad);
  EXPECT_FALSE(InspectElf(path, &l, &error));
  EXPECT_NE(error.find("program header outside the file"), std::string::npos) << error;
  fs::remove(path);
}

}  // namespace
}  // namespace lockgraph::analyzer
