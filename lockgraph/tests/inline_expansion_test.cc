// SymbolizeInlined(), the expansion of one program counter into the calls
// inlined there, against the toolchain's own `addr2line -i -f -C` on the same
// addresses of this test binary (compiled with -O2 -g in every preset).
#include <gtest/gtest.h>
#include <link.h>
#include <unistd.h>

#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

#include "internal/symbolizer.h"
#include "lockgraph/mutex.h"
#include "report_collector.h"
#include "source_markers.h"

// A known chain: OutOfLine calls Middle and Middle calls Inner, both inlined;
// Inner calls ReturnAddress, which is not. Its return address is one pc that
// stands for three source-level frames. noipa keeps the optimizer from
// learning enough about ReturnAddress to turn the call into a jump.
namespace inline_expansion_test {

#if defined(__clang__)
#define LOCKGRAPH_TEST_NOIPA [[gnu::noinline]]  // clang has no noipa
#else
#define LOCKGRAPH_TEST_NOIPA [[gnu::noipa]]
#endif

LOCKGRAPH_TEST_NOIPA uintptr_t ReturnAddress() {
  return reinterpret_cast<uintptr_t>(__builtin_return_address(0));
}

[[gnu::always_inline]] inline uintptr_t Inner(int* calls) {
  const uintptr_t pc = ReturnAddress();  // marker: inner
  ++*calls;
  return pc;
}

[[gnu::always_inline]] inline uintptr_t Middle(int* calls) {
  return Inner(calls);  // marker: middle
}

LOCKGRAPH_TEST_NOIPA uintptr_t OutOfLine(int* calls) {
  return Middle(calls);  // marker: outer
}

LOCKGRAPH_TEST_NOIPA void TakeInOrder(lockgraph::Mutex& first, lockgraph::Mutex& second) {
  std::lock_guard held(first);
  std::lock_guard taken(second);  // marker: guard
}

}  // namespace inline_expansion_test

namespace lockgraph::internal {
namespace {

using inline_expansion_test::OutOfLine;
using inline_expansion_test::TakeInOrder;
using testing::MarkedLine;
using testing::PathEndsWith;

constexpr const char* kThisFile = "inline_expansion_test.cc";

// One frame as addr2line prints it.
struct ToolFrame {
  std::string function;
  std::string file;
  int line = 0;
};

uintptr_t LoadBias() {
  uintptr_t bias = 0;
  // The first object listed is the program itself.
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* out) {
        *static_cast<uintptr_t*>(out) = info->dlpi_addr;
        return 1;
      },
      &bias);
  return bias;
}

// `addr2line -i -f -C` for `address` of this process (innermost first), or
// empty when it cannot be run.
std::vector<ToolFrame> Addr2Line(uintptr_t address) {
  char exe[4096];
  const ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  if (n <= 0) return {};
  exe[n] = '\0';
  char command[4300];
  std::snprintf(command, sizeof(command), "'%s' -i -f -C -e '%s' 0x%zx", LOCKGRAPH_ADDR2LINE, exe,
                static_cast<size_t>(address - LoadBias()));
  FILE* out = popen(command, "r");
  if (out == nullptr) return {};
  std::vector<ToolFrame> frames;
  char function[8192], location[4096];
  while (std::fgets(function, sizeof(function), out) != nullptr &&
         std::fgets(location, sizeof(location), out) != nullptr) {
    ToolFrame f;
    f.function = function;
    f.function.pop_back();  // '\n'
    std::string loc = location;
    loc = loc.substr(0, loc.find_first_of(" \n"));  // drops " (discriminator N)"
    const size_t colon = loc.rfind(':');
    f.file = loc.substr(0, colon);
    f.line = std::atoi(loc.c_str() + colon + 1);
    frames.push_back(std::move(f));
  }
  pclose(out);
  return frames;
}

// addr2line prints a function without a linkage name (internal linkage) by
// its bare name; SymbolizeInlined qualifies it.
bool SameFunction(const std::string& ours, const std::string& theirs) {
  return ours == theirs || ours.ends_with("::" + theirs);
}

