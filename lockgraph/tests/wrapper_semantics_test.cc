// What every wrapper does the same way in exclusive mode, checked once for
// each of them: Mutex, SharedMutex (lock/unlock), RecursiveMutex and
// TimedMutex. The rules special to one type (reentry, readers, timed waits)
// are in semantics_test.cc.
#include <gtest/gtest.h>

#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "lockgraph/mutex.h"
#include "report_collector.h"

namespace lockgraph {
namespace {

using testing::ReportCollector;
using testing::RunInThread;

// Lock classes are process-wide and a class cycle is reported once, so every
// type's locks get names of their own.
template <typename M>
struct Prefix;
template <>
struct Prefix<Mutex> {
  static constexpr const char* kValue = "typed.mutex.";
};
template <>
struct Prefix<SharedMutex> {
  static constexpr const char* kValue = "typed.shared.";
};
template <>
struct Prefix<RecursiveMutex> {
  static constexpr const char* kValue = "typed.recursive.";
};
template <>
struct Prefix<TimedMutex> {
  static constexpr const char* kValue = "typed.timed.";
};

template <typename M>
class WrapperSemanticsTest : public ::testing::Test {
 protected:
  // A lock named "<type prefix><test>.<name>" (the name must outlive it).
  M& Make(const std::string& name) {
    const int i = count_++;
    names_[i] = std::string(Prefix<M>::kValue) +
                ::testing::UnitTest::GetInstance()->current_test_info()->name() + "." + name;
    return locks_[i].emplace(names_[i].c_str());
  }
  const std::string& NameOf(int i) const { return names_[i]; }

 private:
  static constexpr int kMax = 4;
  std::string names_[kMax];
  std::optional<M> locks_[kMax];
  int count_ = 0;
};

using WrapperTypes = ::testing::Types<Mutex, SharedMutex, RecursiveMutex, TimedMutex>;
TYPED_TEST_SUITE(WrapperSemanticsTest, WrapperTypes);

TYPED_TEST(WrapperSemanticsTest, InversionAcrossThreadsIsReportedNamingBothLocks) {
  ReportCollector collector;
  TypeParam& a = this->Make("a");
  TypeParam& b = this->Make("b");
  RunInThread([&] {
    std::lock_guard la(a);
    std::lock_guard lb(b);
  });
  RunInThread([&] {
    std::lock_guard lb(b);
    std::lock_guard la(a);
  });
  const auto reports = collector.reports(ReportKind::kLockOrderInversion);
  ASSERT_EQ(reports.size(), 1u);
  ASSERT_EQ(reports[0].locks.size(), 2u);
  std::set<std::string> names = {reports[0].locks[0].name, reports[0].locks[1].name};
  EXPECT_EQ(names, (std::set<std::string>{this->NameOf(0), this->NameOf(1)}));
  EXPECT_EQ(reports[0].edges.size(), 2u);
}

TYPED_TEST(WrapperSemanticsTest, ThreeLockCycleIsReported) {
  ReportCollector collector;
  TypeParam& a = this->Make("a");
  TypeParam& b = this->Make("b");
  TypeParam& c = this->Make("c");
  auto nested = [](TypeParam& outer, TypeParam& inner) {
    RunInThread([&] {
      std::lock_guard lo(outer);
      std::lock_guard li(inner);
    });
  };
  nested(a, b);
  nested(b, c);
  EXPECT_TRUE(collector.reports().empty());
  nested(c, a);
  const auto reports = collector.reports(ReportKind::kLockOrderInversion);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].locks.size(), 3u);
}

TYPED_TEST(WrapperSemanticsTest, ConsistentOrderIsClean) {
  ReportCollector collector;
  TypeParam& a = this->Make("a");
  TypeParam& b = this->Make("b");
  for (int i = 0; i < 3; ++i) {
    RunInThread([&] {
      std::lock_guard la(a);
      std::lock_guard lb(b);
    });
  }
  // One after the other, never nested: no order at all.
  RunInThread([&] {
    { std::lock_guard lb(b); }
    { std::lock_guard la(a); }
  });
  EXPECT_TRUE(collector.reports().empty());
}

TYPED_TEST(WrapperSemanticsTest, TryLockAddsNoIncomingEdge) {
  ReportCollector collector;
  TypeParam& a = this->Make("a");
  TypeParam& b = this->Make("b");
  RunInThread([&] {
    std::lock_guard la(a);
    std::lock_guard lb(b);
  });
  RunInThread([&] {
    std::lock_guard lb(b);
    if (a.try_lock()) a.unlock();  // cannot wait, so cannot deadlock
  });
  EXPECT_TRUE(collector.reports().empty());
}

TYPED_TEST(WrapperSemanticsTest, TryLockedLockStillOrdersWhatFollows) {
  ReportCollector collector;
  TypeParam& a = this->Make("a");
  TypeParam& b = this->Make("b");
  RunInThread([&] {
    ASSERT_TRUE(a.try_lock());
    { std::lock_guard lb(b); }
    a.unlock();
  });
  RunInThread([&] {
    std::lock_guard lb(b);
    std::lock_guard la(a);
  });
  EXPECT_EQ(collector.reports(ReportKind::kLockOrderInversion).size(), 1u);
}

TYPED_TEST(WrapperSemanticsTest, ScopedLockAndStdLockAreGroupsNotOrders) {
  ReportCollector collector;
  TypeParam& a = this->Make("a");
  TypeParam& b = this->Make("b");
  RunInThread([&] { std::scoped_lock both(a, b); });
  RunInThread([&] { std::scoped_lock both(b, a); });
  RunInThread([&] {
    std::lock(b, a);
    a.unlock();
    b.unlock();
  });
  EXPECT_TRUE(collector.reports().empty());
}

}  // namespace
}  // namespace lockgraph
