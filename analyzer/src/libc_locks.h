// Locks glibc takes inside its own functions, which no frame argument of the
// program names: who holds them follows from where a thread is (glibc 2.34+
// names, x86-64 and aarch64 alike), so the evidence is medium confidence and
// always carries its reason.
//
//   lock                          waited for when the lock wait is called from   held by a thread
//   inside loader lock (_dl_load_lock,   _dl_open, _dl_addr (dladdr), _dl_close, or     dlopen's
//   work (`_dl_open`,
//    `_rtld_global+2568`)          ld.so without symbols inside dlopen           `dl_open_worker`,
//    `_dl_init`,
//                                                                                `call_init` ...),
//                                                                                dladdr, dlclose
//   loader write lock             dl_iterate_phdr, _dl_add_to_namespace_list     dl_iterate_phdr
//   (and its callback)
//    (_dl_load_write_lock, +2608)
//   a FILE's lock                 a stdio function on that FILE                  a stdio function
//   on that FILE
//                                 (`_IO_stdfile_1_lock` is stdout's)             (`fp=`, `s=`;
//                                 printf is stdout)
//   atfork lock                   __run_prefork_handlers, __register_atfork      fork() between its
//   prepare and
//                                                                                parent handlers,
//                                                                                not inside one
//   stdio list lock               _IO_list_lock                                  fork() past its
//   prepare handlers a malloc arena's lock         malloc, free, ... (`main_arena`)
//   _int_malloc/_int_free/... (`av=`),
//                                                                                fork() in _Fork
//                                                                                (every arena)
//
// A thread never holds the lock it waits for (glibc's are recursive or it
// would not wait), except across `<signal handler called>`: a handler waiting
// for a lock the code it interrupted holds is a self-deadlock by signal
// re-entry, so holds below the signal frame count for the handler's wait.
#ifndef LOCKGRAPH_ANALYZER_SRC_LIBC_LOCKS_H_
#define LOCKGRAPH_ANALYZER_SRC_LIBC_LOCKS_H_

#include <string>
#include <vector>

#include "dump.h"
#include "wait_classifier.h"

namespace lockgraph::analyzer {

enum class LibcLockKind {
  kNone,
  kLoader,       // _dl_load_lock
  kLoaderWrite,  // _dl_load_write_lock
  kLoaderAny,    // one of the two: ld.so without symbols does not say which
  kStdioFile,    // one FILE's lock
  kAtfork,       // fork's handler list lock
  kStdioList,    // the list of all FILEs
  kMallocArena,  // one arena's mutex
};

struct LibcLock {
  LibcLockKind kind = LibcLockKind::kNone;
  // Which FILE (`stdout`, or its address) or arena (its address); empty
  // when the thread's frames do not say, or, for a holder, when it holds
  // every one (fork holds every arena).
  std::string object;
  std::string label;  // how gdb named the object (`main_arena`), for people; not compared
};

// `the loader lock (_dl_load_lock)`, `stdout's FILE lock`, ...
std::string LibcLockName(const LibcLock& lock);

// A libc lock a thread holds because of where it is.
struct LibcHold {
  LibcLock lock;
  int frame = -1;            // the frame that implies it
  std::string reason;        // `inside dlopen (dl_open_worker at #9), which holds ...`
  bool interrupted = false;  // below the thread's `<signal handler called>` frame
};

struct LibcLocks {
  std::vector<LibcLock> waits;               // per thread: what its lock wait is for, or kNone
  std::vector<std::vector<LibcHold>> holds;  // per thread
};

LibcLocks FindLibcLocks(const Dump& dump, const std::vector<Wait>& waits);

// True when a hold of `held` satisfies a wait for `waited`.
bool LibcLockMatches(const LibcLock& waited, const LibcLock& held);

}  // namespace lockgraph::analyzer

#endif  // LOCKGRAPH_ANALYZER_SRC_LIBC_LOCKS_H_
