// lockgraph/thread_annotations.h
// -----------------------------------------------------------------------------
// Clang thread-safety annotations (-Wthread-safety) for lockgraph's wrappers and
// for code that uses them. They expand to nothing on other compilers.
#ifndef LOCKGRAPH_THREAD_ANNOTATIONS_H_
#define LOCKGRAPH_THREAD_ANNOTATIONS_H_

#if defined(__clang__)
#define LOCKGRAPH_THREAD_ATTR(x) __attribute__((x))
#else
#define LOCKGRAPH_THREAD_ATTR(x)
#endif

#define LOCKGRAPH_CAPABILITY(x) LOCKGRAPH_THREAD_ATTR(capability(x))
#define LOCKGRAPH_SCOPED_CAPABILITY LOCKGRAPH_THREAD_ATTR(scoped_lockable)
#define LOCKGRAPH_GUARDED_BY(x) LOCKGRAPH_THREAD_ATTR(guarded_by(x))
#define LOCKGRAPH_PT_GUARDED_BY(x) LOCKGRAPH_THREAD_ATTR(pt_guarded_by(x))
#define LOCKGRAPH_ACQUIRED_BEFORE(...) LOCKGRAPH_THREAD_ATTR(acquired_before(__VA_ARGS__))
#define LOCKGRAPH_ACQUIRED_AFTER(...) LOCKGRAPH_THREAD_ATTR(acquired_after(__VA_ARGS__))
#define LOCKGRAPH_REQUIRES(...) LOCKGRAPH_THREAD_ATTR(requires_capability(__VA_ARGS__))
#define LOCKGRAPH_REQUIRES_SHARED(...) \
  LOCKGRAPH_THREAD_ATTR(requires_shared_capability(__VA_ARGS__))
#define LOCKGRAPH_ACQUIRE(...) LOCKGRAPH_THREAD_ATTR(acquire_capability(__VA_ARGS__))
#define LOCKGRAPH_ACQUIRE_SHARED(...) LOCKGRAPH_THREAD_ATTR(acquire_shared_capability(__VA_ARGS__))
#define LOCKGRAPH_RELEASE(...) LOCKGRAPH_THREAD_ATTR(release_capability(__VA_ARGS__))
#define LOCKGRAPH_RELEASE_SHARED(...) LOCKGRAPH_THREAD_ATTR(release_shared_capability(__VA_ARGS__))
#define LOCKGRAPH_TRY_ACQUIRE(...) LOCKGRAPH_THREAD_ATTR(try_acquire_capability(__VA_ARGS__))
#define LOCKGRAPH_TRY_ACQUIRE_SHARED(...) \
  LOCKGRAPH_THREAD_ATTR(try_acquire_shared_capability(__VA_ARGS__))
// On an accessor that returns a reference to a lock: callers that lock the
// result hold `x`.
#define LOCKGRAPH_RETURN_CAPABILITY(x) LOCKGRAPH_THREAD_ATTR(lock_returned(x))
// On a function that returns only if the calling thread holds `x`.
#define LOCKGRAPH_ASSERT_CAPABILITY(x) LOCKGRAPH_THREAD_ATTR(assert_capability(x))
#define LOCKGRAPH_ASSERT_SHARED_CAPABILITY(x) LOCKGRAPH_THREAD_ATTR(assert_shared_capability(x))
#define LOCKGRAPH_EXCLUDES(...) LOCKGRAPH_THREAD_ATTR(locks_excluded(__VA_ARGS__))
#define LOCKGRAPH_NO_THREAD_SAFETY_ANALYSIS LOCKGRAPH_THREAD_ATTR(no_thread_safety_analysis)

#endif  // LOCKGRAPH_THREAD_ANNOTATIONS_H_
