// Table-driven tests of every header and frame variant the parser accepts.
#include "line_grammar.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace lockgraph::analyzer {
namespace {

struct HeaderCase {
  const char* line;
  int number;
  std::optional<int64_t> lwp;
  std::optional<uint64_t> pthread;
  const char* name;
};

TEST(LineGrammarTest, GdbThreadHeaders) {
  const HeaderCase cases[] = {
      // Live process, named thread.
      {R"(Thread 2 (Thread 0x7f0000001700 (LWP 1002) "worker"):)", 2, 1002, 0x7f0000001700,
       "worker"},
      // Name with spaces and parentheses.
      {R"h(Thread 3 (Thread 0x7feeac2696c0 (LWP 18400) "worker two (io)"):)h", 3, 18400,
       0x7feeac2696c0, "worker two (io)"},
      // pstack / older gdb: no name.
      {"Thread 3 (Thread 0x7f3c2a7fc700 (LWP 4403)):", 3, 4403, 0x7f3c2a7fc700, ""},
      // Core file without libthread_db.
      {"Thread 4 (LWP 1238):", 4, 1238, std::nullopt, ""},
      {R"(Thread 4 (LWP 1238) "name":)", 4, 1238, std::nullopt, "name"},
      // Single-threaded program.
      {"Thread 1 (process 4242):", 1, 4242, std::nullopt, ""},
      // Multi-inferior numbering, trailing spaces, CR.
      {"Thread 1.3 (Thread 0x7f00000a0700 (LWP 77) \"a\"):  ", 1, 77, 0x7f00000a0700, "a"},
  };
  for (const HeaderCase& c : cases) {
    SCOPED_TRACE(c.line);
    auto h = ParseGdbThreadHeader(c.line);
    ASSERT_TRUE(h.has_value());
    EXPECT_EQ(h->number, c.number);
    EXPECT_EQ(h->lwp, c.lwp);
    EXPECT_EQ(h->pthread, c.pthread);
    EXPECT_EQ(h->name, c.name);
  }
}

TEST(LineGrammarTest, NotThreadHeaders) {
  for (const char* line : {"Thread", "Thread 2", "Thread 2 (",
                           "Thread x (LWP 1):", "Thread 2 (LWP 12)", "Thread 2 (something else):",
                           "[Current thread is 1 (Thread 0x7f (LWP 5))]", "Threads are fun:"}) {
    SCOPED_TRACE(line);
    EXPECT_FALSE(ParseGdbThreadHeader(line).has_value());
  }
}

TEST(LineGrammarTest, EuStackHeadersAndCurrentThread) {
  EXPECT_EQ(ParseEuStackTid("TID 18399:"), 18399);
  EXPECT_FALSE(ParseEuStackTid("TID x:").has_value());
  EXPECT_FALSE(ParseEuStackTid("TID 12").has_value());
  EXPECT_EQ(ParseEuStackPid("PID 18397 - process"), 18397);
  EXPECT_EQ(ParseCurrentThreadLwp("[Current thread is 1 (Thread 0x7f8a1d7fe740 (LWP 1234))]"),
            1234);
  EXPECT_EQ(ParseCurrentThreadLwp("[Current thread is 1 (LWP 99)]"), 99);
  EXPECT_EQ(ParseCurrentThreadLwp("[Current thread is 1 (process 5)]"), 5);
}

struct FrameCase {
  const char* line;
  int index;
  std::optional<uint64_t> pc;
  const char* function;
  size_t args;
  const char* file;
  int line_number;
  const char* library;
};

TEST(LineGrammarTest, GdbFrames) {
  const FrameCase cases[] = {
      // Address, args, source.
      {"#1  0x00007feeacaf3f68 in __GI___futex_abstimed_wait64 (futex_word=futex_word@entry="
       "0x55ada3b46108 <rw+8>, expected=expected@entry=2) at ./nptl/futex-internal.c:128",
       1, 0x00007feeacaf3f68, "__GI___futex_abstimed_wait64", 2, "./nptl/futex-internal.c", 128,
       ""},
      // Inlined frame: no address.
      {"#3  ___pthread_mutex_lock (mutex=0x55ada3b46080 <a>) at ./nptl/pthread_mutex_lock.c:93", 3,
       std::nullopt, "___pthread_mutex_lock", 1, "./nptl/pthread_mutex_lock.c", 93, ""},
      // No debug info: library.
      {"#0  0x00007f3c3a0c454d in __lll_lock_wait () from /lib64/libpthread.so.0", 0,
       0x00007f3c3a0c454d, "__lll_lock_wait", 0, "", 0, "/lib64/libpthread.so.0"},
      // Unknown function.
      {"#7  0x00007f1e6fb0a253 in ?? () from /lib/x86_64-linux-gnu/libstdc++.so.6", 7,
       0x00007f1e6fb0a253, "??", 0, "", 0, "/lib/x86_64-linux-gnu/libstdc++.so.6"},
      {"#4  0x0000000000000000 in ?? ()", 4, 0, "??", 0, "", 0, ""},
      // Demangled signature without debug info, no argument list at all.
      {"#2  cacheforge::HashTable::remove(std::string const&) at storage/hashtable.cpp:52", 2,
       std::nullopt, "cacheforge::HashTable::remove(std::string const&)", 0,
       "storage/hashtable.cpp", 52, ""},
      {"#3  0x0000000000401236 in transfer(account*, account*) ()", 3, 0x401236,
       "transfer(account*, account*)", 0, "", 0, ""},
      // Templates with spaces and function types inside.
      {"#8  0x000055f3c3c48a1d in std::__invoke_impl<void, void (*)(Ledger&)> (__f=@0x55f3: "
       "0x55f3c3c47349 <Audit(Ledger&)>, __args=...) at /usr/include/c++/12/bits/invoke.h:61",
       8, 0x000055f3c3c48a1d, "std::__invoke_impl<void, void (*)(Ledger&)>", 2,
       "/usr/include/c++/12/bits/invoke.h", 61, ""},
      // operator() and <optimized out>.
      {"#5  0x0000555500001300 in Foo::operator() (this=<optimized out>) at foo.cc:9", 5,
       0x0000555500001300, "Foo::operator()", 1, "foo.cc", 9, ""},
      // String argument containing a parenthesis and a comma.
      {R"(#6  Log (fmt=0x55 "a), b", n=3) at log.c:12)", 6, std::nullopt, "Log", 2, "log.c", 12,
       ""},
      {"#2  <signal handler called>", 2, std::nullopt, "<signal handler called>", 0, "", 0, ""},
      // Two-digit index with a single space.
      {"#10 0x00007f7d1e4a11f5 in start_thread (arg=<optimized out>) at "
       "./nptl/pthread_create.c:442",
       10, 0x00007f7d1e4a11f5, "start_thread", 1, "./nptl/pthread_create.c", 442, ""},
      // Cut short (unbalanced argument list): the last argument may be a
      // prefix of the real one, so only the complete ones are used.
      {"#1  f (a=1, b=\"unterminated", 1, std::nullopt, "f", 1, "", 0, ""},
      {"#1  __GI___lll_lock_wait (futex=futex@entry=0x5620853300a0 <first>, private=0) at "
       "./nptl/lowl\u2026",
       1, std::nullopt, "__GI___lll_lock_wait", 2, "./nptl/lowl\u2026", 0, ""},
      {"#2  lll_mutex_lock_optimized (mutex=0x56208533", 2, std::nullopt,
       "lll_mutex_lock_optimized", 0, "", 0, ""},
  };
  for (const FrameCase& c : cases) {
    SCOPED_TRACE(c.line);
    Frame f;
    ASSERT_TRUE(ParseGdbFrame(c.line, &f));
    EXPECT_EQ(f.index, c.index);
    EXPECT_EQ(f.pc, c.pc);
    EXPECT_EQ(f.function, c.function);
    EXPECT_EQ(f.Args().size(), c.args);
    EXPECT_EQ(f.file, c.file);
    EXPECT_EQ(f.line, c.line_number);
    EXPECT_EQ(f.library, c.library);
  }
  Frame cut;
  ASSERT_TRUE(ParseGdbFrame("#2  lll_mutex_lock_optimized (mutex=0x56208533", &cut));
  EXPECT_TRUE(cut.cut);
  EXPECT_FALSE(cut.FindArg("mutex").has_value());  // never a prefix of the address
}

