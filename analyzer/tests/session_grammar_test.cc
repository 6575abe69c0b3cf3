// The paste decoration and the session line grammar, table-driven: lines as
// gdb 13 prints them (copied from the sessions under
// tests/testdata/analyzer/pastes/) and as trackers and people change them.
#include "session_grammar.h"

#include <gtest/gtest.h>

#include "paste_line.h"

namespace lockgraph::analyzer {
namespace {

TEST(PasteLineTest, TakesOffQuotingFencesIndentationAndPrompts) {
  struct Case {
    const char* line;
    const char* text;
    int indent;
    bool prompt;
    const char* command;
    bool fence;
  };
  const Case cases[] = {
      {"#0  f () at x.c:1", "#0  f () at x.c:1", 0, false, "", false},
      {"> #0  f () at x.c:1", "#0  f () at x.c:1", 0, false, "", false},
      {">> > #0  f () at x.c:1", "#0  f () at x.c:1", 0, false, "", false},
      {">         __ret = -512", "__ret = -512", 8, false, "", false},
      {"    Thread 2 (LWP 7):", "Thread 2 (LWP 7):", 4, false, "", false},
      {"\tThread 2 (LWP 7):\r", "Thread 2 (LWP 7):", 8, false, "", false},
      {"(gdb) thread 3", "", 0, true, "thread 3", false},
      {"> (gdb) p *mutex  ", "", 0, true, "p *mutex", false},
      {"(gdb) ", "", 0, true, "", false},
      {"```", "", 0, false, "", true},
      {"```console", "", 0, false, "", true},
      {"    ~~~~", "", 0, false, "", true},
      // Inline code is text, not a fence.
      {"``` run `bt` ```", "``` run `bt` ```", 0, false, "", false},
      {">", "", 0, false, "", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.line);
    PasteLine p = UnwrapPasteLine(c.line);
    EXPECT_EQ(p.text, c.text);
    if (!p.fence && !p.prompt) {
      EXPECT_EQ(p.indent, c.indent);
    }
    EXPECT_EQ(p.prompt, c.prompt);
    EXPECT_EQ(p.command, c.command);
    EXPECT_EQ(p.fence, c.fence);
  }
}

TEST(SessionGrammarTest, Commands) {
  struct Case {
    const char* command;
    CommandKind kind;
    int number;
    const char* expression;
    bool hex;
    int unit;
  };
  const Case cases[] = {
      {"thread 3", CommandKind::kThread, 3, "", false, 0},
      {"t 12", CommandKind::kThread, 12, "", false, 0},
      {"thread 1.4", CommandKind::kThread, 4, "", false, 0},
      {"thread apply all bt full", CommandKind::kThreadApplyAll, -1, "", false, 0},
      {"t a a bt", CommandKind::kThreadApplyAll, -1, "", false, 0},
      {"bt", CommandKind::kBacktrace, -1, "", false, 0},
      {"bt full", CommandKind::kBacktrace, -1, "", false, 0},
      {"where", CommandKind::kBacktrace, -1, "", false, 0},
      {"backtrace -full", CommandKind::kBacktrace, -1, "", false, 0},
      {"frame 3", CommandKind::kFrame, 3, "", false, 0},
      {"f 3", CommandKind::kFrame, 3, "", false, 0},
      {"frame level 2", CommandKind::kFrame, 2, "", false, 0},
      {"up", CommandKind::kUp, 1, "", false, 0},
      {"up 3", CommandKind::kUp, 3, "", false, 0},
      {"down", CommandKind::kDown, 1, "", false, 0},
      {"p *mutex", CommandKind::kPrint, -1, "*mutex", false, 0},
      {"print cache_mu", CommandKind::kPrint, -1, "cache_mu", false, 0},
      {"p/x second", CommandKind::kPrint, -1, "second", true, 0},
      {"p -pretty -- *mutex", CommandKind::kPrint, -1, "*mutex", false, 0},
      {"p ((struct pthread *) 0x7f06632746c0)->tid", CommandKind::kPrint, -1,
       "((struct pthread *) 0x7f06632746c0)->tid", false, 0},
      {"x/8wx &first", CommandKind::kExamine, -1, "&first", true, 4},
      {"x/2gx 0x55d0", CommandKind::kExamine, -1, "0x55d0", true, 8},
      {"info threads", CommandKind::kInfoThreads, -1, "", false, 0},
      {"i r rdi", CommandKind::kInfoRegisters, -1, "", false, 0},
      {"info registers", CommandKind::kInfoRegisters, -1, "", false, 0},
      {"continue", CommandKind::kOther, -1, "", false, 0},
      {"thread", CommandKind::kOther, -1, "", false, 0},  // prints the current thread only
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.command);
    SessionCommand s = ParseGdbCommand(c.command);
    EXPECT_EQ(s.kind, c.kind);
    if (c.kind == CommandKind::kThread || c.kind == CommandKind::kFrame ||
        c.kind == CommandKind::kUp || c.kind == CommandKind::kDown) {
      EXPECT_EQ(s.number, c.number);
    }
    EXPECT_EQ(s.expression, c.expression);
    EXPECT_EQ(s.hex, c.hex);
    EXPECT_EQ(s.unit, c.unit);
  }
}

TEST(SessionGrammarTest, ThreadSwitchesRowsAndLabels) {
  auto h = ParseSwitchingToThread("[Switching to thread 2 (Thread 0x7f0663a756c0 (LWP 18961))]");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->number, 2);
  EXPECT_EQ(h->lwp, 18961);
  EXPECT_EQ(h->pthread, 0x7f0663a756c0u);
  h = ParseSwitchingToThread("[Switching to thread 3 (LWP 1241)]");  // a core without libthread_db
  ASSERT_TRUE(h);
  EXPECT_EQ(h->lwp, 1241);
  EXPECT_FALSE(ParseSwitchingToThread("[Switching to thread 2]"));
  h = ParseCurrentThread("[Current thread is 1 (Thread 0x7f8a1d7fe740 (LWP 1234))]");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->number, 1);
  EXPECT_EQ(h->lwp, 1234);

  ThreadHeader row;
  bool current = false;
  Frame frame;
  ASSERT_TRUE(ParseInfoThreadsRow(
      "* 1    Thread 0x7f0663a76740 (LWP 18959) \"lockgraph_fixtu\" 0x00007f0663b48545 in "
      "__GI___clock_nanosleep (clock_id=clock_id@entry=0) at ../sysdeps/clock_nanosleep.c:48",
      &row, &current, &frame));
  EXPECT_TRUE(current);
  EXPECT_EQ(row.number, 1);
  EXPECT_EQ(row.lwp, 18959);
  EXPECT_EQ(row.name, "lockgraph_fixtu");
  EXPECT_EQ(frame.index, 0);
  EXPECT_EQ(frame.function, "__GI___clock_nanosleep");
  EXPECT_EQ(frame.line, 48);
  // Names padded to the column, with spaces in them; no libthread_db.
  ASSERT_TRUE(ParseInfoThreadsRow(
      "  2    Thread 0x7f91b893d6c0 (LWP 19771) \"cache worker\"    futex_wait (private=0, "
      "expected=2, futex_word=0x562443903120 <g_table>) at ../sysdeps/nptl/futex-internal.h:146",
      &row, &current, &frame));
  EXPECT_FALSE(current);
  EXPECT_EQ(row.name, "cache worker");
  EXPECT_EQ(frame.FindArg("futex_word")->value, "0x562443903120 <g_table>");
  ASSERT_TRUE(ParseInfoThreadsRow("  3    LWP 1241 __lll_lock_wait () from /lib64/libpthread.so.0",
                                  &row, &current, &frame));
  EXPECT_EQ(row.lwp, 1241);
  EXPECT_EQ(frame.library, "/lib64/libpthread.so.0");
  // The title row, a source line, a ps line.
  EXPECT_FALSE(ParseInfoThreadsRow("  Id   Target Id   Frame ", &row, &current, &frame));
  EXPECT_FALSE(
      ParseInfoThreadsRow("146     ../sysdeps/nptl/futex-internal.h: No such file or "
                          "directory.",
                          &row, &current, &frame));
  EXPECT_FALSE(ParseInfoThreadsRow("root  26564  26539  26566  0  3 09:12 pts/1  00:00:00 ./app",
                                   &row, &current, &frame));

  h = ParseThreadLabel("Thread 7993:");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->lwp, 7993);
  h = ParseThreadLabel("LWP 12:");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->lwp, 12);
  h = ParseThreadLabel("Thread 7993 \"worker\":");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->name, "worker");
  EXPECT_FALSE(ParseThreadLabel("Thread 7993: stuck"));
  EXPECT_FALSE(ParseThreadLabel("Thread 0:"));
}

