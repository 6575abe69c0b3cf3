// The whole pipeline on scenario dumps: which cycles, which threads, which
// locks, and what evidence.
#include "analysis.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "dump_compare.h"
#include "test_util.h"

namespace lockgraph::analyzer {
namespace {

using testing::AnalyzeDumpFile;
using testing::AnalyzeFixture;
using testing::AnalyzeText;
using testing::ThreadOf;

std::set<int64_t> CycleLwps(const Analysis& a, size_t cycle) {
  std::set<int64_t> out;
  for (const CycleStep& s : a.cycles.at(cycle).steps) out.insert(a.dump.threads[s.thread].lwp);
  return out;
}

std::set<int64_t> Lwps(const Analysis& a, const std::vector<int>& threads) {
  std::set<int64_t> out;
  for (int i : threads) out.insert(a.dump.threads[i].lwp);
  return out;
}

TEST(AnalysisTest, TwoCycleFromARealCapture) {
  Analysis a = AnalyzeFixture("gdb_capture_abba.txt");
  ASSERT_EQ(a.cycles.size(), 1u);
  EXPECT_EQ(CycleLwps(a, 0), (std::set<int64_t>{26077, 26078}));
  for (const CycleStep& s : a.cycles[0].steps) {
    EXPECT_EQ(a.owners[s.thread].source, EvidenceSource::kRecordedOwner);
    EXPECT_EQ(a.owners[s.thread].confidence, Confidence::kHigh);
    ASSERT_TRUE(s.waits_for && s.holds);
    EXPECT_NE(*s.waits_for, *s.holds);
  }
  int t1 = ThreadOf(a, 26077);
  EXPECT_EQ(a.waits[t1].lock, 0x55e24e32c0c0u);
  EXPECT_EQ(a.waits[t1].lock_symbol, "b");
  // main joins a cycle member; the rwlock writer waits for readers nobody names.
  EXPECT_EQ(Lwps(a, a.blocked_behind), (std::set<int64_t>{26075}));
  EXPECT_EQ(Lwps(a, a.unknown_owner), (std::set<int64_t>{26079}));
  EXPECT_TRUE(a.deadlock());
}

TEST(AnalysisTest, ThreeCycleWithThreadsBlockedBehindIt) {
  Analysis a = AnalyzeFixture("gdb_capture_3cycle_blocked.txt");
  ASSERT_EQ(a.cycles.size(), 1u);
  ASSERT_EQ(a.cycles[0].steps.size(), 3u);
  EXPECT_EQ(CycleLwps(a, 0), (std::set<int64_t>{2101, 2102, 2103}));
  // Each step waits for what the next one holds.
  const Cycle& c = a.cycles[0];
  for (size_t k = 0; k < c.steps.size(); ++k) {
    EXPECT_EQ(c.steps[k].waits_for, c.steps[c.steps[k].next].holds);
    const OwnerEvidence& e = a.owners[c.steps[k].thread];
    ASSERT_EQ(e.owners.size(), 1u);
    EXPECT_EQ(e.owners[0].thread, c.steps[c.steps[k].next].thread);
  }
  // Two waiters on shard_a, and a joiner of one of them.
  EXPECT_EQ(Lwps(a, a.blocked_behind), (std::set<int64_t>{2104, 2105, 2106}));
  EXPECT_TRUE(a.unknown_owner.empty());
  // Idle pool threads wait on a condition variable: no edge, not "unknown".
  EXPECT_EQ(a.waits[ThreadOf(a, 2110)].kind, WaitKind::kCondvar);
}

TEST(AnalysisTest, SelfDeadlock) {
  Analysis a = AnalyzeFixture("gdb_capture_self_deadlock.txt");
  ASSERT_EQ(a.cycles.size(), 1u);
  EXPECT_TRUE(a.cycles[0].self_deadlock());
  EXPECT_EQ(CycleLwps(a, 0), (std::set<int64_t>{3301}));
  EXPECT_EQ(a.cycles[0].steps[0].holds, a.cycles[0].steps[0].waits_for);
  EXPECT_NE(a.Verdict().find("1 cycle among 1 thread"), std::string::npos);
}

TEST(AnalysisTest, JoinCycle) {
  // main holds registry_mu and joins the loader; the loader waits for registry_mu.
  Analysis a = AnalyzeFixture("gdb_capture_join_cycle.txt");
  ASSERT_EQ(a.cycles.size(), 1u);
  EXPECT_EQ(CycleLwps(a, 0), (std::set<int64_t>{4400, 4401}));
  int main_thread = ThreadOf(a, 4400);
  EXPECT_EQ(a.waits[main_thread].kind, WaitKind::kJoin);
  EXPECT_EQ(a.owners[main_thread].source, EvidenceSource::kJoinTarget);
  for (const CycleStep& s : a.cycles[0].steps) {
    if (s.thread == main_thread) {
      EXPECT_FALSE(s.waits_for.has_value());  // a join waits for no lock
      EXPECT_EQ(s.holds, 0x5612f0a0c0a0u);
    } else {
      EXPECT_EQ(s.waits_for, 0x5612f0a0c0a0u);
      EXPECT_FALSE(s.holds.has_value());
    }
  }
}

TEST(AnalysisTest, RwlockWriterAndReaderCycle) {
  Analysis a = AnalyzeFixture("gdb_capture_rwlock_cycle.txt");
  ASSERT_EQ(a.cycles.size(), 1u);
  EXPECT_EQ(CycleLwps(a, 0), (std::set<int64_t>{5501, 5502}));
  int reader = ThreadOf(a, 5502);
  EXPECT_EQ(a.waits[reader].kind, WaitKind::kRwlockRead);
  EXPECT_EQ(a.waits[reader].lock, 0x55aa00c01100u);
  EXPECT_NE(a.owners[reader].detail.find("__cur_writer = 5501"), std::string::npos);
}

TEST(AnalysisTest, LockGuardsInBtFullLocalsGiveMediumConfidenceOwners) {
  Analysis a = AnalyzeFixture("gdb_bt_full_lock_guards.txt");
  ASSERT_EQ(a.cycles.size(), 1u);
  EXPECT_EQ(CycleLwps(a, 0), (std::set<int64_t>{7702, 7703}));
  for (const CycleStep& s : a.cycles[0].steps) {
    EXPECT_EQ(a.owners[s.thread].source, EvidenceSource::kHeldGuard);
    EXPECT_EQ(a.owners[s.thread].confidence, Confidence::kMedium);
  }
  // `_M_owns = false` and the guard still being constructed are not holdings.
  EXPECT_EQ(a.owners[ThreadOf(a, 7702)].owners.size(), 1u);
  EXPECT_EQ(Lwps(a, a.blocked_behind), (std::set<int64_t>{7701}));
}

TEST(AnalysisTest, UnknownOwnersAreKeptNotDropped) {
  Analysis a = AnalyzeFixture("gdb_bt_full_no_owners.txt");
  EXPECT_FALSE(a.deadlock());
  EXPECT_EQ(Lwps(a, a.unknown_owner), (std::set<int64_t>{18399, 18400, 18401}));
  EXPECT_NE(a.Verdict().find("3 wait for a lock whose owner the dump does not show"),
            std::string::npos);
  // The join's owner is known even without a capture.
  EXPECT_EQ(a.owners[ThreadOf(a, 18397)].owners.at(0).lwp, 18399);
}

TEST(AnalysisTest, ContractJoinDumpHasNoCycle) {
  Analysis a = AnalyzeFixture("gdb_contract_join.txt");
  EXPECT_FALSE(a.deadlock());
  int main_thread = ThreadOf(a, 1001);
  EXPECT_EQ(a.waits[main_thread].kind, WaitKind::kJoin);
  ASSERT_EQ(a.owners[main_thread].owners.size(), 1u);
  EXPECT_EQ(a.owners[main_thread].owners[0].lwp, 1002);  // 139637976733440 == 0x7f0000001700
}

constexpr char kTwoWaiters[] =
    "Thread 2 (Thread 0x7f01 (LWP 12) \"a\"):\n"
    "#0  ___pthread_mutex_lock (mutex=0x5000) at pthread_mutex_lock.c:93\n"
    "#1  0x55 in f () at f.c:1\n"
    "Thread 1 (Thread 0x7f02 (LWP 11) \"b\"):\n"
    "#0  ___pthread_mutex_lock (mutex=0x6000) at pthread_mutex_lock.c:93\n"
    "#1  0x55 in g () at g.c:1\n";

TEST(AnalysisTest, OwnerThatIsNotInTheDumpIsKept) {
  Analysis a = AnalyzeText(std::string(kTwoWaiters) +
                           "[lockgraph] lock 0x5000 kind=mutex owner=9999 waiter=12 source=arg\n"
                           "[lockgraph] lock 0x6000 kind=mutex owner=0 waiter=11 source=arg\n");
  EXPECT_FALSE(a.deadlock());
  ASSERT_EQ(a.owners[0].owners.size(), 1u);
  EXPECT_EQ(a.owners[0].owners[0].lwp, 9999);
  EXPECT_EQ(a.owners[0].owners[0].thread, -1);
  // A lock recorded free is not an unknown owner.
  EXPECT_TRUE(a.owners[1].lock_free);
  EXPECT_TRUE(a.unknown_owner.empty());
}

TEST(AnalysisTest, RegisterReadAddressesTheWaitWhenFramesHaveNoArguments) {
  Analysis a = AnalyzeText(
      "Thread 2 (Thread 0x7f01 (LWP 12)):\n"
      "#0  0x7f in __lll_lock_wait () from /lib64/libc.so.6\n"
      "#1  0x7f in pthread_mutex_lock () from /lib64/libc.so.6\n#2  0x40 in f ()\n"
      "Thread 1 (Thread 0x7f02 (LWP 11)):\n"
      "#0  0x7f in __lll_lock_wait () from /lib64/libc.so.6\n"
      "#1  0x7f in pthread_mutex_lock () from /lib64/libc.so.6\n#2  0x40 in g ()\n"
      "[lockgraph] lock 0x5000 kind=mutex owner=11 waiter=12 source=register\n"
      "[lockgraph] lock 0x6000 kind=mutex owner=12 waiter=11 source=register\n");
  ASSERT_EQ(a.cycles.size(), 1u);
  EXPECT_EQ(a.waits[0].lock, 0x5000u);
  EXPECT_TRUE(a.waits[0].lock_from_register);
  EXPECT_EQ(a.owners[0].confidence, Confidence::kMedium);
}

std::set<std::string> ThreadNames(const Analysis& a, const std::vector<int>& threads) {
  std::set<std::string> out;
  for (int i : threads) out.insert(a.dump.threads[i].name);
  return out;
}

TEST(AnalysisTest, RealOptimizedBuildWithoutDebugInfoRing) {
  // fixtures/optimized_ring.cc, -O2 -g0: the program's frames have no
  // arguments or lines, libc's do; capture reads the owners.
  Analysis a = AnalyzeDumpFile("gdb_capture_optimized_ring.txt");
  ASSERT_EQ(a.cycles.size(), 1u);
  std::vector<int> ring;
  for (const CycleStep& s : a.cycles[0].steps) {
    ring.push_back(s.thread);
    EXPECT_EQ(a.owners[s.thread].source, EvidenceSource::kRecordedOwner);
    const Wait& w = a.waits[s.thread];
    ASSERT_GE(w.call_site, 0);
    EXPECT_NE(a.dump.threads[s.thread].frames[w.call_site].function.find("HoldAndTakeNext"),
              std::string::npos);
    EXPECT_TRUE(a.dump.threads[s.thread].frames[w.call_site].file.empty());  // no debug info
  }
  EXPECT_EQ(ThreadNames(a, ring), (std::set<std::string>{"ring-0", "ring-1", "ring-2"}));
  EXPECT_EQ(ThreadNames(a, a.blocked_behind), (std::set<std::string>{"late"}));
  // The same process through plain gdb and eu-stack: the waits, but no owners.
  for (const char* name : {"gdb_bt_optimized_ring.txt", "eu_stack_optimized_ring.txt",
                           "eu_stack_i_optimized_ring.txt"}) {
    SCOPED_TRACE(name);
    Analysis b = AnalyzeDumpFile(name);
    EXPECT_FALSE(b.deadlock());
    EXPECT_EQ(b.unknown_owner.size(), 4u);
    EXPECT_NE(b.Verdict().find("cannot be ruled out"), std::string::npos) << b.Verdict();
  }
}

TEST(AnalysisTest, RealTwoThousandThreadsWithATwoCycle) {
  // fixtures/many_threads.cc, captured and kept gzip-compressed.
  Analysis a = AnalyzeDumpFile("gdb_capture_many_threads.txt.gz");
  ASSERT_EQ(a.dump.threads.size(), 2000u);
  ASSERT_EQ(a.cycles.size(), 1u);
  std::vector<int> cycle;
  for (const CycleStep& s : a.cycles[0].steps) cycle.push_back(s.thread);
  EXPECT_EQ(ThreadNames(a, cycle), (std::set<std::string>{"transfer", "audit"}));
  EXPECT_EQ(a.blocked_behind.size(), 2u);
  EXPECT_EQ(ThreadNames(a, a.blocked_behind), (std::set<std::string>{"report"}));
  // The idle pool is one group of condvar waiters.
  ASSERT_FALSE(a.groups.empty());
  EXPECT_EQ(a.groups[0].threads.size(), 1995u);
  EXPECT_EQ(a.waits[a.groups[0].threads[0]].kind, WaitKind::kCondvar);
  EXPECT_LE(a.groups.size(), 6u);
}

TEST(AnalysisTest, RealLongHolderIsNotADeadlock) {
  // fixtures/long_holder.c: "refresher" sleeps holding the mutex three
  // "server" threads wait for; main joins it.
  Analysis a = AnalyzeDumpFile("gdb_capture_long_holder.txt");
  EXPECT_FALSE(a.deadlock());
  EXPECT_TRUE(a.blocked_behind.empty());
  ASSERT_EQ(a.long_holders.size(), 1u);
  const LongHolder& h = a.long_holders[0];
  EXPECT_EQ(a.dump.threads[h.thread].name, "refresher");
  EXPECT_EQ(a.waits[h.thread].kind, WaitKind::kNone);
  EXPECT_EQ(ThreadNames(a, h.waiters), (std::set<std::string>{"server"}));
  EXPECT_EQ(h.waiters.size(), 3u);
  for (int w : h.waiters) EXPECT_EQ(a.owners[w].source, EvidenceSource::kRecordedOwner);
  EXPECT_NE(a.Verdict().find("no deadlock"), std::string::npos);
  EXPECT_NE(a.Verdict().find("3 wait for LWP"), std::string::npos) << a.Verdict();
  EXPECT_NE(a.Verdict().find("\"refresher\", which is not waiting"), std::string::npos);
  // Without owners (eu-stack), the same waits stay unknown: never a false deadlock.
  for (const char* name :
       {"gdb_bt_long_holder.txt", "eu_stack_long_holder.txt", "eu_stack_i_long_holder.txt"}) {
    SCOPED_TRACE(name);
    EXPECT_FALSE(AnalyzeDumpFile(name).deadlock());
  }
}

TEST(AnalysisTest, TwoThousandThreadsCollapseIntoAFewGroups) {
  Analysis a = AnalyzeText(testing::SyntheticDump(2000, 3));
  ASSERT_EQ(a.dump.threads.size(), 2002u);
  ASSERT_EQ(a.cycles.size(), 1u);
  // Three idle stacks plus the two (different) stacks of the ABBA pair.
  ASSERT_EQ(a.groups.size(), 5u);
  size_t total = 0;
  for (const StackGroup& g : a.groups) total += g.threads.size();
  EXPECT_EQ(total, 2002u);
  EXPECT_GE(a.groups[0].threads.size(), a.groups[1].threads.size());
  EXPECT_EQ(a.groups[0].threads.size(), 667u);  // 2000 split three ways, first gets the extra
}

}  // namespace
}  // namespace lockgraph::analyzer