TEST(LineGrammarTest, EntryValuesAreFoldedIntoTheArgument) {
  Frame f;
  ASSERT_TRUE(ParseGdbFrame(
      "#1  __GI___lll_lock_wait (futex=futex@entry=0x55ada3b46080 <a>, private=0) at x.c:1", &f));
  std::vector<NamedValue> args = f.Args();
  ASSERT_EQ(args.size(), 2u);
  EXPECT_EQ(args[0].name, "futex");
  EXPECT_EQ(args[0].value, "0x55ada3b46080 <a>");
  EXPECT_EQ(ParseAddress(args[0].value), 0x55ada3b46080u);
  ASSERT_TRUE(ParseGdbFrame("#1  g (expected@entry=2) at x.c:1", &f));
  args = f.Args();
  EXPECT_EQ(args[0].name, "expected");
  EXPECT_EQ(args[0].value, "2");
}

TEST(LineGrammarTest, EuStackFrames) {
  Frame f;
  ASSERT_TRUE(ParseEuStackFrame("#1  0x00007feeacafa482 __pthread_mutex_lock@GLIBC_2.2.5", &f));
  EXPECT_EQ(f.index, 1);
  EXPECT_EQ(f.pc, 0x00007feeacafa482u);
  EXPECT_EQ(f.function, "__pthread_mutex_lock@GLIBC_2.2.5");
  ASSERT_TRUE(ParseEuStackFrame(
      "#0  0x00007f5299953f16 __futex_abstimed_wait_common64 - /usr/lib/libc.so.6", &f));
  EXPECT_EQ(f.function, "__futex_abstimed_wait_common64");
  EXPECT_EQ(f.library, "/usr/lib/libc.so.6");
  ASSERT_TRUE(ParseEuStackFrame("#1  0x00005600fb3cb3f2 - /usr/bin/bash", &f));
  EXPECT_EQ(f.function, "??");
  EXPECT_EQ(f.library, "/usr/bin/bash");
  EXPECT_FALSE(ParseEuStackFrame("#0  0x00007f in fn () from x", &f));
  std::string file;
  int line = 0;
  ASSERT_TRUE(ParseEuStackSource("    ./nptl/futex-internal.c:57:12", &file, &line));
  EXPECT_EQ(file, "./nptl/futex-internal.c");
  EXPECT_EQ(line, 57);
  EXPECT_FALSE(ParseEuStackSource("not indented.c:5", &file, &line));
}

