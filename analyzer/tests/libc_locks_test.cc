// glibc's own locks: who holds them follows from where a thread is. The
// loader and signal cases are real dumps (tests/testdata/analyzer/dumps);
// stdio and fork are stacks as glibc 2.36 shows them, since their locks are
// held only for moments a program cannot stop in on purpose.
#include "libc_locks.h"

#include <gtest/gtest.h>

#include <string>

#include "test_util.h"

namespace lockgraph::analyzer {
namespace {

using testing::AnalyzeFixture;
using testing::AnalyzeText;
using testing::ThreadOf;

// The thread a real dump shows in `function`.
int ThreadIn(const Analysis& a, std::string_view function) {
  for (size_t i = 0; i < a.dump.threads.size(); ++i) {
    for (const Frame& f : a.dump.threads[i].frames) {
      if (f.function == function) return static_cast<int>(i);
    }
  }
  return -1;
}

TEST(LibcLocksTest, DlopenHoldsTheLoaderLockItsWaiterWaitsFor) {
  // The plain `thread apply all bt`: no owner fields at all.
  Analysis a = AnalyzeFixture("gdb_bt_loader_dlopen.txt");
  const int registry = ThreadIn(a, "HoldRegistry");
  const int loader = ThreadIn(a, "LoadPlugin");
  ASSERT_GE(registry, 0);
  ASSERT_GE(loader, 0);
  EXPECT_EQ(a.waits[registry].libc_lock, "the loader lock (_dl_load_lock)");
  const OwnerEvidence& e = a.owners[registry];
  ASSERT_EQ(e.owners.size(), 1u) << e.detail;
  EXPECT_EQ(e.owners[0].thread, loader);
  EXPECT_EQ(e.source, EvidenceSource::kImpliedHolder);
  EXPECT_EQ(e.confidence, Confidence::kMedium);
  EXPECT_NE(e.detail.find("dl_open_worker"), std::string::npos) << e.detail;
  // The loader itself waits for the program's mutex, not for the loader lock
  // it holds: no implied owner there.
  EXPECT_NE(a.owners[loader].source, EvidenceSource::kImpliedHolder);
}

TEST(LibcLocksTest, DladdrAndDlIteratePhdr) {
  Analysis a = AnalyzeFixture("gdb_bt_loader_dladdr.txt");
  int registry = ThreadIn(a, "HoldRegistry");
  ASSERT_GE(registry, 0);
  ASSERT_EQ(a.owners[registry].owners.size(), 1u);
  EXPECT_EQ(a.owners[registry].owners[0].thread, ThreadIn(a, "LoadPlugin"));

  a = AnalyzeFixture("gdb_bt_loader_phdr.txt");
  registry = ThreadIn(a, "HoldRegistry");
  ASSERT_GE(registry, 0);
  EXPECT_EQ(a.waits[registry].libc_lock, "the loader's write lock (_dl_load_write_lock)");
  ASSERT_EQ(a.owners[registry].owners.size(), 1u) << a.owners[registry].detail;
  EXPECT_EQ(a.owners[registry].owners[0].thread, ThreadIn(a, "WalkObjects"));
  EXPECT_NE(a.owners[registry].detail.find("dl_iterate_phdr"), std::string::npos);
}

TEST(LibcLocksTest, LoaderWithoutLibcDebugInfo) {
  Analysis a = AnalyzeFixture("gdb_bt_loader_dlopen_no_libc_debuginfo.txt");
  const int registry = ThreadIn(a, "HoldRegistry");
  ASSERT_GE(registry, 0);
  ASSERT_EQ(a.owners[registry].owners.size(), 1u) << a.owners[registry].detail;
  EXPECT_EQ(a.owners[registry].owners[0].thread, ThreadIn(a, "LoadPlugin"));
  EXPECT_NE(a.owners[registry].detail.find("_dl_catch_exception"), std::string::npos);
}

TEST(LibcLocksTest, RecordedOwnersOutrankWhatGlibcImplies) {
  Analysis a = AnalyzeFixture("gdb_capture_loader_dlopen.txt");
  ASSERT_EQ(a.cycles.size(), 1u);
  EXPECT_FALSE(a.cycles[0].likely);
  for (const CycleStep& s : a.cycles[0].steps) {
    EXPECT_EQ(a.owners[s.thread].source, EvidenceSource::kRecordedOwner);
  }
}

TEST(LibcLocksTest, SignalHandlerReenteringMalloc) {
  Analysis a = AnalyzeFixture("gdb_bt_full_signal_malloc.txt");
  ASSERT_EQ(a.cycles.size(), 1u);
  const Cycle& c = a.cycles[0];
  ASSERT_TRUE(c.self_deadlock());
  EXPECT_TRUE(c.signal_reentry);
  EXPECT_TRUE(c.likely);
  ASSERT_EQ(c.reasons.size(), 1u);
  EXPECT_NE(c.reasons[0].find("the code the signal interrupted is inside `_int_"),
            std::string::npos)
      << c.reasons[0];
  EXPECT_NE(a.Verdict().find("self-deadlock by signal re-entry"), std::string::npos);
}

TEST(LibcLocksTest, SignalHandlerReenteringAMutexHeldByAGuard) {
  // bt full: the interrupted frame's lock_guard holds the mutex.
  Analysis a = AnalyzeFixture("gdb_bt_full_signal_mutex.txt");
  ASSERT_EQ(a.cycles.size(), 1u);
  EXPECT_TRUE(a.cycles[0].signal_reentry);
  EXPECT_FALSE(a.cycles[0].likely);
  EXPECT_EQ(a.owners[a.cycles[0].steps[0].thread].source, EvidenceSource::kHeldGuard);
}

// stdio: one thread blocked in write() inside fwrite on stdout holds
// stdout's lock; another waits for it in puts.
constexpr char kStdio[] =
    "Thread 3 (Thread 0x7f03 (LWP 303) \"logger\"):\n"
    "#0  0x7f in __GI___libc_write (fd=1, buf=0x5555, nbytes=4096) at write.c:26\n"
    "#1  0x7f in _IO_new_file_write (f=0x7f5c2dc1a780 <_IO_2_1_stdout_>, data=0x5555, n=4096) at "
    "./libio/fileops.c:1180\n"
    "#2  0x7f in new_do_write (fp=0x7f5c2dc1a780 <_IO_2_1_stdout_>, data=0x5555, to_do=4096) at "
    "./libio/fileops.c:448\n"
    "#3  0x7f in _IO_new_file_xsputn (f=0x7f5c2dc1a780 <_IO_2_1_stdout_>, data=0x5556, n=9) at "
    "./libio/fileops.c:1255\n"
    "#4  0x7f in _IO_fwrite (buf=0x5556, size=1, count=9, fp=0x7f5c2dc1a780 <_IO_2_1_stdout_>) "
    "at ./libio/iofwrite.c:39\n"
    "#5  0x55 in LogLine (mu=0x55d0a0 <log_mu>) at log.c:12\n"
    "Thread 2 (Thread 0x7f02 (LWP 202) \"worker\"):\n"
    "#0  futex_wait (private=0, expected=2, futex_word=0x7f5c2dc1ba70 <_IO_stdfile_1_lock>) at "
    "../sysdeps/nptl/futex-internal.h:146\n"
    "#1  __GI___lll_lock_wait_private (futex=futex@entry=0x7f5c2dc1ba70 <_IO_stdfile_1_lock>) at "
    "./nptl/lowlevellock.c:34\n"
    "#2  0x7f in _IO_puts (str=0x5557 \"ready\") at ./libio/ioputs.c:35\n"
    "#3  0x55 in Report () at w.c:8\n";

TEST(LibcLocksTest, AStdioCallHoldsItsFilesLock) {
  Analysis a = AnalyzeText(kStdio);
  const int worker = ThreadOf(a, 202), logger = ThreadOf(a, 303);
  EXPECT_EQ(a.waits[worker].libc_lock, "stdout's FILE lock");
  const OwnerEvidence& e = a.owners[worker];
  ASSERT_EQ(e.owners.size(), 1u) << e.detail;
  EXPECT_EQ(e.owners[0].thread, logger);
  EXPECT_EQ(e.source, EvidenceSource::kImpliedHolder);
  // Not waiting for a lock itself: a long holder, not a deadlock.
  EXPECT_FALSE(a.deadlock());
  ASSERT_EQ(a.long_holders.size(), 1u);
  EXPECT_EQ(a.long_holders[0].thread, logger);
}

TEST(LibcLocksTest, ACycleThroughAFileLockIsLikely) {
  // A FILE made by fopencookie: its write function runs under the FILE's
  // lock and takes log_mu, whose owner (printed) waits to write to the FILE.
  Analysis a = AnalyzeText(
      "Thread 3 (Thread 0x7f03 (LWP 303) \"logger\"):\n"
      "#0  futex_wait (private=0, expected=2, futex_word=0x55d288) at f.h:146\n"
      "#1  __GI___lll_lock_wait_private (futex=futex@entry=0x55d288) at ./nptl/lowlevellock.c:34\n"
      "#2  0x7f in _IO_fwrite (buf=0x5556, size=1, count=9, fp=0x55d1a0) at ./libio/iofwrite.c:37\n"
      "#3  0x55 in LogLine () at log.c:12\n"
      "Thread 2 (Thread 0x7f02 (LWP 202) \"worker\"):\n"
      "#0  futex_wait (private=0, expected=2, futex_word=0x55d0a0 <log_mu>) at f.h:146\n"
      "#1  __GI___lll_lock_wait (futex=futex@entry=0x55d0a0 <log_mu>, private=0) at ll.c:49\n"
      "#2  ___pthread_mutex_lock (mutex=0x55d0a0 <log_mu>) at ./nptl/pthread_mutex_lock.c:93\n"
      "#3  0x55 in CookieWrite (cookie=0x0, buf=0x5556 \"x\", size=9) at w.c:5\n"
      "#4  0x7f in _IO_cookie_write (fp=0x55d1a0, buf=0x5556, size=9) at ./libio/iofopncook.c:50\n"
      "#5  0x7f in new_do_write (fp=0x55d1a0, data=0x5556, to_do=9) at ./libio/fileops.c:448\n"
      "#6  0x7f in _IO_fwrite (buf=0x5556, size=1, count=9, fp=0x55d1a0) at ./libio/iofwrite.c:39\n"
      "#7  0x55 in Report () at w.c:8\n"
      "(gdb) p log_mu\n$1 = {__data = {__lock = 2, __count = 0, __owner = 303, __nusers = 1}}\n");
  ASSERT_EQ(a.cycles.size(), 1u) << a.Verdict();
  EXPECT_TRUE(a.cycles[0].likely);
  EXPECT_EQ(a.waits[ThreadOf(a, 303)].libc_lock, "0x55d1a0's FILE lock");
  EXPECT_NE(a.Verdict().find("likely deadlock"), std::string::npos);
  EXPECT_NE(a.Verdict().find("`_IO_cookie_write` at #4 on 0x55d1a0"), std::string::npos)
      << a.Verdict();
}

// fork() in glibc 2.36: the atfork lock is not held while a handler runs,
// and around the clone it holds the stdio list and every arena.
TEST(LibcLocksTest, ForkHoldsItsLocksOnlyBetweenItsHandlers) {
  const std::string in_clone =
      "Thread 3 (Thread 0x7f03 (LWP 303) \"forker\"):\n"
      "#0  0x7f in arch_fork (ctid=0x7f03) at ../sysdeps/unix/sysv/linux/arch-fork.h:52\n"
      "#1  0x7f in _Fork () at ../sysdeps/nptl/_Fork.c:29\n"
      "#2  0x7f in __libc_fork () at ./posix/fork.c:73\n"
      "#3  0x55 in Spawn () at s.c:4\n";
  const std::string malloc_waiter =
      "Thread 2 (Thread 0x7f02 (LWP 202) \"worker\"):\n"
      "#0  futex_wait (private=0, expected=2, futex_word=0x7f5c2dc19c80 <main_arena>) at "
      "../sysdeps/nptl/futex-internal.h:146\n"
      "#1  __GI___lll_lock_wait_private (futex=futex@entry=0x7f5c2dc19c80 <main_arena>) at "
      "./nptl/lowlevellock.c:34\n"
      "#2  0x7f in __GI___libc_malloc (bytes=90000) at ./malloc/malloc.c:3321\n"
      "#3  0x55 in Work () at w.c:8\n";
  Analysis a = AnalyzeText(in_clone + malloc_waiter);
  const OwnerEvidence& e = a.owners[ThreadOf(a, 202)];
  ASSERT_EQ(e.owners.size(), 1u) << e.detail;
  EXPECT_EQ(e.owners[0].lwp, 303);
  EXPECT_NE(e.detail.find("every malloc arena"), std::string::npos) << e.detail;

  // Inside a prepare handler, fork holds none of them.
  const std::string in_handler =
      "Thread 3 (Thread 0x7f03 (LWP 303) \"forker\"):\n"
      "#0  futex_wait (private=0, expected=2, futex_word=0x55d0a0 <jobs>) at f.h:146\n"
      "#1  __GI___lll_lock_wait (futex=futex@entry=0x55d0a0 <jobs>, private=0) at ll.c:49\n"
      "#2  ___pthread_mutex_lock (mutex=0x55d0a0 <jobs>) at ./nptl/pthread_mutex_lock.c:93\n"
      "#3  0x55 in LockJobsBeforeFork () at f.c:27\n"
      "#4  0x7f in __run_prefork_handlers (do_locking=do_locking@entry=true) at "
      "./posix/register-atfork.c:141\n"
      "#5  0x7f in __libc_fork () at ./posix/fork.c:51\n"
      "#6  0x55 in Spawn () at s.c:4\n";
  a = AnalyzeText(in_handler + malloc_waiter);
  EXPECT_TRUE(a.owners[ThreadOf(a, 202)].owners.empty()) << a.owners[ThreadOf(a, 202)].detail;

  // Waiting for the atfork lock behind a fork that is past its handlers.
  const std::string atfork_waiter =
      "Thread 2 (Thread 0x7f02 (LWP 202) \"worker\"):\n"
      "#0  futex_wait (private=0, expected=2, futex_word=0x7f5c2dc1c9c8 <atfork_lock>) at "
      "../sysdeps/nptl/futex-internal.h:146\n"
      "#1  __GI___lll_lock_wait_private (futex=futex@entry=0x7f5c2dc1c9c8 <atfork_lock>) at "
      "./nptl/lowlevellock.c:34\n"
      "#2  0x7f in __register_atfork (prepare=0x55, parent=0x0, child=0x0, dso_handle=0x0) at "
      "./posix/register-atfork.c:88\n"
      "#3  0x55 in InitPlugin () at p.c:3\n";
  a = AnalyzeText(in_clone + atfork_waiter);
  const OwnerEvidence& atfork = a.owners[ThreadOf(a, 202)];
  EXPECT_EQ(a.waits[ThreadOf(a, 202)].libc_lock, "the atfork lock");
  ASSERT_EQ(atfork.owners.size(), 1u) << atfork.detail;
  EXPECT_EQ(atfork.owners[0].lwp, 303);
}

TEST(LibcLocksTest, MatchingRules) {
  const LibcLock loader{LibcLockKind::kLoader, "", ""};
  const LibcLock write{LibcLockKind::kLoaderWrite, "", ""};
  const LibcLock any{LibcLockKind::kLoaderAny, "", ""};
  EXPECT_TRUE(LibcLockMatches(loader, loader));
  EXPECT_FALSE(LibcLockMatches(loader, write));
  EXPECT_TRUE(LibcLockMatches(any, write));
  EXPECT_TRUE(LibcLockMatches(any, loader));
  const LibcLock stdout_lock{LibcLockKind::kStdioFile, "stdout", ""};
  EXPECT_TRUE(LibcLockMatches(stdout_lock, stdout_lock));
  EXPECT_FALSE(LibcLockMatches(stdout_lock, LibcLock{LibcLockKind::kStdioFile, "stderr", ""}));
  // A FILE the waiter's frames do not name matches no holder.
  EXPECT_FALSE(LibcLockMatches(LibcLock{LibcLockKind::kStdioFile, "", ""}, stdout_lock));
  const LibcLock arena{LibcLockKind::kMallocArena, "0x7f10", ""};
  EXPECT_TRUE(LibcLockMatches(arena, LibcLock{LibcLockKind::kMallocArena, "", ""}));  // fork
  EXPECT_FALSE(LibcLockMatches(arena, LibcLock{LibcLockKind::kMallocArena, "0x7f20", ""}));
  EXPECT_FALSE(LibcLockMatches(LibcLock{}, loader));
}

}  // namespace
}  // namespace lockgraph::analyzer