// The frames of return address `pc` are those addr2line lists for pc - 1, the
// call instruction.
void ExpectSameAsAddr2Line(uintptr_t pc) {
  const std::vector<StackFrame> ours = SymbolizeInlined(pc, /*is_return_address=*/true, true);
  const std::vector<ToolFrame> theirs = Addr2Line(pc - 1);
  ASSERT_FALSE(theirs.empty()) << "could not run " << LOCKGRAPH_ADDR2LINE;
  ASSERT_EQ(ours.size(), theirs.size());
  for (size_t k = 0; k < ours.size(); ++k) {
    SCOPED_TRACE("frame " + std::to_string(k) + ": " + theirs[k].function + " at " +
                 theirs[k].file + ":" + std::to_string(theirs[k].line));
    EXPECT_TRUE(SameFunction(ours[k].function, theirs[k].function)) << ours[k].function;
    // addr2line puts the compilation directory before relative names.
    EXPECT_TRUE(PathEndsWith(theirs[k].file, ours[k].file)) << ours[k].file;
    EXPECT_EQ(ours[k].line, theirs[k].line);
    EXPECT_EQ(ours[k].pc, pc);
    EXPECT_EQ(ours[k].inlined, k + 1 < ours.size());
  }
}

TEST(InlineExpansionTest, KnownChainIsExpandedInnermostFirst) {
  int calls = 0;
  const uintptr_t pc = OutOfLine(&calls);
  const std::vector<StackFrame> frames = SymbolizeInlined(pc, /*is_return_address=*/true, true);
  ASSERT_EQ(frames.size(), 3u);
  const char* functions[] = {"Inner", "Middle", "OutOfLine"};
  const char* markers[] = {"inner", "middle", "outer"};
  for (size_t k = 0; k < frames.size(); ++k) {
    EXPECT_NE(frames[k].function.find(std::string("inline_expansion_test::") + functions[k]),
              std::string::npos)
        << frames[k].function;
    EXPECT_TRUE(PathEndsWith(frames[k].file, kThisFile)) << frames[k].file;
    EXPECT_EQ(frames[k].line, MarkedLine(kThisFile, markers[k])) << functions[k];
  }
  ExpectSameAsAddr2Line(pc);
}

TEST(InlineExpansionTest, AcquisitionThroughLockGuardMatchesAddr2Line) {
  testing::ReportCollector collector;
  Mutex a{"expansion.a"}, b{"expansion.b"};
  testing::RunInThread([&] { TakeInOrder(a, b); });
  testing::RunInThread([&] { TakeInOrder(b, a); });
  const std::vector<Report> reports = collector.reports(ReportKind::kLockOrderInversion);
  ASSERT_EQ(reports.size(), 1u);
  for (const OrderEdge& e : reports[0].edges) {
    ASSERT_FALSE(e.stack.empty());
    const uintptr_t pc = e.stack.front().pc;
    // Untrimmed: lockgraph's fast path, lock(), the guard, then the caller.
    const std::vector<StackFrame> chain = SymbolizeInlined(pc, /*is_return_address=*/true, true);
    ASSERT_GE(chain.size(), 3u) << "nothing was inlined into TakeInOrder";
    EXPECT_NE(chain.front().file.find("lockgraph/internal/lock_state.h"), std::string::npos)
        << chain.front().file;
    EXPECT_NE(chain.back().function.find("TakeInOrder"), std::string::npos);
    EXPECT_EQ(chain.back().line, MarkedLine(kThisFile, "guard"));
    ExpectSameAsAddr2Line(pc);
  }
}

TEST(InlineExpansionTest, SymbolizeStillNamesTheOutOfLineFunction) {
  int calls = 0;
  const uintptr_t pc = OutOfLine(&calls);
  const StackFrame single = Symbolize(pc, /*is_return_address=*/true, true);
  const std::vector<StackFrame> frames = SymbolizeInlined(pc, /*is_return_address=*/true, true);
  ASSERT_FALSE(frames.empty());
  EXPECT_EQ(single.function, frames.back().function);
  // Its file:line is the line table's: the innermost inlined function's line.
  EXPECT_EQ(single.line, frames.front().line);
  EXPECT_EQ(single.module, frames.back().module);
}

TEST(InlineExpansionTest, WithoutDebugInfoOnlyThePcIsKnown) {
  int calls = 0;
  const uintptr_t pc = OutOfLine(&calls);
  const std::vector<StackFrame> frames = SymbolizeInlined(pc, /*is_return_address=*/true, false);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].pc, pc);
  EXPECT_TRUE(frames[0].function.empty());
  EXPECT_FALSE(frames[0].inlined);
}

}  // namespace
}  // namespace lockgraph::internal