TEST(LineGrammarTest, LocalsAndLockRecords) {
  NamedValue v;
  ASSERT_TRUE(ParseLocal("        __futex = 0x55ada3b46080 <a>", &v));
  EXPECT_EQ(v.name, "__futex");
  EXPECT_EQ(v.value, "0x55ada3b46080 <a>");
  EXPECT_FALSE(ParseLocal("No locals.", &v));
  EXPECT_FALSE(ParseLocal("        a b = 3", &v));

  LockRecord r;
  ASSERT_TRUE(ParseLockRecord(
      "[lockgraph] lock 0x55e24e32c0c0 kind=mutex owner=26078 waiter=26077 source=arg", &r));
  EXPECT_EQ(r.address, 0x55e24e32c0c0u);
  EXPECT_EQ(r.kind, "mutex");
  EXPECT_EQ(r.owner, 26078);
  EXPECT_EQ(r.waiter, 26077);
  EXPECT_EQ(r.source, "arg");
  ASSERT_TRUE(ParseLockRecord("[lockgraph] lock 0x10 kind=rwlock writer=0 readers=2", &r));
  EXPECT_EQ(r.owner, 0);
  EXPECT_EQ(r.readers, 2);
  EXPECT_FALSE(ParseLockRecord("[lockgraph] lock nothex kind=mutex", &r));
  EXPECT_FALSE(ParseLockRecord("[lockgraph] lock 0x10", &r));
}

