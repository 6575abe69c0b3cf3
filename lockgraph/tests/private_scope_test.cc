// PrivateScope: the locks of an object not yet published record no order
// while the scope is open, so initialization does not read as a cycle with
// the object's later use; everything else stays checked.
#include <gtest/gtest.h>

#include <memory>
#include <mutex>

#include "absl/synchronization/mutex.h"
#include "lockgraph/absl_mutex.h"
#include "lockgraph/mutex.h"
#include "lockgraph/tracked.h"
#include "report_collector.h"

namespace lockgraph {
namespace {

using testing::ReportCollector;
using testing::RunInThread;

// Each test names its own classes: a class cycle is reported once per process.
struct Registry {
  explicit Registry(const char* name) : mu(name) {}
  Mutex mu;
  int size = 0;
};

struct Connection {
  explicit Connection(const char* name) : mu(name) {}
  Mutex mu;
  int state = 0;
};

// The initializer holds the new connection's lock while it registers it:
// connection -> registry. Published connections are visited under the
// registry's lock: registry -> connection.
void Initialize(Connection& c, Registry& r) {
  std::lock_guard g(c.mu);
  c.state = 1;
  std::lock_guard reg(r.mu);
  ++r.size;
}
void VisitAll(Registry& r, Connection& c) {
  std::lock_guard reg(r.mu);
  std::lock_guard g(c.mu);
  ++c.state;
}

TEST(PrivateScopeTest, WithoutTheScopeInitializationReadsAsACycle) {
  ReportCollector collector;
  Registry registry{"private.without.registry"};
  auto conn = std::make_unique<Connection>("private.without.connection");
  RunInThread([&] { Initialize(*conn, registry); });
  RunInThread([&] { VisitAll(registry, *conn); });
  EXPECT_EQ(Inversions(collector), 1u);
}

TEST(PrivateScopeTest, InitializationOfAnUnpublishedObjectRecordsNoOrder) {
  ReportCollector collector;
  Registry registry{"private.unpublished.registry"};
  auto conn = std::make_unique<Connection>("private.unpublished.connection");
  RunInThread([&] {
    PrivateScope unpublished(conn->mu);
    Initialize(*conn, registry);
  });
  RunInThread([&] { VisitAll(registry, *conn); });
  EXPECT_EQ(Inversions(collector), 0u);
}

TEST(PrivateScopeTest, OtherLocksInsideTheScopeAreStillChecked) {
  ReportCollector collector;
  Mutex a{"private.other.a"}, b{"private.other.b"};
  Connection conn{"private.other.connection"};
  RunInThread([&] {
    PrivateScope unpublished(conn.mu);
    std::lock_guard g(conn.mu);
    std::lock_guard ga(a);
    std::lock_guard gb(b);  // a -> b is recorded
  });
  RunInThread([&] {
    std::lock_guard gb(b);
    std::lock_guard ga(a);
  });
  EXPECT_EQ(Inversions(collector), 1u);
}

TEST(PrivateScopeTest, TheSameChainAfterPublicationIsRecorded) {
  // One thread initializes privately, then uses the same locks in the same
  // order once published: that second time must not be skipped as an
  // already-checked chain.
  ReportCollector collector;
  Registry registry{"private.same_chain.registry"};
  auto conn = std::make_unique<Connection>("private.same_chain.connection");
  RunInThread([&] {
    {
      PrivateScope unpublished(conn->mu);
      Initialize(*conn, registry);
    }
    Initialize(*conn, registry);  // published now: connection -> registry counts
  });
  RunInThread([&] { VisitAll(registry, *conn); });
  EXPECT_EQ(Inversions(collector), 1u);
}

TEST(PrivateScopeTest, NestedScopesAndSeveralLocks) {
  ReportCollector collector;
  Registry registry{"private.nested.registry"};
  Connection c1{"private.nested.c1"}, c2{"private.nested.c2"};
  RunInThread([&] {
    PrivateScope both(c1.mu, c2.mu);
    { PrivateScope again(c1.mu); }  // c1 is still named by the outer scope
    Initialize(c1, registry);
    Initialize(c2, registry);
  });
  RunInThread([&] {
    VisitAll(registry, c1);
    VisitAll(registry, c2);
  });
  EXPECT_EQ(Inversions(collector), 0u);
}

// The same initializer pattern with the other lock types lockgraph tracks.
template <typename L>
void InitializeThenVisit(L& connection_lock, Mutex& registry) {
  RunInThread([&] {
    PrivateScope unpublished(connection_lock);
    std::lock_guard g(connection_lock);
    std::lock_guard reg(registry);
  });
  RunInThread([&] {
    std::lock_guard reg(registry);
    std::lock_guard g(connection_lock);
  });
}

TEST(PrivateScopeTest, WorksForTrackedLocks) {
  ReportCollector collector;
  Mutex registry{"private.tracked.registry"};
  Tracked<std::mutex> connection{"private.tracked.connection"};
  InitializeThenVisit(connection, registry);
  EXPECT_EQ(Inversions(collector), 0u);
}

TEST(PrivateScopeTest, WorksForAbslMutex) {
#if defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "AbslMutex is not tested under TSan (sanitizers/README.md)";
#endif
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  ReportCollector collector;
  Mutex registry{"private.absl.registry"};
  AbslMutex connection{"private.absl.connection"};
  RunInThread([&] {
    PrivateScope unpublished(connection);
    AbslMutexLock g(&connection);
    std::lock_guard reg(registry);
  });
  RunInThread([&] {
    std::lock_guard reg(registry);
    AbslMutexLock g(&connection);
  });
  EXPECT_EQ(Inversions(collector), 0u);
}

}  // namespace
}  // namespace lockgraph
