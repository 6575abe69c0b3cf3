// The gdb extension's `lockgraph-gdb:` lines as owner evidence: exact owners
// and lock names for a program built with lockgraph, ranked above everything
// else, even when the stacks have no libc debug info.
#include "registry_facts.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "analysis.h"
#include "test_util.h"

namespace lockgraph::analyzer {
namespace {

using testing::AnalyzeDumpFile;
using testing::AnalyzeText;
using testing::ThreadOf;

std::set<int64_t> OwnerLwps(const Analysis& a, int thread) {
  std::set<int64_t> out;
  for (const Owner& o : a.owners[thread].owners) out.insert(o.lwp);
  return out;
}

// Two threads blocked in libc without debug info: the frames alone say
// "mutex wait", not which mutex, nor who holds it.
constexpr char kNoLibcDebugInfo[] = R"(Thread 3 (Thread 0x7f02 (LWP 12) "b"):
#0  0x00007f7ceb0a412b in ?? () from /lib/x86_64-linux-gnu/libc.so.6
#1  0x00007f7ceb0aa482 in pthread_mutex_lock () from /lib/x86_64-linux-gnu/libc.so.6
#2  0x0000563642ba48e0 in worker_b () at app.cc:20

Thread 2 (Thread 0x7f01 (LWP 11) "a"):
#0  0x00007f7ceb0a412b in ?? () from /lib/x86_64-linux-gnu/libc.so.6
#1  0x00007f7ceb0aa482 in pthread_mutex_lock () from /lib/x86_64-linux-gnu/libc.so.6
#2  0x0000563642ba48e0 in worker_a () at app.cc:10
)";

constexpr char kFacts[] = R"(lockgraph-gdb: thread 11 holds 0x100 "orders.table" exclusive
lockgraph-gdb: thread 11 waits 0x200 "orders.index" exclusive owner 12
lockgraph-gdb: thread 12 holds 0x200 "orders.index" exclusive
lockgraph-gdb: thread 12 waits 0x100 "orders.table" exclusive owner 11
)";

TEST(RegistryFactsTest, WithoutThemTheWaitsHaveNoOwner) {
  Analysis a = AnalyzeText(kNoLibcDebugInfo);
  EXPECT_FALSE(a.deadlock());
  EXPECT_EQ(a.unknown_owner.size(), 2u);
}

TEST(RegistryFactsTest, ExactOwnersAndNamesWithoutLibcDebugInfo) {
  for (const std::string& text :
       {std::string(kFacts) + kNoLibcDebugInfo, std::string(kNoLibcDebugInfo) + kFacts}) {
    Analysis a = AnalyzeText(text);
    ASSERT_EQ(a.cycles.size(), 1u);
    EXPECT_TRUE(a.unknown_owner.empty());
    const int t11 = ThreadOf(a, 11), t12 = ThreadOf(a, 12);
    EXPECT_EQ(a.waits[t11].kind, WaitKind::kMutex);
    EXPECT_EQ(a.waits[t11].lock_name, "orders.index");
    EXPECT_EQ(a.waits[t11].lock, 0x200u);  // the frames show none: the lock state's address
    EXPECT_EQ(a.waits[t12].lock_name, "orders.table");
    EXPECT_EQ(OwnerLwps(a, t11), (std::set<int64_t>{12}));
    EXPECT_EQ(OwnerLwps(a, t12), (std::set<int64_t>{11}));
    for (const CycleStep& s : a.cycles[0].steps) {
      EXPECT_EQ(a.owners[s.thread].source, EvidenceSource::kRegistry);
      EXPECT_EQ(a.owners[s.thread].confidence, Confidence::kHigh);
      EXPECT_NE(a.owners[s.thread].detail.find("lockgraph registry"), std::string::npos);
    }
    ASSERT_EQ(a.registry_held[t11].size(), 1u);
    EXPECT_EQ(a.registry_held[t11][0].name, "orders.table");
  }
}

TEST(RegistryFactsTest, TheRegistryOutranksAnOwnerRecord) {
  // A capture record names LWP 99 (say, read while the lock changed hands);
  // the registry says 12 holds it, and it is the stronger evidence.
  Analysis a = AnalyzeText(std::string(kNoLibcDebugInfo) + kFacts +
                           "[lockgraph] lock 0x200 kind=mutex owner=99 waiter=11 source=arg\n");
  EXPECT_EQ(OwnerLwps(a, ThreadOf(a, 11)), (std::set<int64_t>{12}));
}

