// Ties what an interactive gdb session printed to the locks the threads wait
// for, so a transcript in which the user printed a lock gives the owner its
// owner field names:
//
//   printed                                     the lock it is
//   `p *mutex` (after `frame N`)                the selected frame's `mutex=` argument
//   `p *this`, `p mu->__data.__owner`           the selected frame's `this=` / `mu=`
//   `p NAME`, `p/x NAME`, `p NAME._M_mutex`     the address a backtrace shows as `<NAME>`
//   `p *(pthread_mutex_t *) 0x55d0`, `p *$2`    that address, or the pointer $2 printed
//   `x/8wx 0x55d0`                              the words at a waited-for lock's address:
//                                               +8 __owner (mutex), +24 __cur_writer and
//                                               +0 __readers (rwlock)
//   `p ((struct pthread *) 0x7f..)->tid`        not a lock: which tid that pthread_t is
//   `info registers` (rdi at frame #0)          the futex word a waiter without arguments
//                                               sleeps on: its mutex (x86-64)
//
// The fields read are glibc's (`__owner`, `__cur_writer`, `__readers >> 3`),
// also inside std::mutex (`_M_mutex`) and std::shared_mutex
// (`_M_impl._M_rwlock`), in decimal or `p/x` hex. A value whose command is
// not in the paste (gdb -batch output) is taken as the selected frame's lock
// argument, with medium confidence.
#ifndef LOCKGRAPH_ANALYZER_SRC_SESSION_EVIDENCE_H_
#define LOCKGRAPH_ANALYZER_SRC_SESSION_EVIDENCE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "dump.h"
#include "wait_classifier.h"

namespace lockgraph::analyzer {

// What the session showed of one lock; the last print of it wins.
struct PrintedLock {
  std::optional<int64_t> owner;    // __owner (mutex) / __cur_writer (rwlock); 0 = free
  std::optional<int64_t> readers;  // rwlock readers
  bool exact = true;               // false: the command is not in the paste, the lock was inferred
  bool rwlock = false;             // the value showed __cur_writer / __readers
  std::string evidence;            // the command and what it showed, for the report
  int line = 0;
};

struct SessionFacts {
  std::unordered_map<uint64_t, PrintedLock> locks;
  std::unordered_map<uint64_t, int64_t> pthread_tids;  // pthread_t -> tid
  std::unordered_map<uint64_t, std::string> tid_evidence;
};

// Fills in the lock address of waiters whose frames show none from the
// session's `info registers` (marking it lock_from_register), then reads
// every printed value and memory line. A thread whose frames show only a
// futex wait (an `info threads` row, a `thread N` line) on the word of a
// mutex the session printed as held is taken to wait for that mutex
// (mutex_from_futex).
SessionFacts ReadSession(const Dump& dump, std::vector<Wait>* waits);

// The glibc lock fields in a printed value; several locks in one value
// (a struct holding two mutexes) give nothing.
struct LockFields {
  std::optional<int64_t> owner;         // __owner
  std::optional<int64_t> writer;        // __cur_writer
  std::optional<int64_t> readers_word;  // __readers, as printed
  std::optional<int64_t> lock_word;     // __lock
};
LockFields ParseLockFields(std::string_view value);

}  // namespace lockgraph::analyzer

#endif  // LOCKGRAPH_ANALYZER_SRC_SESSION_EVIDENCE_H_
