// Keeps the detector safe around fork() and signal handlers.
//
// Work that takes the detector's internal locks from inside a lock operation
// (a new lock order, a lock seen for the first time, a new thread) runs in a
// GatedScope. A thread that calls fork() closes the gate: gated work that
// other threads start meanwhile is skipped (that one lock operation goes
// untracked) instead of waiting; work in progress drains; then the forking
// thread takes every internal lock, so the child gets a consistent copy of
// the detector. Skipping rather than waiting is what keeps fork() from
// hanging: the program's atfork handlers (jemalloc's lock every arena) may
// need a lock that one of those threads holds.
//
// A GatedScope also blocks asynchronous signals: a signal handler never runs
// while its thread holds an internal lock, so a handler that locks, or that
// calls exit() (and so writes graph_out), never waits for its own thread.
//
// In the child, only the forking thread exists. Locks other threads held at
// fork() are marked kFlagHeldAtFork: nobody in the child will release them,
// and the child is told so when it tries to take one.
#ifndef LOCKGRAPH_SRC_INTERNAL_FORK_GATE_H_
#define LOCKGRAPH_SRC_INTERNAL_FORK_GATE_H_

#include <signal.h>

namespace lockgraph::internal {

class GatedScope {
 public:
  GatedScope() noexcept;
  ~GatedScope();
  GatedScope(const GatedScope&) = delete;
  GatedScope& operator=(const GatedScope&) = delete;

  // False: a fork() is in progress on another thread (or this thread is
  // running atfork handlers); the caller must skip its work.
  bool open() const { return open_; }

 private:
  bool open_ = false;
  bool outer_ = false;
  sigset_t saved_;
};

// True on the forking thread while fork() runs the program's atfork handlers:
// their lock operations pass straight through.
bool InForkHandlers();

// Registers the atfork handlers (idempotent; called when the detector starts).
void InstallForkHandlers();

// Locks owned by other components (the preload library's), taken by the
// forking thread after the detector's own, in registration order, and
// released in reverse. At most 8.
void RegisterForkLocks(void (*lock)(), void (*unlock)());

}  // namespace lockgraph::internal

#endif  // LOCKGRAPH_SRC_INTERNAL_FORK_GATE_H_
