// Finds who holds what each waiting thread waits for, from the best evidence
// the dump has, and labels every answer with where it came from:
//
//   rank  source              confidence  what
//   1     lockgraph-registry  high        lockgraph's gdb extension (`lockgraph-gdb:` lines):
//                                         the threads the program's lockgraph registry says
//                                         hold the lock, else the lock's owner field the
//                                         extension read, else the next thread on its
//                                         `deadlock` line; the lock gets its name
//   2     recorded-owner      high        the lock's own owner field read from memory: a
//                                         `[lockgraph] lock` record of `lockgraph capture`
//                                         (`__owner` / `__cur_writer`), or the field printed
//                                         by `bt full`
//         gdb-print           high        the owner field the user printed in the session
//                                         (`p *mutex`, `p NAME`, `x/8wx ADDR`; see
//                                         session_evidence.h); medium when the command is not
//                                         in the paste
//   3     join-target         high        a join's `threadid=` (pthread_t, printed in
//                                         decimal) matched to a `Thread 0x...` header or to a
//                                         printed `((struct pthread *) X)->tid`, or the join
//                                         futex's expected value (the joined thread's tid)
//   4     held-guard          medium      a thread has a live std::lock_guard /
//                                         unique_lock / shared_lock on the address (`bt full`
//                                         locals `_M_device = 0x...` / `_M_pm = 0x...`)
//   5     implied-holder      medium      glibc's own locks: a thread whose frames put it
//                                         inside dlopen, dl_iterate_phdr, a stdio call, fork
//                                         or malloc holds the lock that implies (libc_locks.h);
//                                         the detail says why
//   6     unknown             unknown     nothing says: the waiter stays in the graph with
//                                         an unknown owner instead of being dropped
//
// An owner whose LWP is not in the dump is kept too (Owner::thread is -1): a
// thread that exited holding a lock, a thread of the parent when the dump is
// of a fork child, or, in a partial paste, a thread that was not pasted.
#ifndef LOCKGRAPH_ANALYZER_SRC_OWNER_EVIDENCE_H_
#define LOCKGRAPH_ANALYZER_SRC_OWNER_EVIDENCE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dump.h"
#include "libc_locks.h"
#include "registry_facts.h"
#include "session_evidence.h"
#include "wait_classifier.h"

namespace lockgraph::analyzer {

enum class EvidenceSource {
  kRegistry,
  kRecordedOwner,
  kPrintedOwner,
  kJoinTarget,
  kHeldGuard,
  kImpliedHolder,
  kUnknown
};
enum class Confidence { kHigh, kMedium, kUnknown };
const char* EvidenceSourceName(EvidenceSource source);
const char* ConfidenceName(Confidence confidence);

struct Owner {
  int64_t lwp = 0;
  int thread = -1;  // index into Dump::threads, or -1 when the LWP is not in the dump
};

// Who holds the lock (or thread) one waiter waits for.
struct OwnerEvidence {
  std::vector<Owner> owners;  // empty when unknown; several readers of an rwlock
  // kImpliedHolder: what each owner is inside, in the order of `owners`.
  std::vector<std::string> reasons;
  EvidenceSource source = EvidenceSource::kUnknown;
  Confidence confidence = Confidence::kUnknown;
  std::string detail;      // one line for people, e.g. "__owner = 1238 (capture)"
  bool lock_free = false;  // a record says the lock was free when captured
};

// The evidence besides the stacks, each built once per dump.
struct EvidenceSources {
  const RegistryIndex& registry;  // IndexRegistry(dump)
  const SessionFacts& session;    // ReadSession(dump, &waits)
  const LibcLocks& libc;          // FindLibcLocks(dump, waits)
};

// One entry per thread of `dump`, in the same order; threads that do not
// wait for a holder get an empty OwnerEvidence with source kUnknown. The
// two-argument form builds the sources (without session registers).
std::vector<OwnerEvidence> FindOwners(const Dump& dump, const std::vector<Wait>& waits,
                                      const EvidenceSources& sources);
std::vector<OwnerEvidence> FindOwners(const Dump& dump, const std::vector<Wait>& waits);

}  // namespace lockgraph::analyzer

#endif  // LOCKGRAPH_ANALYZER_SRC_OWNER_EVIDENCE_H_