struct FactCase {
  const char* line;
  bool waits;
  int64_t lwp;
  uint64_t address;
  const char* name;
  bool shared;
  std::optional<int64_t> owner;
};

TEST(LineGrammarTest, GdbExtensionFacts) {
  const FactCase cases[] = {
      // `lockgraph threads`, exactly as lockgraph_gdb.py prints them.
      {R"(lockgraph-gdb: thread 19908 holds 0x563642c58388 "orders.table" exclusive)", false, 19908,
       0x563642c58388, "orders.table", false, std::nullopt},
      {R"(lockgraph-gdb: thread 19908 waits 0x563642c583e8 "orders.index" exclusive owner 19909)",
       true, 19908, 0x563642c583e8, "orders.index", false, 19909},
      {R"(lockgraph-gdb: thread 7 holds 0x10 "config" shared)", false, 7, 0x10, "config", true,
       std::nullopt},
      {R"(lockgraph-gdb: thread 7 waits 0x10 "config" shared owner unknown)", true, 7, 0x10,
       "config", true, std::nullopt},
      // An unnamed lock is named by its construction site.
      {R"(lockgraph-gdb: thread 8 waits 0xabc "/src/store.cc:42" exclusive owner 9)", true, 8,
       0xabc, "/src/store.cc:42", false, 9},
      // Names may hold spaces, quotes and the words the fields use.
      {R"(lockgraph-gdb: thread 8 waits 0xabc "a "quoted" owner 5 exclusive" shared owner 6)", true,
       8, 0xabc, R"(a "quoted" owner 5 exclusive)", true, 6},
      {R"(lockgraph-gdb: thread 8 holds 0xabc "" exclusive)", false, 8, 0xabc, "", false,
       std::nullopt},
      // Trailing spaces and a CR from a pasted file.
      {"lockgraph-gdb: thread 3 holds 0x1F \"m\" exclusive \r", false, 3, 0x1f, "m", false,
       std::nullopt},
  };
  for (const FactCase& c : cases) {
    SCOPED_TRACE(c.line);
    RegistryFact f;
    ASSERT_TRUE(ParseRegistryFact(c.line, &f));
    EXPECT_EQ(f.waits, c.waits);
    EXPECT_EQ(f.lwp, c.lwp);
    EXPECT_EQ(f.address, c.address);
    EXPECT_EQ(f.name, c.name);
    EXPECT_EQ(f.shared, c.shared);
    EXPECT_EQ(f.owner, c.owner);
  }
}