TEST(RegistryFactsTest, SharedHoldersAreAllOwners) {
  Analysis a = AnalyzeText(std::string(R"(Thread 3 (LWP 12):
#0  0x10 in sleep () from /lib/x86_64-linux-gnu/libc.so.6
Thread 2 (LWP 11):
#0  0x10 in poll () from /lib/x86_64-linux-gnu/libc.so.6
Thread 1 (LWP 10):
#0  0x10 in ?? () from /lib/x86_64-linux-gnu/libc.so.6
lockgraph-gdb: thread 11 holds 0x300 "config" shared
lockgraph-gdb: thread 12 holds 0x300 "config" shared
lockgraph-gdb: thread 10 waits 0x300 "config" exclusive owner unknown
)"));
  const int t10 = ThreadOf(a, 10);
  EXPECT_EQ(a.waits[t10].kind, WaitKind::kMutex);
  EXPECT_EQ(OwnerLwps(a, t10), (std::set<int64_t>{11, 12}));
  EXPECT_EQ(a.owners[t10].source, EvidenceSource::kRegistry);
  // Both readers sleep while the writer waits: not a deadlock, two long holders.
  EXPECT_FALSE(a.deadlock());
  EXPECT_EQ(a.long_holders.size(), 2u);
}

TEST(RegistryFactsTest, AnOwnerFieldWhenNoHolderIsListed) {
  Analysis a = AnalyzeText(std::string(R"(Thread 2 (LWP 11):
#0  0x10 in ?? () from /lib/x86_64-linux-gnu/libc.so.6
Thread 1 (LWP 10):
#0  0x10 in ?? () from /lib/x86_64-linux-gnu/libc.so.6
lockgraph-gdb: thread 10 waits 0x300 "log" shared owner 11
)"));
  const int t10 = ThreadOf(a, 10);
  EXPECT_EQ(a.waits[t10].kind, WaitKind::kRwlockRead);  // a shared wait
  EXPECT_EQ(OwnerLwps(a, t10), (std::set<int64_t>{11}));
  EXPECT_NE(a.owners[t10].detail.find("owner field of \"log\" = 11"), std::string::npos);
}

TEST(RegistryFactsTest, UnknownOwnerFallsBackToWeakerEvidenceButKeepsTheName) {
  Analysis a = AnalyzeText(R"(Thread 2 (LWP 11):
#0  0x10 in sleep () from /lib/x86_64-linux-gnu/libc.so.6
Thread 1 (LWP 10):
#0  ___pthread_mutex_lock (mutex=0x5000) at pthread_mutex_lock.c:93
#1  0x20 in f () at app.cc:3
lockgraph-gdb: thread 10 waits 0x300 "log" exclusive owner unknown
[lockgraph] lock 0x5000 kind=mutex owner=11 waiter=10 source=arg
)");
  const int t10 = ThreadOf(a, 10);
  EXPECT_EQ(a.waits[t10].lock, 0x5000u);  // the frames' address is kept
  EXPECT_EQ(a.waits[t10].lock_name, "log");
  EXPECT_EQ(a.owners[t10].source, EvidenceSource::kRecordedOwner);
  EXPECT_EQ(OwnerLwps(a, t10), (std::set<int64_t>{11}));
}

TEST(RegistryFactsTest, DeadlockLinesAloneGiveTheCycle) {
  Analysis a = AnalyzeText(std::string(kNoLibcDebugInfo) + "lockgraph-gdb: deadlock 11 12\n");
  ASSERT_EQ(a.cycles.size(), 1u);
  EXPECT_EQ(a.owners[ThreadOf(a, 11)].detail, "next on the gdb extension's deadlock cycle");
  EXPECT_EQ(OwnerLwps(a, ThreadOf(a, 12)), (std::set<int64_t>{11}));
}

TEST(RegistryFactsTest, OnlyTheExtensionsOutput) {
  Analysis a = AnalyzeText(kFacts);
  EXPECT_EQ(a.dump.format, DumpFormat::kGdbExtension);
  ASSERT_EQ(a.cycles.size(), 1u);
  EXPECT_EQ(a.cycles[0].steps.size(), 2u);
}

TEST(RegistryFactsTest, JoinsKeepTheirOwnEvidence) {
  Analysis a = AnalyzeText(R"(Thread 2 (Thread 0x7f0000001700 (LWP 11)):
#0  0x10 in sleep () from /lib/x86_64-linux-gnu/libc.so.6
Thread 1 (LWP 10):
#0  __pthread_clockjoin_ex (threadid=139637976733440, thread_return=0x0) at join.c:1
#1  0x20 in main () at app.cc:3
lockgraph-gdb: thread 10 waits 0x300 "stale" exclusive owner 99
)");
  const int t10 = ThreadOf(a, 10);
  EXPECT_EQ(a.waits[t10].kind, WaitKind::kJoin);
  EXPECT_EQ(a.owners[t10].source, EvidenceSource::kJoinTarget);
  EXPECT_EQ(OwnerLwps(a, t10), (std::set<int64_t>{11}));
}

// Real dumps of analyzer/tests/fixtures/lockgraph_named_abba.cc.
TEST(RegistryFactsTest, RealCaptureOfNamedLockgraphLocks) {
  for (const char* name :
       {"gdb_capture_lockgraph_named_abba.txt", "gdb_ext_lockgraph_named_abba.txt"}) {
    SCOPED_TRACE(name);
    Analysis a = AnalyzeDumpFile(name);
    EXPECT_FALSE(a.dump.registry.empty());
    ASSERT_EQ(a.cycles.size(), 1u);
    std::set<std::string> locks, threads;
    for (const CycleStep& s : a.cycles[0].steps) {
      EXPECT_EQ(a.owners[s.thread].source, EvidenceSource::kRegistry);
      locks.insert(a.waits[s.thread].lock_name);
      threads.insert(a.dump.threads[s.thread].name);
    }
    EXPECT_EQ(locks, (std::set<std::string>{"orders.table", "orders.index"}));
    EXPECT_EQ(threads, (std::set<std::string>{"writer", "indexer"}));
  }
  // Without libc debug info the frames alone give no owner at all.
  const std::string text =
      testing::ReadFile(testing::TestdataPath("dumps/gdb_ext_lockgraph_named_abba.txt"));
  std::string stacks;
  for (size_t at = 0; at < text.size();) {
    size_t nl = text.find('\n', at);
    std::string line = text.substr(at, nl == std::string::npos ? std::string::npos : nl - at + 1);
    if (line.rfind("lockgraph-gdb:", 0) != 0) stacks += line;
    at = nl == std::string::npos ? text.size() : nl + 1;
  }
  Analysis without = AnalyzeText(stacks);
  EXPECT_FALSE(without.deadlock());
}

}  // namespace
}  // namespace lockgraph::analyzer
