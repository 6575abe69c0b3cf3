// Wait classification: one table row per wait pattern of each glibc era and
// each wrapper library.
#include "wait_classifier.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "dump_parser.h"

namespace lockgraph::analyzer {
namespace {

Thread ParseThread(const std::string& frames) {
  Dump d;
  std::string error;
  EXPECT_TRUE(
      ParseDump("Thread 2 (Thread 0x7f0000001000 (LWP 101) \"t\"):\n" + frames, "test", &d, &error))
      << error;
  return d.threads.empty() ? Thread{} : d.threads[0];
}

struct Case {
  const char* name;
  const char* frames;
  WaitKind kind;
  std::optional<uint64_t> lock;
  int call_site;
};

TEST(WaitClassifierTest, RecognizesEveryWaitPattern) {
  const Case cases[] = {
      {"glibc 2.36 mutex",
       "#0  futex_wait (private=0, expected=2, futex_word=0x55a0 <a>) at futex-internal.h:146\n"
       "#1  __GI___lll_lock_wait (futex=futex@entry=0x55a0 <a>, private=0) at lowlevellock.c:49\n"
       "#2  0x7f in lll_mutex_lock_optimized (mutex=0x55a0 <a>) at pthread_mutex_lock.c:48\n"
       "#3  ___pthread_mutex_lock (mutex=0x55a0 <a>) at ./nptl/pthread_mutex_lock.c:93\n"
       "#4  0x55 in t1 (x=0x0) at abba.c:6\n",
       WaitKind::kMutex, 0x55a0, 4},
      {"glibc 2.31 mutex, seed report style",
       "#0  __lll_lock_wait () at ../sysdeps/unix/sysv/linux/x86_64/lowlevellock.S:152\n"
       "#1  __GI___pthread_mutex_lock (mutex=0x7f8a1c002100) at pthread_mutex_lock.c:115\n"
       "#2  cacheforge::HashTable::remove(std::string const&) at storage/hashtable.cpp:52\n",
       WaitKind::kMutex, 0x7f8a1c002100, 2},
      {"no debug info (pstack), lock address unknown",
       "#0  0x7f in __lll_lock_wait () from /lib64/libpthread.so.0\n"
       "#1  0x7f in _L_lock_883 () from /lib64/libpthread.so.0\n"
       "#2  0x7f in pthread_mutex_lock () from /lib64/libpthread.so.0\n"
       "#3  0x40 in transfer(account*, account*) ()\n",
       WaitKind::kMutex, std::nullopt, 3},
      {"robust/PI mutex",
       "#0  0x7f in __pthread_mutex_lock_full (mutex=0x6010) at pthread_mutex_lock.c:300\n"
       "#1  0x40 in f () at f.c:3\n",
       WaitKind::kMutex, 0x6010, 1},
      {"timed mutex",
       "#0  0x7f in __futex_abstimed_wait_common64 (futex_word=0x6020) at futex-internal.c:57\n"
       "#1  0x7f in __pthread_mutex_clocklock_common (mutex=0x6020, clockid=0, abstime=0x7ff)\n"
       "#2  0x7f in ___pthread_mutex_timedlock (mutex=0x6020, abstime=0x7ff)\n"
       "#3  0x40 in g () at g.c:3\n",
       WaitKind::kMutex, 0x6020, 3},
      {"eu-stack versioned names",
       "#0  0x7f __GI___lll_lock_wait\n#1  0x7f __pthread_mutex_lock@GLIBC_2.2.5\n#2  0x55 t1\n",
       WaitKind::kMutex, std::nullopt, 2},
      {"rwlock write",
       "#0  __futex_abstimed_wait_common (futex_word=0x5608 <rw+8>, expected=2) at f.c:103\n"
       "#1  0x7f in __GI___futex_abstimed_wait64 (futex_word=0x5608 <rw+8>) at f.c:128\n"
       "#2  0x7f in __pthread_rwlock_wrlock_full64 (abstime=0x0, clockid=0, rwlock=0x5600 <rw>) "
       "at ./nptl/pthread_rwlock_common.c:829\n"
       "#3  ___pthread_rwlock_wrlock (rwlock=0x5600 <rw>) at pthread_rwlock_wrlock.c:26\n"
       "#4  0x55 in t3 (x=0x0) at abba.c:8\n",
       WaitKind::kRwlockWrite, 0x5600, 4},
      {"rwlock read",
       "#0  0x7f in __pthread_rwlock_rdlock_full64 (rwlock=0x5700) at common.c:460\n"
       "#1  ___pthread_rwlock_rdlock (rwlock=0x5700) at rdlock.c:26\n#2  0x55 in r () at r.c:1\n",
       WaitKind::kRwlockRead, 0x5700, 2},
      {"join, glibc 2.34+",
       "#0  __futex_abstimed_wait_common64 (private=128, expected=1002, futex_word=0x7f19d0) at "
       "f.c:57\n"
       "#1  0x7f in __pthread_clockjoin_ex (threadid=139637976733440, thread_return=0x0) at "
       "pthread_join_common.c:102\n"
       "#2  0x55 in main () at app.cc:20\n",
       WaitKind::kJoin, std::nullopt, 2},
      {"std::thread::join over pthread_join",
       "#0  0x7f in pthread_join () from /lib64/libpthread.so.0\n"
       "#1  0x7f in std::thread::join() () from /lib/x86_64-linux-gnu/libstdc++.so.6\n"
       "#2  0x40 in main () at m.cc:9\n",
       WaitKind::kJoin, std::nullopt, 2},
      {"condition variable",
       "#0  __futex_abstimed_wait_common (futex_word=0x5808, expected=0) at f.c:57\n"
       "#1  0x7f in __pthread_cond_wait_common (abstime=0x0, mutex=0x5830, cond=0x5800) at "
       "pthread_cond_wait.c:503\n"
       "#2  ___pthread_cond_wait (cond=0x5800, mutex=0x5830) at pthread_cond_wait.c:618\n"
       "#3  0x7f in std::condition_variable::wait(std::unique_lock<std::mutex>&) () from "
       "/lib/x86_64-linux-gnu/libstdc++.so.6\n"
       "#4  0x55 in Queue::Pop (this=0x5900) at queue.cc:12\n",
       WaitKind::kCondvar, 0x5800, 4},
      {"condvar re-taking its mutex is a mutex wait",
       "#0  0x7f in __lll_lock_wait (futex=0x5830, private=0) at lowlevellock.c:49\n"
       "#1  0x7f in __pthread_mutex_cond_lock (mutex=0x5830) at pthread_mutex_lock.c:93\n"
       "#2  0x7f in __pthread_cond_wait_common (mutex=0x5830, cond=0x5800) at c.c:616\n"
       "#3  0x55 in Queue::Pop (this=0x5900) at queue.cc:12\n",
       WaitKind::kMutex, 0x5830, 3},
      {"std::mutex and lock_guard wrappers",
       "#0  0x7f in __lll_lock_wait (futex=0x5a00, private=0) at lowlevellock.c:49\n"
       "#1  0x7f in pthread_mutex_lock (mutex=0x5a00) at pthread_mutex_lock.c:80\n"
       "#2  0x55 in __gthread_mutex_lock (__mutex=0x5a00) at gthr-default.h:749\n"
       "#3  std::mutex::lock (this=0x5a00) at std_mutex.h:100\n"
       "#4  std::lock_guard<std::mutex>::lock_guard (this=0x7ffd, __m=...) at std_mutex.h:229\n"
       "#5  0x55 in Account::Deposit (this=0x5a00, n=5) at account.cc:10\n",
       WaitKind::kMutex, 0x5a00, 5},
      {"libc++ shared_mutex, reader",
       "#0  0x7f in __pthread_rwlock_rdlock_full64 (rwlock=0x5b00) at c.c:460\n"
       "#1  0x7f in std::__1::shared_mutex::lock_shared() () from /usr/lib/libc++.so.1\n"
       "#2  0x55 in Cache::Get (this=0x5b00) at cache.cc:20\n",
       WaitKind::kRwlockRead, 0x5b00, 2},
      {"std::shared_mutex writer (libstdc++)",
       "#0  0x7f in __pthread_rwlock_wrlock_full64 (rwlock=0x5c00) at c.c:829\n"
       "#1  0x55 in std::__shared_mutex_pthread::lock (this=0x5c00) at shared_mutex:194\n"
       "#2  std::shared_mutex::lock (this=0x5c00) at shared_mutex:420\n"
       "#3  0x55 in Cache::Put (this=0x5c00) at cache.cc:30\n",
       WaitKind::kRwlockWrite, 0x5c00, 3},
      {"absl::Mutex slow path",
       "#0  0x7f in syscall () from /lib/x86_64-linux-gnu/libc.so.6\n"
       "#1  0x55 in absl::lts_20230125::synchronization_internal::FutexImpl::WaitUntil "
       "(v=0x7f00, val=0, t=...) at futex.h:104\n"
       "#2  0x55 in absl::lts_20230125::synchronization_internal::Waiter::Wait (this=0x7f00, "
       "t=...) at waiter.cc:88\n"
       "#3  0x55 in AbslInternalPerThreadSemWait_lts_20230125 (t=...) at "
       "per_thread_sem.cc:89\n"
       "#4  0x55 in absl::lts_20230125::Mutex::Block (this=0x5d00, s=0x7f00) at mutex.cc:1099\n"
       "#5  0x55 in absl::lts_20230125::Mutex::LockSlowLoop (this=0x5d00, waitp=0x7ffd, flags=0) "
       "at mutex.cc:1776\n"
       "#6  0x55 in absl::lts_20230125::Mutex::LockSlowWithDeadline (this=0x5d00, how=...) at "
       "mutex.cc:1656\n"
       "#7  0x55 in absl::lts_20230125::Mutex::LockSlow (this=0x5d00, how=...) at mutex.cc:1638\n"
       "#8  0x55 in absl::lts_20230125::Mutex::Lock (this=0x5d00) at mutex.cc:1500\n"
       "#9  0x55 in Index::Add (this=0x5d00) at index.cc:7\n",
       WaitKind::kMutex, 0x5d00, 9},
      {"absl ReaderLock",
       "#0  0x7f in syscall () from /lib/x86_64-linux-gnu/libc.so.6\n"
       "#1  0x55 in absl::Mutex::LockSlow (this=0x5e00, how=...) at mutex.cc:1638\n"
       "#2  0x55 in absl::Mutex::ReaderLock (this=0x5e00) at mutex.cc:1530\n"
       "#3  0x55 in Index::Find (this=0x5e00) at index.cc:17\n",
       WaitKind::kRwlockRead, 0x5e00, 3},
      {"lockgraph wrapper",
       "#0  0x7f in __lll_lock_wait (futex=0x5f00, private=0) at lowlevellock.c:49\n"
       "#1  0x7f in ___pthread_mutex_lock (mutex=0x5f00) at pthread_mutex_lock.c:93\n"
       "#2  0x55 in std::mutex::lock (this=0x5f00) at std_mutex.h:100\n"
       "#3  0x55 in lockgraph::Mutex::lock (this=0x5ef8) at mutex.h:80\n"
       "#4  0x55 in Store::Flush (this=0x5e00) at store.cc:44\n",
       WaitKind::kMutex, 0x5f00, 4},
      {"lockgraph SharedMutex, shared",
       "#0  0x7f in __pthread_rwlock_rdlock_full64 (rwlock=0x6100) at c.c:460\n"
       "#1  0x55 in lockgraph::SharedMutex::lock_shared (this=0x60f8) at mutex.h:120\n"
       "#2  0x55 in Store::Get (this=0x6000) at store.cc:20\n",
       WaitKind::kRwlockRead, 0x6100, 2},
      {"bare futex (semaphore, atomic wait)",
       "#0  0x7f in futex_wait (futex_word=0x6200, expected=0) at futex-internal.h:146\n"
       "#1  0x55 in WaitForever (w=0x6200) at w.cc:3\n",
       WaitKind::kFutex, 0x6200, 1},
      {"running user code",
       "#0  0x55 in Compute (n=5) at compute.cc:10\n#1  0x55 in main () at main.cc:3\n",
       WaitKind::kNone, std::nullopt, -1},
      {"sleeping", "#0  0x7f in __GI___clock_nanosleep () at nanosleep.c:71\n#1  0x55 in main ()\n",
       WaitKind::kNone, std::nullopt, -1},
      {"user frame above a lock call is not a wait",
       "#0  0x55 in Spin (n=5) at spin.cc:10\n"
       "#1  0x7f in pthread_mutex_lock (mutex=0x6300) at pthread_mutex_lock.c:80\n",
       WaitKind::kNone, std::nullopt, -1},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Wait w = ClassifyWait(ParseThread(c.frames));
    EXPECT_EQ(WaitKindName(w.kind), std::string(WaitKindName(c.kind)));
    EXPECT_EQ(w.lock, c.lock);
    EXPECT_EQ(w.call_site, c.call_site);
  }
}

TEST(WaitClassifierTest, JoinTargetIsTheDecimalPthreadAndTheFutexTid) {
  Wait w = ClassifyWait(ParseThread(
      "#0  __futex_abstimed_wait_common64 (private=128, expected=1002, futex_word=0x7f19d0) at "
      "f.c:57\n"
      "#1  0x7f in __pthread_clockjoin_ex (threadid=139637976733440, thread_return=0x0) at "
      "pthread_join_common.c:102\n#2  0x55 in main () at app.cc:20\n"));
  EXPECT_EQ(w.join_target, 139637976733440u);  // 0x7f0000001700
  EXPECT_EQ(w.join_tid, 1002);
}

TEST(WaitClassifierTest, OwnerFieldPrintedByBtFull) {
  Wait w = ClassifyWait(ParseThread(
      "#0  0x7f in __pthread_mutex_lock_full (mutex=0x6010) at pthread_mutex_lock.c:300\n"
      "        m = {__data = {__lock = 2, __count = 0, __owner = 1238, __nusers = 1}}\n"
      "#1  0x40 in f () at f.c:3\n"));
  EXPECT_EQ(w.recorded_owner, 1238);
  EXPECT_EQ(w.lock_symbol, "");
}

TEST(WaitClassifierTest, NormalizeFunction) {
  EXPECT_EQ(NormalizeFunction("__GI___pthread_mutex_lock"), "pthread_mutex_lock");
  EXPECT_EQ(NormalizeFunction("__pthread_mutex_lock@GLIBC_2.2.5"), "pthread_mutex_lock");
  EXPECT_EQ(NormalizeFunction("pthread_rwlock_wrlock@@GLIBC_2.34"), "pthread_rwlock_wrlock");
  EXPECT_EQ(NormalizeFunction("std::unique_lock<std::mutex>::lock()"), "std::unique_lock::lock");
  EXPECT_EQ(NormalizeFunction("absl::lts_20230125::Mutex::Lock"), "absl::Mutex::Lock");
  EXPECT_EQ(NormalizeFunction("std::__1::mutex::lock()"), "std::mutex::lock");
  EXPECT_EQ(NormalizeFunction("Foo::operator()"), "Foo::operator()");
  EXPECT_EQ(NormalizeFunction("std::__cxx11::basic_string<char>::size[abi:cxx11]() const"),
            "std::basic_string::size() const");
}

}  // namespace
}  // namespace lockgraph::analyzer
