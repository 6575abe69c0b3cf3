// Marks code that belongs to lockgraph itself. The LD_PRELOAD library checks
// it first: pthread calls made while this thread runs lockgraph code (the
// symbolizer's and libunwind's own locks, the watchdog, a sampling signal
// handler) go straight to libc instead of back into the detector.
#ifndef LOCKGRAPH_SRC_INTERNAL_REENTRANCY_H_
#define LOCKGRAPH_SRC_INTERNAL_REENTRANCY_H_

namespace lockgraph::internal {

extern __thread int tls_internal_depth __attribute__((tls_model("initial-exec")));

inline bool InLockgraphCode() { return tls_internal_depth > 0; }

class InternalScope {
 public:
  InternalScope() { ++tls_internal_depth; }
  ~InternalScope() { --tls_internal_depth; }
  InternalScope(const InternalScope&) = delete;
  InternalScope& operator=(const InternalScope&) = delete;
};

}  // namespace lockgraph::internal

#endif  // LOCKGRAPH_SRC_INTERNAL_REENTRANCY_H_
