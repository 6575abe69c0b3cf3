// Declared lock orders: the parser (order files, contradictions, paths
// through several declarations) and the detector, which reports the first
// acquisition against a declaration before any cycle exists.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <mutex>
#include <string>

#include "internal/order_file.h"
#include "lockgraph/mutex.h"
#include "report_collector.h"

namespace lockgraph {
namespace {

using internal::DeclaredOrders;
using testing::ReportCollector;
using testing::RunInThread;

TEST(DeclaredOrdersTest, ChainsComposeAndNameWhereTheyCameFrom) {
  DeclaredOrders d;
  std::string error, why;
  ASSERT_TRUE(
      d.Parse("# storage\n"
              "db.table -> db.row   # rows under their table\n"
              "\n"
              "db.row -> db.page\n",
              "orders.txt", &error))
      << error;
  EXPECT_EQ(d.size(), 2u);
  EXPECT_FALSE(d.Violates("db.table", "db.row", &why)) << "the declared direction";
  EXPECT_FALSE(d.Violates("db.table", "cache", &why)) << "an undeclared class";
  ASSERT_TRUE(d.Violates("db.page", "db.table", &why));
  EXPECT_EQ(why, "db.table -> db.row -> db.page (orders.txt:2, orders.txt:4)");
  ASSERT_TRUE(d.Violates("db.row", "db.table", &why));
  EXPECT_EQ(why, "db.table -> db.row (orders.txt:2)");
}

TEST(DeclaredOrdersTest, BadFilesAreRefusedWithTheirLine) {
  struct Case {
    const char* text;
    const char* error;
  } cases[] = {
      {"a -> b\nb -> a\n", "f:2: \"b -> a\" contradicts a -> b (f:1)"},
      {"a -> b -> a\n", "f:1: \"b -> a\" contradicts a -> b (f:1)"},
      {"a -> b\nb -> c\nc -> a\n", "f:3: \"c -> a\" contradicts a -> b -> c (f:1, f:2)"},
      {"lonely\n", "f:1: an order needs at least two classes"},
      {"a -> -> b\n", "f:1: empty class name"},
      {"a -> a\n", "f:1: \"a\" cannot be taken before itself"},
  };
  for (const Case& c : cases) {
    DeclaredOrders d;
    std::string error;
    EXPECT_FALSE(d.Parse(c.text, "f", &error)) << c.text;
    EXPECT_NE(error.find(c.error), std::string::npos) << c.text << "\n" << error;
    EXPECT_TRUE(d.empty()) << "a refused file adds nothing: " << c.text;
  }
  DeclaredOrders d;
  std::string error;
  EXPECT_FALSE(d.LoadFile("/nonexistent/orders.txt", &error));
  EXPECT_NE(error.find("/nonexistent/orders.txt: cannot open"), std::string::npos) << error;
}

size_t Violations(ReportCollector& c) { return c.reports(ReportKind::kOrderViolation).size(); }

TEST(DeclaredOrderTest, FirstAcquisitionAgainstTheDeclarationIsReportedAtOnce) {
  ReportCollector collector;
  ASSERT_TRUE(DeclareOrder({"declared.table", "declared.row"}));
  Mutex table{"declared.table"}, row{"declared.row"};
  {
    std::lock_guard t(table);
    std::lock_guard r(row);  // as declared
  }
  EXPECT_EQ(Violations(collector), 0u);
  RunInThread([&] {
    std::lock_guard r(row);
    std::lock_guard t(table);  // against it; no cycle in the graph needed
  });
  const std::vector<Report> got = collector.reports(ReportKind::kOrderViolation);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_NE(got[0].title.find("lock order violation: \"declared.table\" acquired while holding "
                              "\"declared.row\", against the declared order declared.table -> "
                              "declared.row (DeclareOrder at "),
            std::string::npos)
      << got[0].title;
  ASSERT_EQ(got[0].edges.size(), 1u);
  ASSERT_FALSE(got[0].edges[0].stack.empty());
  EXPECT_NE(FormatText(got[0]).find("The program declared the order"), std::string::npos);
}

TEST(DeclaredOrderTest, ThroughAThirdClassAndOncePerPair) {
  ReportCollector collector;
  ASSERT_TRUE(DeclareOrder({"declared.a", "declared.b", "declared.c"}));
  Mutex a{"declared.a"}, c{"declared.c"}, c2{"declared.c"};
  for (Mutex* held : {&c, &c2}) {
    std::lock_guard hc(*held);
    std::lock_guard ha(a);
  }
  const std::vector<Report> got = collector.reports(ReportKind::kOrderViolation);
  ASSERT_EQ(got.size(), 1u) << "one report per class pair";
  EXPECT_NE(got[0].title.find("declared.a -> declared.b -> declared.c"), std::string::npos)
      << got[0].title;
}

TEST(DeclaredOrderTest, ALockAttributeDeclaresTheOrder) {
  ReportCollector collector;
  Mutex table{"attribute.table"};
  // Every row carries the attribute; it is declared once.
  Mutex row1{"attribute.row", LockOptions{.acquired_after = "attribute.table"}};
  Mutex row2{"attribute.row", LockOptions{.acquired_after = "attribute.table"}};
  for (Mutex* row : {&row1, &row2}) {
    std::lock_guard t(table);
    std::lock_guard r(*row);  // as declared
  }
  EXPECT_EQ(Violations(collector), 0u);
  RunInThread([&] {
    std::lock_guard r(row2);
    std::lock_guard t(table);  // against it
  });
  const std::vector<Report> got = collector.reports(ReportKind::kOrderViolation);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_NE(got[0].title.find("against the declared order attribute.table -> attribute.row "
                              "(acquired_after on \"attribute.row\" at "),
            std::string::npos)
      << got[0].title;
}

TEST(DeclaredOrderTest, AnAttributeThatContradictsADeclarationIsRefused) {
  ReportCollector collector;
  ASSERT_TRUE(DeclareOrder({"attribute.first", "attribute.second"}));
  Mutex first{"attribute.first", LockOptions{.acquired_after = "attribute.second"}};
  Mutex second{"attribute.second"};
  {
    std::lock_guard a(first);
    std::lock_guard b(second);  // DeclareOrder's order: fine, the attribute was refused
  }
  EXPECT_EQ(Violations(collector), 0u);
}

TEST(DeclaredOrderTest, ContradictionsAreRefused) {
  ReportCollector collector;
  ASSERT_TRUE(DeclareOrder({"declared.x", "declared.y"}));
  EXPECT_FALSE(DeclareOrder({"declared.y", "declared.x"}));
  EXPECT_FALSE(DeclareOrder({"declared.only"}));
}

TEST(DeclaredOrderTest, OrderFileOption) {
  const std::string path = ::testing::TempDir() + "/lockgraph_orders.txt";
  std::ofstream(path) << "# test\ndeclared.file.outer -> declared.file.inner\n";
  ReportCollector collector;
  Options o = CurrentOptions();
  std::string error;
  ASSERT_TRUE(ParseOptions("order_file=" + path, &o, &error)) << error;
  EXPECT_EQ(o.order_file, path);
  Configure(o);
  Mutex outer{"declared.file.outer"}, inner{"declared.file.inner"};
  {
    std::lock_guard i(inner);
    std::lock_guard g(outer);
  }
  const std::vector<Report> got = collector.reports(ReportKind::kOrderViolation);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_NE(got[0].title.find("(" + path + ":2)"), std::string::npos) << got[0].title;
  std::remove(path.c_str());
}

void ViolateInAbortMode() {
  Options o;
  o.mode = Mode::kAbort;
  Configure(o);
  DeclareOrder({"declared.abort.first", "declared.abort.second"});
  Mutex first{"declared.abort.first"}, second{"declared.abort.second"};
  std::lock_guard s(second);
  std::lock_guard f(first);
}

TEST(DeclaredOrderDeathTest, AbortModeAbortsAtTheViolation) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(ViolateInAbortMode(),
               "lockgraph: lock order violation: \"declared.abort.first\" acquired while holding "
               "\"declared.abort.second\"");
}

}  // namespace
}  // namespace lockgraph
