// The paste corpus (tests/testdata/analyzer/pastes/, see its README): every
// file is read (never "not a thread dump"), and gives the verdict its README
// line states: which threads form each cycle, who each waiting thread waits
// for, on what evidence and with what confidence, and what the paste lacks.
// Threads are named by what their stacks show (`FirstThenSecond`), not by
// number, so the expectations say which part of the program is which.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "paste_test_util.h"
#include "test_util.h"

namespace lockgraph::analyzer {
namespace {

namespace fs = std::filesystem;
using testing::ThreadWith;

constexpr const char* kAbsent = "";  // the owner is not in the paste

struct OwnerCase {
  const char* waiter;  // a role (see ThreadWith)
  const char* owner;   // a role, or kAbsent
  EvidenceSource source;
  Confidence confidence;
};

struct PasteCase {
  const char* file;
  std::vector<std::vector<const char*>> cycles;  // each cycle's members, by role
  bool likely = false;
  bool signal_reentry = false;
  std::vector<OwnerCase> owners;
  std::vector<GapKind> missing;
};

constexpr auto kPrint = EvidenceSource::kPrintedOwner;
constexpr auto kImplied = EvidenceSource::kImpliedHolder;
constexpr auto kHigh = Confidence::kHigh;
constexpr auto kMedium = Confidence::kMedium;

std::vector<OwnerCase> Abba(Confidence c) {
  return {{"FirstThenSecond", "SecondThenFirst", kPrint, c},
          {"SecondThenFirst", "FirstThenSecond", kPrint, c}};
}
const std::vector<std::vector<const char*>> kAbbaCycle = {{"FirstThenSecond", "SecondThenFirst"}};

std::vector<PasteCase> Cases() {
  return {
      {"gdb_session_abba.txt", kAbbaCycle, false, false, Abba(kHigh), {GapKind::kNoStack}},
      {"gdb_session_abba_80_columns.txt", kAbbaCycle, false, false, Abba(kHigh), {}},
      {"gdb_session_abba_t_bt_full.txt", kAbbaCycle, false, false, Abba(kHigh), {}},
      {"gdb_session_abba_registers_x.txt", kAbbaCycle, false, false, Abba(kHigh), {}},
      {"gdb_session_abba_info_threads_only.txt",
       {{"<first>", "<second>"}},
       false,
       false,
       {{"<second>", "<first>", kPrint, kMedium}, {"<first>", "<second>", kPrint, kMedium}},
       {GapKind::kNoStack}},
      {"gdb_session_abba_no_libc_debuginfo.txt", kAbbaCycle, false, false, Abba(kMedium), {}},
      {"gdb_batch_abba.txt", kAbbaCycle, false, false, Abba(kMedium), {}},
      {"gdb_session_std_locks.txt",
       {{"Reindex", "Lookup"}},
       false,
       false,
       {{"Reindex", "Lookup", kPrint, kHigh}, {"Lookup", "Reindex", kPrint, kHigh}},
       {GapKind::kNoStack}},
      {"gdb_session_loader_dlopen.txt",
       {{"LoadPlugin", "HoldRegistry"}},
       true,
       false,
       {{"LoadPlugin", "HoldRegistry", kPrint, kHigh},
        {"HoldRegistry", "LoadPlugin", kImplied, kMedium}},
       {}},
      {"gdb_batch_loader_dlopen_trace_commands.txt",
       {{"LoadPlugin", "HoldRegistry"}},
       true,
       false,
       {{"LoadPlugin", "HoldRegistry", kPrint, kHigh},
        {"HoldRegistry", "LoadPlugin", kImplied, kMedium}},
       {}},
      {"gdb_session_loader_dlopen_no_libc_debuginfo.txt",
       {{"LoadPlugin", "HoldRegistry"}},
       true,
       false,
       {{"LoadPlugin", "HoldRegistry", kPrint, kMedium},
        {"HoldRegistry", "LoadPlugin", kImplied, kMedium}},
       {}},
      {"gdb_session_loader_dladdr.txt",
       {{"LoadPlugin", "HoldRegistry"}},
       true,
       false,
       {{"LoadPlugin", "HoldRegistry", kPrint, kHigh},
        {"HoldRegistry", "LoadPlugin", kImplied, kMedium}},
       {}},
      {"gdb_session_loader_phdr.txt",
       {{"WalkObjects", "HoldRegistry"}},
       true,
       false,
       {{"WalkObjects", "HoldRegistry", kPrint, kHigh},
        {"HoldRegistry", "WalkObjects", kImplied, kMedium}},
       {}},
      {"gdb_session_fork_atfork.txt",
       {{"HoldJobs"}},
       false,
       false,
       {{"HoldJobs", "HoldJobs", kPrint, kHigh}, {"ForkWhileLocked", "HoldJobs", kPrint, kHigh}},
       {}},
      {"gdb_session_fork_child.txt",
       {},
       false,
       false,
       {{"main (", kAbsent, kPrint, kHigh}},
       {GapKind::kNoThreadId}},
      {"gdb_session_signal_mutex.txt",
       {{"CountUnderLock"}},
       false,
       true,
       {{"CountUnderLock", "CountUnderLock", kPrint, kHigh}},
       {}},
      {"gdb_session_signal_malloc.txt",
       {{"AllocateInHandler"}},
       true,
       true,
       {{"AllocateInHandler", "AllocateInHandler", kImplied, kMedium}},
       {GapKind::kNoThreadId}},
      {"paste_issue_bare_bt_quoted.txt",
       {},
       false,
       false,
       {{"FirstThenSecond", kAbsent, kPrint, kHigh}},
       {GapKind::kNoThreadId}},
      {"paste_markdown_fence_shell.txt", kAbbaCycle, false, false, Abba(kHigh), {}},
      {"paste_indented_labels.txt", kAbbaCycle, false, false, Abba(kHigh), {}},
      {"paste_tracker_wrapped.txt",
       kAbbaCycle,
       false,
       false,
       Abba(kHigh),
       {GapKind::kNoStack, GapKind::kCutFrames}},
      {"paste_two_bare_backtraces.txt",
       {},
       false,
       false,
       {{"FirstThenSecond", nullptr, EvidenceSource::kUnknown, Confidence::kUnknown},
        {"SecondThenFirst", nullptr, EvidenceSource::kUnknown, Confidence::kUnknown}},
       {GapKind::kNoThreadId}},
  };
}

std::string PastePath(const std::string& name) { return testing::TestdataPath("pastes/" + name); }

class PasteCorpusTest : public ::testing::TestWithParam<PasteCase> {};

TEST_P(PasteCorpusTest, GivesTheVerdictOfItsReadme) {
  const PasteCase& c = GetParam();
  Dump dump;
  std::string error;
  ASSERT_TRUE(ParseDump(testing::ReadFile(PastePath(c.file)), c.file, &dump, &error)) << error;
  const Analysis a = Analyze(std::move(dump));
  SCOPED_TRACE(a.Verdict());

  ASSERT_EQ(a.cycles.size(), c.cycles.size());
  for (size_t k = 0; k < c.cycles.size(); ++k) {
    std::set<int> expected, actual;
    for (const char* role : c.cycles[k]) {
      const int t = ThreadWith(a, role);
      ASSERT_GE(t, 0) << "no single thread shows " << role;
      expected.insert(t);
    }
    for (const CycleStep& s : a.cycles[k].steps) actual.insert(s.thread);
    EXPECT_EQ(actual, expected) << "cycle " << k + 1;
    EXPECT_EQ(a.cycles[k].likely, c.likely) << "cycle " << k + 1;
    EXPECT_EQ(a.cycles[k].signal_reentry, c.signal_reentry) << "cycle " << k + 1;
    // A likely cycle always says why.
    EXPECT_EQ(a.cycles[k].reasons.empty(), !c.likely);
  }
  for (const OwnerCase& o : c.owners) {
    SCOPED_TRACE(o.waiter);
    const int waiter = ThreadWith(a, o.waiter);
    ASSERT_GE(waiter, 0) << "no single thread shows " << o.waiter;
    const OwnerEvidence& e = a.owners[waiter];
    EXPECT_EQ(e.source, o.source) << e.detail;
    EXPECT_EQ(e.confidence, o.confidence) << e.detail;
    if (o.owner == nullptr) {
      EXPECT_TRUE(e.owners.empty());
      continue;
    }
    ASSERT_EQ(e.owners.size(), 1u) << e.detail;
    const int expected_owner = *o.owner == '\0' ? -1 : ThreadWith(a, o.owner);
    EXPECT_EQ(e.owners[0].thread, expected_owner) << e.detail;
    if (expected_owner < 0) {
      // Absent from the paste, named in the verdict.
      EXPECT_NE(e.owners[0].lwp, 0);
      EXPECT_NE(a.Verdict().find("LWP " + std::to_string(e.owners[0].lwp) + " owns"),
                std::string::npos);
    }
    // The evidence shows the gdb command or the reason.
    if (o.source == kPrint) {
      EXPECT_TRUE(e.detail.find("gdb printed") != std::string::npos ||
                  e.detail.find("x/") != std::string::npos)
          << e.detail;
    }
    if (o.source == kImplied) {
      EXPECT_FALSE(e.reasons.empty());
      EXPECT_NE(e.detail.find(" is inside "), std::string::npos) << e.detail;
    }
  }
  std::vector<GapKind> missing;
  for (const PasteGap& g : a.gaps) missing.push_back(g.kind);
  EXPECT_EQ(missing, c.missing);
  for (const PasteGap& g : a.gaps) {
    EXPECT_NE(a.Verdict().find(g.text), std::string::npos) << g.text;
  }
}

INSTANTIATE_TEST_SUITE_P(Pastes, PasteCorpusTest, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<PasteCase>& info) {
                           std::string n = info.param.file;
                           n = n.substr(0, n.rfind(".txt"));
                           std::replace_if(
                               n.begin(), n.end(), [](char ch) { return !std::isalnum(ch); }, '_');
                           return n;
                         });

// Every paste has an expectation here and a line in the README.
TEST(PasteCorpusTest, EveryFileIsCoveredAndDescribed) {
  std::set<std::string> covered;
  for (const PasteCase& c : Cases()) covered.insert(c.file);
  const std::string readme = testing::ReadFile(PastePath("README.md"));
  int files = 0;
  for (const auto& e : fs::directory_iterator(testing::TestdataPath("pastes"))) {
    const std::string name = e.path().filename().string();
    if (name == "README.md") continue;
    ++files;
    EXPECT_TRUE(covered.count(name)) << name << " has no expected verdict in Cases()";
    EXPECT_NE(readme.find("`" + name + "`"), std::string::npos) << name << " is not in the README";
  }
  EXPECT_EQ(files, static_cast<int>(covered.size()));
}

}  // namespace
}  // namespace lockgraph::analyzer