TEST(SessionGrammarTest, ValuesMemoryAndRegisters) {
  int n = 0;
  std::string_view value;
  ASSERT_TRUE(ParseHistoryValue("$12 = {__data = {__lock = 2}}", &n, &value));
  EXPECT_EQ(n, 12);
  EXPECT_EQ(value, "{__data = {__lock = 2}}");
  EXPECT_FALSE(ParseHistoryValue("$ ps -eLf", &n, &value));
  EXPECT_FALSE(ParseHistoryValue("$1=5", &n, &value));

  MemoryWords m;
  // As gdb prints it (tabs) and as a terminal copy has it (spaces).
  ASSERT_TRUE(ParseMemoryLine(
      "0x5620853300e0 <_ZL6second>:\t0x00000002\t0x00000000\t0x00001c3f\t0x00000001", 0, &m));
  EXPECT_EQ(m.address, 0x5620853300e0u);
  EXPECT_EQ(m.symbol, "_ZL6second");
  EXPECT_EQ(m.unit, 4);
  EXPECT_EQ(m.words, (std::vector<uint64_t>{2, 0, 0x1c3f, 1}));
  ASSERT_TRUE(ParseMemoryLine("0x5620853300e0 <_ZL6second>:  2    0    7231    1", 4, &m));
  EXPECT_EQ(m.words[2], 7231u);
  ASSERT_TRUE(ParseMemoryLine(
      "0x5620853300e0 <_ZL6second>:\t0x0000000000000002\t0x0000000100001c3f", 0, &m));
  EXPECT_EQ(m.unit, 8);
  EXPECT_EQ(m.words[1], 0x0000000100001c3fu);
  ASSERT_TRUE(ParseMemoryLine("0x55d0:\t0xffffffff", 0, &m));
  EXPECT_EQ(m.words[0], 0xffffffffu);
  // A frame printed at attach is not memory.
  EXPECT_FALSE(ParseMemoryLine("0x00007f0663b48545 in __GI___clock_nanosleep ()", 0, &m));

  std::string_view name;
  uint64_t v = 0;
  ASSERT_TRUE(ParseRegisterLine("rdi            0x5620853300a0      94697673654432", &name, &v));
  EXPECT_EQ(name, "rdi");
  EXPECT_EQ(v, 0x5620853300a0u);
  ASSERT_TRUE(ParseRegisterLine("eflags         0x282               [ SF IF ]", &name, &v));
  EXPECT_FALSE(ParseRegisterLine("err = -512", &name, &v));
  EXPECT_FALSE(ParseRegisterLine("  2    Thread 0x7f0663a756c0 (LWP 18961)", &name, &v));
}

}  // namespace
}  // namespace lockgraph::analyzer