namespace lockgraph::analyzer {
namespace {

TEST(DumpCompareTest, ThreadsBlockedInTheSamePlaceInEveryDumpAreStuck) {
  std::string first = testing::ReadFile(testing::TestdataPath("dumps/gdb_capture_abba.txt"));
  // In the second dump the rwlock writer has moved on (a different line).
  std::string second = first;
  size_t at = second.find("t3 (x=0x0) at abba.c:8");
  ASSERT_NE(at, std::string::npos);
  second.replace(at, 22, "t3 (x=0x0) at abba.c:9");
  std::vector<Analysis> v;
  v.push_back(testing::AnalyzeText(first, "first"));
  v.push_back(testing::AnalyzeText(second, "second"));
  std::set<int64_t> stuck;
  for (const StuckThread& s : StuckAcrossDumps(v)) stuck.insert(s.lwp);
  EXPECT_EQ(stuck, (std::set<int64_t>{26075, 26077, 26078}));
  v.pop_back();
  EXPECT_TRUE(StuckAcrossDumps(v).empty());  // one dump compares with nothing
}

}  // namespace
}  // namespace lockgraph::analyzer

namespace lockgraph::analyzer {
namespace {

TEST(AnalysisTest, BareFutexWaitsAreAStateNotAnUnknownOwner) {
  Analysis a = testing::AnalyzeText(
      "Thread 1 (Thread 0x7f01 (LWP 12)):\n"
      "#0  0x7f in futex_wait (futex_word=0x6200, expected=0) at futex-internal.h:146\n"
      "#1  0x55 in WaitForWork (w=0x6200) at pool.cc:3\n");
  EXPECT_EQ(a.waits[0].kind, WaitKind::kFutex);
  EXPECT_TRUE(a.unknown_owner.empty());
  EXPECT_NE(a.Verdict().find("no deadlock: 0 of 1 threads"), std::string::npos) << a.Verdict();
}

}  // namespace
}  // namespace lockgraph::analyzer

