// An interactive gdb session and `lockgraph capture` of the same hang (the
// same process: capture_pastes.sh takes both) must agree: the same cycles,
// and every thread the session shows waiting waits for the same owner. The
// session's evidence is what the user printed (or what glibc implies); the
// capture's is the owner fields it read itself.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "paste_test_util.h"
#include "test_util.h"

namespace lockgraph::analyzer {
namespace {

using testing::FunctionsKey;
using testing::ThreadKey;

struct Pair {
  const char* paste;    // under pastes/
  const char* capture;  // under dumps/
};

Analysis Read(const std::string& relative) {
  Dump dump;
  std::string error;
  EXPECT_TRUE(
      ParseDump(testing::ReadFile(testing::TestdataPath(relative)), relative, &dump, &error))
      << error;
  return Analyze(std::move(dump));
}

// The capture's thread the paste's thread `t` is: by LWP, or, for a bare
// backtrace, by its functions.
int Match(const Analysis& capture, const Thread& t) {
  for (int i = 0; i < static_cast<int>(capture.dump.threads.size()); ++i) {
    const Thread& c = capture.dump.threads[i];
    if (t.lwp != 0 ? c.lwp == t.lwp : FunctionsKey(c) == FunctionsKey(t)) return i;
  }
  return -1;
}

// Who `waiter` waits for, in words both dumps can agree on.
std::set<std::string> Owners(const Analysis& a, int waiter) {
  std::set<std::string> out;
  for (const Owner& o : a.owners[waiter].owners) {
    out.insert(o.thread == waiter ? "itself" : "LWP " + std::to_string(o.lwp));
  }
  return out;
}

class SessionVsCaptureTest : public ::testing::TestWithParam<Pair> {};

TEST_P(SessionVsCaptureTest, SameOwnersAndCycles) {
  const Analysis session = Read(std::string("pastes/") + GetParam().paste);
  const Analysis capture = Read(std::string("dumps/") + GetParam().capture);
  ASSERT_EQ(capture.dump.format, DumpFormat::kCapture);

  // Every waiting thread of the session: the same owners as in the capture.
  int compared = 0;
  for (int i = 0; i < static_cast<int>(session.dump.threads.size()); ++i) {
    if (!WaitsForHolder(session.waits[i].kind)) continue;
    const Thread& t = session.dump.threads[i];
    SCOPED_TRACE(ThreadKey(t));
    const int c = Match(capture, t);
    ASSERT_GE(c, 0) << "the capture has no such thread";
    EXPECT_EQ(session.waits[i].kind, capture.waits[c].kind);
    EXPECT_EQ(Owners(session, i), Owners(capture, c))
        << "session: " << session.owners[i].detail << "\ncapture: " << capture.owners[c].detail;
    EXPECT_FALSE(session.owners[i].owners.empty()) << session.owners[i].detail;
    ++compared;
  }
  EXPECT_GT(compared, 0);

  // The same cycles: the same members, matched thread for thread.
  std::set<std::set<int>> in_session, in_capture;
  for (const Cycle& cycle : session.cycles) {
    std::set<int> members;
    for (const CycleStep& s : cycle.steps)
      members.insert(Match(capture, session.dump.threads[s.thread]));
    in_session.insert(members);
  }
  for (const Cycle& cycle : capture.cycles) {
    std::set<int> members;
    for (const CycleStep& s : cycle.steps) members.insert(s.thread);
    in_capture.insert(members);
  }
  EXPECT_EQ(in_session, in_capture)
      << "session: " << session.Verdict() << "\ncapture: " << capture.Verdict();
}

INSTANTIATE_TEST_SUITE_P(
    SameHang, SessionVsCaptureTest,
    ::testing::Values(
        Pair{"gdb_session_abba.txt", "gdb_capture_session_abba.txt"},
        Pair{"gdb_session_abba_80_columns.txt", "gdb_capture_session_abba.txt"},
        Pair{"gdb_session_abba_t_bt_full.txt", "gdb_capture_session_abba.txt"},
        Pair{"gdb_session_abba_registers_x.txt", "gdb_capture_session_abba.txt"},
        Pair{"gdb_session_abba_info_threads_only.txt", "gdb_capture_session_abba.txt"},
        Pair{"gdb_session_abba_no_libc_debuginfo.txt", "gdb_capture_session_abba.txt"},
        Pair{"gdb_batch_abba.txt", "gdb_capture_session_abba.txt"},
        Pair{"paste_markdown_fence_shell.txt", "gdb_capture_session_abba.txt"},
        Pair{"paste_indented_labels.txt", "gdb_capture_session_abba.txt"},
        Pair{"paste_tracker_wrapped.txt", "gdb_capture_session_abba.txt"},
        Pair{"gdb_session_std_locks.txt", "gdb_capture_session_std_locks.txt"},
        Pair{"gdb_session_loader_dlopen.txt", "gdb_capture_loader_dlopen.txt"},
        Pair{"gdb_batch_loader_dlopen_trace_commands.txt", "gdb_capture_loader_dlopen.txt"},
        Pair{"gdb_session_loader_dlopen_no_libc_debuginfo.txt", "gdb_capture_loader_dlopen.txt"},
        Pair{"gdb_session_loader_dladdr.txt", "gdb_capture_loader_dladdr.txt"},
        Pair{"gdb_session_loader_phdr.txt", "gdb_capture_loader_phdr.txt"},
        Pair{"gdb_session_fork_atfork.txt", "gdb_capture_fork_atfork.txt"},
        Pair{"gdb_session_fork_child.txt", "gdb_capture_fork_child.txt"},
        Pair{"gdb_session_signal_mutex.txt", "gdb_capture_signal_mutex.txt"},
        Pair{"gdb_session_signal_malloc.txt", "gdb_capture_signal_malloc.txt"}),
    [](const ::testing::TestParamInfo<Pair>& info) {
      std::string n = info.param.paste;
      n = n.substr(0, n.rfind(".txt"));
      for (char& ch : n) {
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
      }
      return n;
    });

}  // namespace
}  // namespace lockgraph::analyzer
