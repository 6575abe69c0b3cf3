// Owner evidence from interactive sessions: each way of printing a lock is
// tied to the lock a thread waits for, and the owner it names becomes the
// edge of the wait-for graph. Values are gdb 13's glibc 2.36 prints.
#include "session_evidence.h"

#include <gtest/gtest.h>

#include <string>

#include "test_util.h"

namespace lockgraph::analyzer {
namespace {

using testing::AnalyzeText;

// Two threads in ABBA on `first` (0x55d0a0) and `second` (0x55d0e0), as
// `thread apply all bt` shows them, without owners.
constexpr char kAbba[] =
    "Thread 3 (Thread 0x7f00000003 (LWP 303) \"w\"):\n"
    "#0  futex_wait (private=0, expected=2, futex_word=0x55d0a0 <first>) at futex-internal.h:146\n"
    "#1  __GI___lll_lock_wait (futex=futex@entry=0x55d0a0 <first>, private=0) at "
    "lowlevellock.c:49\n"
    "#2  0x7f in lll_mutex_lock_optimized (mutex=0x55d0a0 <first>) at pthread_mutex_lock.c:48\n"
    "#3  ___pthread_mutex_lock (mutex=0x55d0a0 <first>) at ./nptl/pthread_mutex_lock.c:93\n"
    "#4  0x55 in TakeInOrder (a=0x55d0e0 <second>, b=0x55d0a0 <first>) at abba.cc:22\n"
    "Thread 2 (Thread 0x7f00000002 (LWP 202) \"w\"):\n"
    "#0  futex_wait (private=0, expected=2, futex_word=0x55d0e0 <second>) at futex-internal.h:146\n"
    "#1  __GI___lll_lock_wait (futex=futex@entry=0x55d0e0 <second>, private=0) at "
    "lowlevellock.c:49\n"
    "#2  0x7f in lll_mutex_lock_optimized (mutex=0x55d0e0 <second>) at pthread_mutex_lock.c:48\n"
    "#3  ___pthread_mutex_lock (mutex=0x55d0e0 <second>) at ./nptl/pthread_mutex_lock.c:93\n"
    "#4  0x55 in TakeInOrder (a=0x55d0a0 <first>, b=0x55d0e0 <second>) at abba.cc:22\n";

std::string MutexValue(int owner) {
  return "{__data = {__lock = 2, __count = 0, __owner = " + std::to_string(owner) +
         ", __nusers = 1, __kind = 0, __spins = 0, __elision = 0, __list = {__prev = 0x0, "
         "__next = 0x0}}, __size = "
         "\"\\002\\000\\000\\000\\000\\000\\000\\000?\\034\\000\\000\\001\","
         " '\\000' <repeats 26 times>, __align = 2}";
}

// Who thread `lwp` waits for, and on what evidence.
const OwnerEvidence& EvidenceOf(const Analysis& a, int64_t lwp) {
  for (size_t i = 0; i < a.dump.threads.size(); ++i) {
    if (a.dump.threads[i].lwp == lwp) return a.owners[i];
  }
  static const OwnerEvidence kNone;
  ADD_FAILURE() << "no LWP " << lwp;
  return kNone;
}

void ExpectOwner(const Analysis& a, int64_t waiter, int64_t owner, Confidence c) {
  const OwnerEvidence& e = EvidenceOf(a, waiter);
  ASSERT_EQ(e.owners.size(), 1u) << e.detail;
  EXPECT_EQ(e.owners[0].lwp, owner) << e.detail;
  EXPECT_EQ(e.source, EvidenceSource::kPrintedOwner) << e.detail;
  EXPECT_EQ(e.confidence, c) << e.detail;
}

TEST(SessionEvidenceTest, LockFieldsOfGlibcAndTheStandardLibrary) {
  LockFields f = ParseLockFields(MutexValue(7231));
  EXPECT_EQ(f.owner, 7231);
  EXPECT_EQ(f.lock_word, 2);
  // p/x, and std::mutex's base class wrapping the pthread mutex.
  f = ParseLockFields(
      "{<std::__mutex_base> = {_M_mutex = {__data = {__lock = 0x2, __count = 0x0, "
      "__owner = 0x1c3e, __nusers = 0x1}}}, <No data fields>}");
  EXPECT_EQ(f.owner, 0x1c3e);
  // std::shared_mutex: _M_impl._M_rwlock.
  f = ParseLockFields(
      "{_M_impl = {_M_rwlock = {__data = {__readers = 11, __writers = 0, "
      "__wrphase_futex = 3, __writers_futex = 1, __pad3 = 0, __pad4 = 0, "
      "__cur_writer = 19771, __shared = 0}}}}");
  EXPECT_EQ(f.writer, 19771);
  EXPECT_EQ(f.readers_word, 11);
  EXPECT_FALSE(f.owner);
  // A struct with two mutexes: which one is which, the value does not say.
  f = ParseLockFields("{a = {__data = {__owner = 5}}, b = {__data = {__owner = 6}}}");
  EXPECT_FALSE(f.owner);
}

TEST(SessionEvidenceTest, PrintInTheSelectedFrameIsThatFramesMutex) {
  Analysis a = AnalyzeText(std::string(kAbba) +
                           "(gdb) thread 2\n(gdb) frame 3\n"
                           "#3  ___pthread_mutex_lock (mutex=0x55d0e0 <second>) at x.c:93\n"
                           "(gdb) p *mutex\n$1 = " +
                           MutexValue(303) + "\n" +
                           "(gdb) thread 3\n(gdb) up 3\n"
                           "#3  ___pthread_mutex_lock (mutex=0x55d0a0 <first>) at x.c:93\n"
                           "(gdb) p mutex->__data.__owner\n$2 = 202\n");
  ExpectOwner(a, 202, 303, Confidence::kHigh);
  ExpectOwner(a, 303, 202, Confidence::kHigh);
  EXPECT_NE(EvidenceOf(a, 202).detail.find("`p *mutex`"), std::string::npos);
  EXPECT_NE(EvidenceOf(a, 303).detail.find("`p mutex->__data.__owner`"), std::string::npos);
  ASSERT_EQ(a.cycles.size(), 1u);
}

TEST(SessionEvidenceTest, PrintByNameIsTheLockTheBacktraceShowsUnderThatName) {
  // A value gdb wraps at the terminal width continues on the next lines.
  Analysis a = AnalyzeText(std::string(kAbba) +
                           "(gdb) p first\n$1 = {__data = {__lock = 2, "
                           "__count = 0, __owner = 202, __nusers = 1, \n    __kind = 0}, \n"
                           "  __size = \"x\", __align = 2}\n(gdb) p/x second\n"
                           "$2 = {__data = {__lock = 0x2, __count = 0x0, __owner = 0x12f}}\n");
  ExpectOwner(a, 303, 202, Confidence::kHigh);
  ExpectOwner(a, 202, 0x12f, Confidence::kHigh);
  EXPECT_NE(EvidenceOf(a, 303).detail.find("<first>"), std::string::npos);
}

TEST(SessionEvidenceTest, HistoryPointersAndCastAddresses) {
  Analysis a = AnalyzeText(std::string(kAbba) +
                           "(gdb) t 3\n(gdb) f 3\n"
                           "#3  ___pthread_mutex_lock (mutex=0x55d0a0 <first>) at x.c:93\n"
                           "(gdb) p mutex\n$1 = (pthread_mutex_t *) 0x55d0a0 <first>\n"
                           "(gdb) p *$1\n$2 = " +
                           MutexValue(202) + "\n" +
                           "(gdb) p *(pthread_mutex_t *) 0x55d0e0\n$3 = " + MutexValue(303) + "\n");
  ExpectOwner(a, 303, 202, Confidence::kHigh);
  ExpectOwner(a, 202, 303, Confidence::kHigh);
}

TEST(SessionEvidenceTest, MemoryWordsAtTheLocksAddress) {
  Analysis a = AnalyzeText(std::string(kAbba) +
                           "(gdb) x/8wx 0x55d0a0\n"
                           "0x55d0a0 <_ZL5first>:\t0x00000002\t0x00000000\t0x000000ca\t0x00000001\n"
                           "0x55d0b0 <_ZL5first+16>:\t0x00000000\t0x00000000\t0x00000000\t0x0\n"
                           "(gdb) x/2gx 0x55d0e0\n"
                           "0x55d0e0 <_ZL6second>:\t0x0000000000000002\t0x000000010000012f\n");
  ExpectOwner(a, 303, 0xca, Confidence::kHigh);
  ExpectOwner(a, 202, 0x12f, Confidence::kHigh);
  EXPECT_NE(EvidenceOf(a, 303).detail.find("+8 (__owner)"), std::string::npos);
}

TEST(SessionEvidenceTest, ValueWithoutItsCommandIsTheSelectedLockFrameMedium) {
  // gdb -batch -ex 'frame 3' -ex 'p *mutex': the output only.
  Analysis a = AnalyzeText(std::string(kAbba) +
                           "[Switching to thread 2 (Thread 0x7f00000002 (LWP 202))]\n"
                           "#0  futex_wait (private=0, expected=2, futex_word=0x55d0e0 <second>) "
                           "at futex-internal.h:146\n"
                           "#3  ___pthread_mutex_lock (mutex=0x55d0e0 <second>) at "
                           "./nptl/pthread_mutex_lock.c:93\n"
                           "$1 = " +
                           MutexValue(303) + "\n");
  ExpectOwner(a, 202, 303, Confidence::kMedium);
  EXPECT_NE(EvidenceOf(a, 202).detail.find("not in the paste"), std::string::npos);
  // A value that names no lock field says nothing.
  a = AnalyzeText(std::string(kAbba) + "(gdb) p errno\n$1 = 4\n");
  EXPECT_TRUE(EvidenceOf(a, 202).owners.empty());
}

TEST(SessionEvidenceTest, PrintedPthreadTidIdentifiesTheJoinedThread) {
  // A core file's headers have no pthread_t; the user printed it.
  Analysis a = AnalyzeText(
      "Thread 2 (LWP 77):\n#0  0x7f in __lll_lock_wait () at lowlevellock.S:152\n"
      "#1  0x55 in Worker () at w.c:3\n"
      "Thread 1 (LWP 70):\n"
      "#0  __futex_abstimed_wait_common64 (private=128, futex_word=0x7f10) at f.c:57\n"
      "#1  0x7f in __pthread_clockjoin_ex (threadid=139637976733440, thread_return=0x0) at "
      "j.c:102\n"
      "#2  0x55 in main () at m.c:9\n"
      "(gdb) p ((struct pthread *) 0x7f0000001700)->tid\n$1 = 77\n");
  const OwnerEvidence& e = EvidenceOf(a, 70);
  ASSERT_EQ(e.owners.size(), 1u) << e.detail;
  EXPECT_EQ(e.owners[0].lwp, 77);
  EXPECT_EQ(e.source, EvidenceSource::kJoinTarget);
  EXPECT_NE(e.detail.find("struct pthread"), std::string::npos) << e.detail;
}

TEST(SessionEvidenceTest, RegistersGiveTheLockOfAWaiterWithoutArguments) {
  // No libc debug info: frames without arguments; rdi at the futex call.
  Analysis a = AnalyzeText(
      "Thread 2 (Thread 0x7f02 (LWP 202) \"w\"):\n"
      "#0  0x00007fe48887712b in ?? () from /lib/x86_64-linux-gnu/libc.so.6\n"
      "#1  0x00007fe48887d482 in pthread_mutex_lock () from /lib/x86_64-linux-gnu/libc.so.6\n"
      "#2  0x000056208532d250 in TakeInOrder (a=0x55d0a0 <first>, b=0x55d0e0 <second>) at a.cc:22\n"
      "(gdb) thread 2\n[Switching to thread 2 (Thread 0x7f02 (LWP 202))]\n"
      "#0  0x00007fe48887712b in ?? () from /lib/x86_64-linux-gnu/libc.so.6\n"
      "(gdb) info registers rdi\nrdi            0x55d0e0      5607648\n"
      "(gdb) p second\n$1 = " +
      MutexValue(303) + "\n");
  ExpectOwner(a, 202, 303, Confidence::kMedium);
  EXPECT_NE(EvidenceOf(a, 202).detail.find("registers"), std::string::npos);
}

TEST(SessionEvidenceTest, AFutexWaitOnAPrintedMutexIsAWaitForIt) {
  Analysis a = AnalyzeText(
      "(gdb) info threads\n  Id   Target Id   Frame \n"
      "  2    Thread 0x7f02 (LWP 202) \"w\" futex_wait (private=0, expected=2, "
      "futex_word=0x55d0e0 <second>) at ../sysdeps/nptl/futex-internal.h:146\n"
      "(gdb) p second\n$1 = " +
      MutexValue(303) + "\n");
  ASSERT_EQ(a.waits[0].kind, WaitKind::kMutex);
  ExpectOwner(a, 202, 303, Confidence::kMedium);
  // A free mutex is not what a futex sleeper waits for.
  a = AnalyzeText(
      "(gdb) info threads\n"
      "  2    Thread 0x7f02 (LWP 202) \"w\" futex_wait (private=0, expected=2, "
      "futex_word=0x55d0e0 <second>) at ../sysdeps/nptl/futex-internal.h:146\n"
      "(gdb) p second\n$1 = {__data = {__lock = 0, __count = 0, __owner = 0}}\n");
  EXPECT_EQ(a.waits[0].kind, WaitKind::kFutex);
}

TEST(SessionEvidenceTest, APrintedFreeLockIsNotAnUnknownOwner) {
  Analysis a = AnalyzeText(std::string(kAbba) +
                           "(gdb) p first\n$1 = {__data = {__lock = 0, "
                           "__count = 0, __owner = 0, __nusers = 0}}\n");
  const OwnerEvidence& e = EvidenceOf(a, 303);
  EXPECT_TRUE(e.owners.empty());
  EXPECT_TRUE(e.lock_free);
  EXPECT_NE(e.detail.find("free when printed"), std::string::npos);
}

}  // namespace
}  // namespace lockgraph::analyzer
