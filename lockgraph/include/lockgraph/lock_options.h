// lockgraph/lock_options.h
// -----------------------------------------------------------------------------
// Per-lock settings given at construction:
//
//   lockgraph::Mutex shard_mu{"cache.shard", lockgraph::LockOptions{.rank = i}};
//   lockgraph::Mutex noisy{"legacy.io", lockgraph::LockOptions{.tracked = false}};
//
// `rank` declares an order among locks of one class (locks that share a name, or
// a construction site). Nesting two locks of the same class is then allowed when
// the inner one has the higher rank, and taking them the other way round is
// reported as a declared-order violation at once, before any cycle exists.
// Unranked locks of one class are still checked instance by instance.
//
// `writer_preferring = true` says a shared acquisition of this lock waits
// while a writer is queued (absl::Mutex, glibc rwlocks made with
// PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP, most non-glibc shared
// mutexes). Two readers can then deadlock through a waiting writer, so orders
// between shared acquisitions of it count (by default they do not: glibc's
// rwlocks and std::shared_mutex let a reader in while a writer waits). The
// option prefer_writers=1 assumes it of every lock.
//
// `acquired_after = "engine.table"` declares that locks of the class named
// there are taken before this lock's class, as Clang's ACQUIRED_AFTER does for
// the static analysis, but checked at run time: the same as
// lockgraph::DeclareOrder({"engine.table", <this lock's class>}), declared when
// the lock first enters the graph. The string must outlive the lock (a literal).
//
// `tracked = false` opts one lock out of the detector (it behaves like the
// standard type): the escape hatch for a lock whose order is known to be safe
// and too hot or too noisy to check.
#ifndef LOCKGRAPH_LOCK_OPTIONS_H_
#define LOCKGRAPH_LOCK_OPTIONS_H_

#include <cstdint>

namespace lockgraph {

struct LockOptions {
  // No declared rank.
  static constexpr int32_t kUnranked = INT32_MIN;

  int32_t rank = kUnranked;
  bool tracked = true;
  bool writer_preferring = false;
  const char* acquired_after = nullptr;
};

}  // namespace lockgraph

#endif  // LOCKGRAPH_LOCK_OPTIONS_H_
