// SyntheticDump; see test_util.h.
#include "test_util.h"

#include <cstdio>

namespace lockgraph::analyzer::testing {

std::string SyntheticDump(int threads, int kinds) {
  std::string out;
  out.reserve(static_cast<size_t>(threads) * 1100 + 4096);
  char buf[512];
  int number = threads + 2;
  for (int i = 0; i < threads; ++i, --number) {
    long lwp = 100000 + i;
    std::snprintf(buf, sizeof buf, "Thread %d (Thread 0x7f%010lx (LWP %ld) \"pool-%d\"):\n", number,
                  static_cast<long>(lwp) * 0x1000, lwp, i % kinds);
    out += buf;
    out +=
        "#0  __futex_abstimed_wait_common (futex_word=futex_word@entry=0x55c7d2f10108, "
        "expected=expected@entry=0, clockid=clockid@entry=0, abstime=abstime@entry=0x0, "
        "private=private@entry=0, cancel=cancel@entry=true) at ./nptl/futex-internal.c:57\n"
        "#1  0x00007f1e6f893d9b in __GI___futex_abstimed_wait_cancelable64 "
        "(futex_word=futex_word@entry=0x55c7d2f10108, expected=expected@entry=0, "
        "clockid=clockid@entry=0, abstime=abstime@entry=0x0, private=private@entry=0) at "
        "./nptl/futex-internal.c:139\n"
        "#2  0x00007f1e6f896638 in __pthread_cond_wait_common (abstime=0x0, clockid=0, "
        "mutex=0x55c7d2f10130, cond=0x55c7d2f10100) at ./nptl/pthread_cond_wait.c:503\n"
        "#3  ___pthread_cond_wait (cond=0x55c7d2f10100, mutex=0x55c7d2f10130) at "
        "./nptl/pthread_cond_wait.c:618\n";
    std::snprintf(buf, sizeof buf,
                  "#4  0x000055c7d1a0c001 in cache::Pool::Next (this=0x55c7d2f10010) at "
                  "pool.cc:%d\n",
                  41 + i % kinds);
    out += buf;
    out +=
        "#5  0x000055c7d1a0c101 in cache::Pool::Worker (this=0x55c7d2f10010) at pool.cc:58\n"
        "#6  0x00007f1e6f8971f5 in start_thread (arg=<optimized out>) at "
        "./nptl/pthread_create.c:442\n"
        "#7  0x00007f1e6f9178ec in clone3 () at ../sysdeps/unix/sysv/linux/x86_64/clone3.S:81\n\n";
  }
  out +=
      "Thread 2 (Thread 0x7f0000002000 (LWP 2) \"a\"):\n"
      "#0  futex_wait (private=0, expected=2, futex_word=0x55000000b000 <b>) at "
      "../sysdeps/nptl/futex-internal.h:146\n"
      "#1  ___pthread_mutex_lock (mutex=0x55000000b000 <b>) at ./nptl/pthread_mutex_lock.c:93\n"
      "#2  0x0000550000001000 in first (x=0x0) at abba.c:6\n\n"
      "Thread 1 (Thread 0x7f0000001000 (LWP 1) \"b\"):\n"
      "#0  futex_wait (private=0, expected=2, futex_word=0x55000000a000 <a>) at "
      "../sysdeps/nptl/futex-internal.h:146\n"
      "#1  ___pthread_mutex_lock (mutex=0x55000000a000 <a>) at ./nptl/pthread_mutex_lock.c:93\n"
      "#2  0x0000550000001100 in second (x=0x0) at abba.c:7\n"
      "[lockgraph] capture owners\n"
      "[lockgraph] lock 0x55000000b000 kind=mutex owner=1 waiter=2 source=arg\n"
      "[lockgraph] lock 0x55000000a000 kind=mutex owner=2 waiter=1 source=arg\n";
  return out;
}

}  // namespace lockgraph::analyzer::testing
