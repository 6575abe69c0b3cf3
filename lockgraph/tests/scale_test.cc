// Scale: millions of lock instances over a run, and a full edge table. The
// detector must keep working and say once when it drops detail.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "lockgraph/mutex.h"
#include "report_collector.h"

namespace lockgraph {
namespace {

using testing::ReportCollector;
using testing::RunInThread;

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr int kInstances = 100000;  // sanitizers make each slow path ~10x dearer
#else
constexpr int kInstances = 1000000;
#endif

TEST(ScaleTest, MillionsOfShortLivedLocksKeepTheGraphSmall) {
  ReportCollector collector;
  Mutex table{"scale.table"};
  const Stats before = GetStats();
  for (int i = 0; i < kInstances; ++i) {
    Mutex row{"scale.row"};
    std::lock_guard t(table);
    std::lock_guard r(row);
  }
  const Stats after = GetStats();
  // Every row was retired with its edges: the live graph did not grow.
  EXPECT_LE(after.live_nodes, before.live_nodes + 2);
  EXPECT_LE(after.live_edges, before.live_edges + 1);
  EXPECT_TRUE(collector.reports().empty());
}

TEST(ScaleTest, FullEdgeTableDegradesAndStillDetects) {
  ReportCollector collector;
  const Options saved = CurrentOptions();
  Options o = saved;
  o.mode = Mode::kCallback;
  o.max_edges = GetStats().live_edges + 50;
  Configure(o);
  Mutex outer{"full.outer"};
  std::vector<std::unique_ptr<Mutex>> rows;
  for (int i = 0; i < 200; ++i) rows.push_back(std::make_unique<Mutex>("full.row"));
  for (auto& r : rows) {
    std::lock_guard a(outer);
    std::lock_guard b(*r);
  }
  EXPECT_GT(GetStats().dropped_edges, 0u);
  // outer -> rows[0] was kept; the inverse is still a cycle and still found.
  RunInThread([&] {
    std::lock_guard b(*rows[0]);
    std::lock_guard a(outer);
  });
  Configure(saved);
  EXPECT_EQ(collector.reports(ReportKind::kLockOrderInversion).size(), 1u);
  o = saved;
  Configure(o);
}

TEST(ScaleTest, ManyThreadsComeAndGo) {
  ReportCollector collector;
  Mutex a{"threads.a"}, b{"threads.b"};
  for (int t = 0; t < 200; ++t) {
    RunInThread([&] {
      std::lock_guard la(a);
      std::lock_guard lb(b);
    });
  }
  EXPECT_TRUE(collector.reports().empty());
}

}  // namespace
}  // namespace lockgraph
