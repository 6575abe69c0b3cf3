// Decides what each thread is blocked on by recognizing the frames of lock,
// join and condition-variable waits, for every glibc era (the 2.34+
// `___pthread_mutex_lock` / `__pthread_rwlock_wrlock_full64` /
// `__pthread_clockjoin_ex` names as well as the older `__lll_lock_wait` /
// `pthread_join` ones), libstdc++/libc++ wrappers, absl::Mutex and
// lockgraph's own wrappers.
//
// A thread waits when its innermost frames are a chain of "machinery"
// (libc, futex, std::, absl::, lockgraph:: frames) containing at least one
// recognized wait frame. The outermost recognized frame gives the kind, so
// `std::unique_lock<std::mutex>::lock` over `pthread_mutex_lock` is a mutex
// wait and `std::thread::join` over `pthread_join` a join. The first frame
// after the chain is the call site the report shows.
#ifndef LOCKGRAPH_ANALYZER_SRC_WAIT_CLASSIFIER_H_
#define LOCKGRAPH_ANALYZER_SRC_WAIT_CLASSIFIER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "dump.h"

namespace lockgraph::analyzer {

enum class WaitKind {
  kNone,         // not blocked in a recognized wait (running, sleeping, in I/O)
  kMutex,        // pthread/std/absl/lockgraph mutex
  kRwlockRead,   // shared (reader) acquisition
  kRwlockWrite,  // exclusive (writer) acquisition
  kJoin,         // pthread_join / std::thread::join
  kCondvar,      // waiting for a signal: nobody "holds" it, so no wait-for edge
  kFutex,        // a bare futex wait of unknown purpose: no holder, so no edge
};
const char* WaitKindName(WaitKind kind);
// True for the kinds that make a wait-for edge to a holder.
bool WaitsForHolder(WaitKind kind);

struct Wait {
  WaitKind kind = WaitKind::kNone;
  std::string api;                        // the outermost recognized function, normalized
  std::optional<uint64_t> lock;           // the lock's address (the condvar's for kCondvar)
  std::string lock_symbol;                // gdb's `<sym+off>` after the address, without brackets
  std::string lock_name;                  // the lockgraph lock's name (gdb extension), or empty
  std::string libc_lock;                  // a lock glibc takes itself, e.g. `the loader lock
                                          // (_dl_load_lock)` (libc_locks.h), or empty
  bool lock_from_register = false;        // address taken from a capture's register read
  bool mutex_from_futex = false;          // a bare futex wait on a word the session printed
                                          // as a held mutex (session_evidence.h)
  std::optional<uint64_t> join_target;    // kJoin: the joined pthread_t (`threadid=`, decimal)
  std::optional<int64_t> join_tid;        // kJoin: the futex's expected value = the joined tid
  std::optional<int64_t> recorded_owner;  // `__owner = N` / `__cur_writer = N` in bt full
  int wait_frame = -1;                    // index of the outermost recognized frame
  int call_site = -1;                     // the first frame after the wait chain, or -1
};

Wait ClassifyWait(const Thread& thread);

// `__GI___pthread_mutex_lock@GLIBC_2.2.5` -> `pthread_mutex_lock`;
// `std::unique_lock<std::mutex>::lock()` -> `std::unique_lock::lock`;
// `absl::lts_20230125::Mutex::Lock` -> `absl::Mutex::Lock`.
std::string NormalizeFunction(std::string_view function);

}  // namespace lockgraph::analyzer

#endif  // LOCKGRAPH_ANALYZER_SRC_WAIT_CLASSIFIER_H_