TEST(LineGrammarTest, GarbledGdbExtensionFactsAreRejected) {
  for (const char* line : {
           "lockgraph-gdb: thread",
           "lockgraph-gdb: thread 12",
           R"(lockgraph-gdb: thread x holds 0x10 "m" exclusive)",
           R"(lockgraph-gdb: thread -3 holds 0x10 "m" exclusive)",
           R"(lockgraph-gdb: thread 0 holds 0x10 "m" exclusive)",
           R"(lockgraph-gdb: thread 12 owns 0x10 "m" exclusive)",
           R"(lockgraph-gdb: thread 12 holds 10 "m" exclusive)",
           R"(lockgraph-gdb: thread 12 holds 0x "m" exclusive)",
           R"(lockgraph-gdb: thread 12 holds 0x0 "m" exclusive)",
           R"(lockgraph-gdb: thread 12 holds 0xffffffffffffffffff "m" exclusive)",
           R"(lockgraph-gdb: thread 12 holds 0x10 m exclusive)",
           R"(lockgraph-gdb: thread 12 holds 0x10 "m exclusive)",
           R"(lockgraph-gdb: thread 12 holds 0x10 "m")",
           R"(lockgraph-gdb: thread 12 holds 0x10 "m" ?)",
           R"(lockgraph-gdb: thread 12 holds 0x10 "m" exclusive owner 5)",  // owner on holds
           R"(lockgraph-gdb: thread 12 waits 0x10 "m" exclusive)",          // waits, no owner
           R"(lockgraph-gdb: thread 12 waits 0x10 "m" exclusive owner)",
           R"(lockgraph-gdb: thread 12 waits 0x10 "m" exclusive owner 0)",
           R"(lockgraph-gdb: thread 12 waits 0x10 "m" exclusive owner 5x)",
           R"(lockgraph-gdb: thread 12 waits 0x10 "m" exclusive owner nobody)",
           R"(lockgraph-gdb: thread 12 waits 0x10 "m" exclusively owner 5)",
           R"(lockgraph: thread 12 holds "m" waits for "n" (owner: thread 13))",
           R"(lockgraph-gdb: deadlock 1 2)",
       }) {
    SCOPED_TRACE(line);
    RegistryFact f;
    f.lwp = 77;
    EXPECT_FALSE(ParseRegistryFact(line, &f));
    EXPECT_EQ(f.lwp, 77);  // untouched
  }
}

TEST(LineGrammarTest, GdbExtensionDeadlocks) {
  RegistryDeadlock d;
  ASSERT_TRUE(ParseRegistryDeadlock("lockgraph-gdb: deadlock 19908 19909", &d));
  EXPECT_EQ(d.lwps, (std::vector<int64_t>{19908, 19909}));
  ASSERT_TRUE(ParseRegistryDeadlock("lockgraph-gdb: deadlock 5", &d));  // self-deadlock
  EXPECT_EQ(d.lwps, (std::vector<int64_t>{5}));
  ASSERT_TRUE(ParseRegistryDeadlock("lockgraph-gdb: deadlock 1 2 3  ", &d));
  EXPECT_EQ(d.lwps.size(), 3u);
  for (const char* line :
       {"lockgraph-gdb: deadlock", "lockgraph-gdb: deadlock ", "lockgraph-gdb: deadlock 1  2",
        "lockgraph-gdb: deadlock 1 x", "lockgraph-gdb: deadlock 1 -2", "lockgraph-gdb: deadlock 0",
        "lockgraph-gdb: deadlocks 1 2", "lockgraph-gdb: deadlock 1,2",
        "lockgraph: deadlock: thread 1 -> thread 2 -> thread 1"}) {
    SCOPED_TRACE(line);
    EXPECT_FALSE(ParseRegistryDeadlock(line, &d));
  }
}

TEST(LineGrammarTest, Numbers) {
  EXPECT_EQ(ParseAddress("(pthread_mutex_t *) 0x55d0"), 0x55d0u);
  EXPECT_EQ(ParseAddress("0x55d0 <m>"), 0x55d0u);
  EXPECT_EQ(ParseAddress("0x5555555592a0, _M_owns = true}"), 0x5555555592a0u);
  EXPECT_EQ(ParseAddress("0x5555555592a0}"), 0x5555555592a0u);
  EXPECT_FALSE(ParseAddress("<optimized out>").has_value());
  EXPECT_FALSE(ParseAddress("0x55zz").has_value());
  EXPECT_FALSE(ParseAddress("0xffffffffffffffffff").has_value());  // overflow
  EXPECT_EQ(ParseInteger("139637976733440"), 139637976733440);
  EXPECT_EQ(ParseInteger("-1"), -1);
  EXPECT_FALSE(ParseInteger("12abc").has_value());
}

}  // namespace
}  // namespace lockgraph::analyzer
