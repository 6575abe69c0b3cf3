// lockgraph/blocking.h
// -----------------------------------------------------------------------------
// lockgraph::BlockingCall marks a scope in which the calling thread may block
// on something lockgraph does not see by itself: an RPC, a future's get(), a
// wait on a plain std::condition_variable in a program linked with lockgraph,
// a library's own event loop.
//
//   {
//     lockgraph::BlockingCall blocking("rpc to the metadata service");
//     reply = stub->Call(request);
//   }
//
// With LOCKGRAPH_OPTIONS=block_warn_ms=N, a lockgraph lock held across the
// scope for longer than N ms is reported (kind "blocked-while-holding") with
// the thread's stack, once per call site and innermost lock. Without the
// option, or with no lock held, the scope costs one load of a global word.
// The common blocking calls of libc (sleeps, reads, writes, accept, poll,
// fsync, ...), lockgraph::ConditionVariable and AbslMutex::Wait are watched
// without it. `what` names the call in reports and must outlive the scope
// (a string literal). Included by <lockgraph/mutex.h>.
#ifndef LOCKGRAPH_BLOCKING_H_
#define LOCKGRAPH_BLOCKING_H_

#include <cstdint>

#include "lockgraph/internal/lock_state.h"

namespace lockgraph {
inline namespace LOCKGRAPH_ABI_NAMESPACE {

class BlockingCall {
 public:
  explicit BlockingCall(const char* what) noexcept : started_(internal::BeginBlocking(what, 0)) {}
  ~BlockingCall() { internal::EndBlocking(started_); }
  BlockingCall(const BlockingCall&) = delete;
  BlockingCall& operator=(const BlockingCall&) = delete;

 private:
  int64_t started_;
};

}  // namespace LOCKGRAPH_ABI_NAMESPACE
}  // namespace lockgraph

#endif  // LOCKGRAPH_BLOCKING_H_