namespace lockgraph::analyzer {
namespace {

TEST(AnalysisTest, RealStdMutexDeadlockFromPlainBtFull) {
  // gdb `thread apply all bt full` of guards.cc-style code: Transfer(a, b) and
  // Transfer(b, a) with std::lock_guard then std::unique_lock. No capture:
  // the owners come from the guards gdb prints as locals (`@0x...` for the
  // lock_guard's reference).
  Analysis a = testing::AnalyzeFixture("gdb_bt_full_std_guards.txt");
  ASSERT_EQ(a.cycles.size(), 1u);
  std::set<int64_t> lwps;
  for (const CycleStep& s : a.cycles[0].steps) {
    lwps.insert(a.dump.threads[s.thread].lwp);
    EXPECT_EQ(a.owners[s.thread].source, EvidenceSource::kHeldGuard);
  }
  EXPECT_EQ(lwps, (std::set<int64_t>{14107, 14108}));
}

}  // namespace
}  // namespace lockgraph::analyzer

namespace lockgraph::analyzer {
namespace {

// A real program with two deadlocks: absl::Mutex ABBA through absl::MutexLock,
// and a std::shared_mutex writer (unique_lock) against a reader (shared_lock)
// that holds a std::mutex the writer wants.
void ExpectSharedAndAbslCycles(const Analysis& a, EvidenceSource shared_evidence) {
  ASSERT_EQ(a.cycles.size(), 2u);
  std::set<std::set<int64_t>> cycles;
  for (const Cycle& c : a.cycles) {
    std::set<int64_t> lwps;
    for (const CycleStep& s : c.steps) {
      lwps.insert(a.dump.threads[s.thread].lwp);
      const Wait& w = a.waits[s.thread];
      if (lwps.count(16286) || lwps.count(16287)) {
        EXPECT_EQ(a.owners[s.thread].source, EvidenceSource::kHeldGuard);  // absl: no owner field
        EXPECT_TRUE(w.lock == 0x564d61068148u || w.lock == 0x564d61068150u);
      } else {
        EXPECT_EQ(a.owners[s.thread].source, shared_evidence);
      }
    }
    cycles.insert(lwps);
  }
  EXPECT_EQ(cycles, (std::set<std::set<int64_t>>{{16284, 16285}, {16286, 16287}}));
  int reader = -1;
  for (size_t i = 0; i < a.dump.threads.size(); ++i) {
    if (a.dump.threads[i].lwp == 16285) reader = static_cast<int>(i);
  }
  EXPECT_EQ(a.waits[reader].kind, WaitKind::kRwlockRead);
}

TEST(AnalysisTest, RealSharedMutexAndAbslDeadlocksFromCapture) {
  ExpectSharedAndAbslCycles(testing::AnalyzeFixture("gdb_capture_std_shared_and_absl.txt"),
                            EvidenceSource::kRecordedOwner);
}

TEST(AnalysisTest, RealSharedMutexAndAbslDeadlocksFromPlainBtFull) {
  ExpectSharedAndAbslCycles(testing::AnalyzeFixture("gdb_bt_full_std_shared_and_absl.txt"),
                            EvidenceSource::kHeldGuard);
}

}  // namespace
}  // namespace lockgraph::analyzer

namespace lockgraph::analyzer {
namespace {

TEST(AnalysisTest, RealLockgraphMutexDeadlock) {
  Analysis a = testing::AnalyzeFixture("gdb_capture_lockgraph_mutex.txt");
  ASSERT_EQ(a.cycles.size(), 1u);
  std::set<std::string> symbols;
  for (const CycleStep& s : a.cycles[0].steps) {
    EXPECT_EQ(a.waits[s.thread].kind, WaitKind::kMutex);
    EXPECT_EQ(a.owners[s.thread].source, EvidenceSource::kRecordedOwner);
    symbols.insert(a.waits[s.thread].lock_symbol);
  }
  EXPECT_EQ(symbols, (std::set<std::string>{"m1", "m2"}));
}

}  // namespace
}  // namespace lockgraph::analyzer
