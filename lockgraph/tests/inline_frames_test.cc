// Reports from optimized code. This file is compiled with -O2 -g in every
// preset (see CMakeLists.txt): lockgraph's fast path, lock() and the standard
// guards are inlined into the functions below, and still every edge stack
// must start at the function that asked for the lock, at the guard's line.
#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "lockgraph/mutex.h"
#include "report_collector.h"
#include "source_markers.h"

// Outside lockgraph's namespaces, as user code is. Each function takes its
// two locks in a different way, and in a different parameter order, so that
// the optimizer cannot fold two of them into one body.
namespace inline_frames_test {

void TakeWithLockGuard(lockgraph::Mutex& first, lockgraph::Mutex& second) {
  std::lock_guard held(first);
  std::lock_guard taken(second);  // marker: lock_guard
}

void TakeWithScopedLockReversed(lockgraph::Mutex& second, lockgraph::Mutex& first) {
  std::scoped_lock held(first);
  std::scoped_lock taken(second);  // marker: scoped_lock
}

void TakeWithLockCalls(lockgraph::Mutex& first, lockgraph::Mutex& second) {
  first.lock();
  second.lock();  // marker: lock_call
  second.unlock();
  first.unlock();
}

void HoldAcrossSleep(lockgraph::Mutex& mu) {
  std::lock_guard held(mu);  // marker: long_hold
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

}  // namespace inline_frames_test

namespace lockgraph {
namespace {

using inline_frames_test::HoldAcrossSleep;
using inline_frames_test::TakeWithLockCalls;
using inline_frames_test::TakeWithLockGuard;
using inline_frames_test::TakeWithScopedLockReversed;
using testing::MarkedLine;
using testing::PathEndsWith;
using testing::ReportCollector;
using testing::RunInThread;

constexpr const char* kThisFile = "inline_frames_test.cc";

// Where an edge's stack must start.
struct Site {
  const char* function;
  int line;
  std::string Text() const { return std::string(kThisFile) + ":" + std::to_string(line); }
};

Site SiteOf(const char* function, const char* marker) {
  const int line = MarkedLine(kThisFile, marker);
  EXPECT_GT(line, 0) << "no line marked " << marker;
  return {function, line};
}

void ExpectStartsAt(const std::vector<StackFrame>& stack, const Site& site,
                    const std::string& context) {
  ASSERT_FALSE(stack.empty()) << context;
  const StackFrame& f = stack.front();
  EXPECT_NE(f.function.find(site.function), std::string::npos) << context;
  EXPECT_TRUE(PathEndsWith(f.file, kThisFile)) << context;
  EXPECT_EQ(f.line, site.line) << context;
}

// The edge of `r` that acquires the lock named `to`, or null.
const OrderEdge* EdgeInto(const Report& r, const std::string& to) {
  for (const OrderEdge& e : r.edges) {
    if (r.locks[e.to].name == to) return &e;
  }
  return nullptr;
}

TEST(InlineFramesTest, LockGuardAndScopedLockEdgesStartAtTheGuardLine) {
  const Site guard = SiteOf("TakeWithLockGuard", "lock_guard");
  const Site scoped = SiteOf("TakeWithScopedLockReversed", "scoped_lock");
  ReportCollector collector;
  Mutex a{"inline.guard.a"}, b{"inline.guard.b"};
  RunInThread([&] { TakeWithLockGuard(a, b); });
  RunInThread([&] { TakeWithScopedLockReversed(a, b); });

  const std::vector<Report> reports = collector.reports(ReportKind::kLockOrderInversion);
  ASSERT_EQ(reports.size(), 1u);
  const Report& r = reports[0];
  const std::string text = FormatText(r);
  const OrderEdge* into_b = EdgeInto(r, "inline.guard.b");
  const OrderEdge* into_a = EdgeInto(r, "inline.guard.a");
  ASSERT_TRUE(into_b != nullptr && into_a != nullptr) << text;
  ExpectStartsAt(into_b->stack, guard, text);
  ExpectStartsAt(into_a->stack, scoped, text);

  // Every rendering names the same lines.
  EXPECT_NE(text.find("TakeWithLockGuard"), std::string::npos) << text;
  EXPECT_NE(text.find(guard.Text() + "\n"), std::string::npos) << text;
  EXPECT_NE(text.find(scoped.Text() + "\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("lock_state.h"), std::string::npos) << text;
  const nlohmann::json j = nlohmann::json::parse(FormatJson(r));
  for (const auto& e : j["edges"]) {
    const Site& want = e["to"] == "inline.guard.b" ? guard : scoped;
    ASSERT_FALSE(e["stack"].empty());
    EXPECT_EQ(e["stack"][0]["line"], want.line) << e.dump();
    EXPECT_TRUE(PathEndsWith(e["stack"][0]["file"].get<std::string>(), kThisFile)) << e.dump();
    EXPECT_TRUE(e["stack"][0]["inlined"].is_boolean()) << e.dump();
  }
  const std::string dot = FormatDot(r);
  EXPECT_NE(dot.find(guard.Text()), std::string::npos) << dot;
  EXPECT_NE(dot.find(scoped.Text()), std::string::npos) << dot;
}

TEST(InlineFramesTest, ExplicitLockCallEdgeStartsAtTheLockLine) {
  const Site call = SiteOf("TakeWithLockCalls", "lock_call");
  const Site guard = SiteOf("TakeWithLockGuard", "lock_guard");
  ReportCollector collector;
  Mutex a{"inline.call.a"}, b{"inline.call.b"};
  RunInThread([&] { TakeWithLockCalls(a, b); });
  RunInThread([&] { TakeWithLockGuard(b, a); });

  const std::vector<Report> reports = collector.reports(ReportKind::kLockOrderInversion);
  ASSERT_EQ(reports.size(), 1u);
  const std::string text = FormatText(reports[0]);
  const OrderEdge* into_b = EdgeInto(reports[0], "inline.call.b");
  const OrderEdge* into_a = EdgeInto(reports[0], "inline.call.a");
  ASSERT_TRUE(into_b != nullptr && into_a != nullptr) << text;
  ExpectStartsAt(into_b->stack, call, text);
  ExpectStartsAt(into_a->stack, guard, text);
}

TEST(InlineFramesTest, LongHoldNamesWhereTheLockWasTakenAndReleased) {
  const Site taken = SiteOf("HoldAcrossSleep", "long_hold");
  ReportCollector collector;
  Options o = CurrentOptions();
  o.hold_warn_ms = 1;  // the hold sleeps 20 ms: always longer
  Configure(o);
  Mutex mu{"inline.held"};
  HoldAcrossSleep(mu);

  const std::vector<Report> reports = collector.reports(ReportKind::kLongHold);
  ASSERT_EQ(reports.size(), 1u);
  const Report& r = reports[0];
  const std::string text = FormatText(r);
  ExpectStartsAt(r.acquired_at, taken, text);
  ASSERT_EQ(r.threads.size(), 1u);
  ASSERT_FALSE(r.threads[0].stack.empty()) << text;
  // The guard's destructor ends HoldAcrossSleep, so at -O2 the release is a
  // tail call and the stack starts at the caller; only the trimming of
  // lockgraph's own frames is certain.
  const StackFrame& released = r.threads[0].stack.front();
  EXPECT_FALSE(released.function.starts_with("lockgraph::checked::")) << text;
  EXPECT_FALSE(released.function.starts_with("lockgraph::internal::")) << text;
  EXPECT_FALSE(released.function.starts_with("std::lock_guard")) << text;
  EXPECT_TRUE(PathEndsWith(released.file, kThisFile)) << text;
}

TEST(InlineFramesTest, ExportedGraphEdgesStartAtTheGuardLine) {
  const Site guard = SiteOf("TakeWithLockGuard", "lock_guard");
  const Site scoped = SiteOf("TakeWithScopedLockReversed", "scoped_lock");
  {
    ReportCollector quiet;  // the inversion's report is not what this test reads
    Mutex a{"inline.graph.a"}, b{"inline.graph.b"};
    RunInThread([&] { TakeWithLockGuard(a, b); });
    RunInThread([&] { TakeWithScopedLockReversed(a, b); });
  }
  const nlohmann::json g = nlohmann::json::parse(GraphJson());
  int found = 0;
  for (const auto& e : g["edges"]) {
    const bool forward = e["from"] == "inline.graph.a" && e["to"] == "inline.graph.b";
    const bool backward = e["from"] == "inline.graph.b" && e["to"] == "inline.graph.a";
    if (!forward && !backward) continue;
    ++found;
    const Site& want = forward ? guard : scoped;
    ASSERT_FALSE(e["stack"].empty()) << e.dump();
    const auto& first = e["stack"][0];
    EXPECT_NE(first["function"].get<std::string>().find(want.function), std::string::npos)
        << e.dump();
    EXPECT_TRUE(PathEndsWith(first["file"].get<std::string>(), kThisFile)) << e.dump();
    EXPECT_EQ(first["line"], want.line) << e.dump();
    for (const auto& frame : e["stack"]) {
      EXPECT_TRUE(frame.contains("pc") && frame.contains("function") && frame.contains("file") &&
                  frame.contains("line") && frame["inlined"].is_boolean())
          << frame.dump();
    }
  }
  EXPECT_EQ(found, 2) << g["edges"].dump();
}

}  // namespace
}  // namespace lockgraph
