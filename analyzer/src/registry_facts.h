// The facts lockgraph's gdb extension printed (`lockgraph-gdb:` lines, read
// from the lockgraph registry of a program built with lockgraph), indexed by
// the dump's threads. They are exact where the stacks only hint: which
// lockgraph lock a thread waits for, by name, and which threads hold it,
// even without libc debug info. Plain data, built once per dump.
#ifndef LOCKGRAPH_ANALYZER_SRC_REGISTRY_FACTS_H_
#define LOCKGRAPH_ANALYZER_SRC_REGISTRY_FACTS_H_

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "dump.h"
#include "wait_classifier.h"

namespace lockgraph::analyzer {

struct RegistryIndex {
  bool empty = true;                                    // the dump has no extension output
  std::vector<const RegistryFact*> waits;               // per thread: its `waits` fact, or null
  std::vector<std::vector<const RegistryFact*>> holds;  // per thread: its `holds` facts
  // Lock state address -> the LWPs the registry says hold it (in or not in the dump).
  std::unordered_map<uint64_t, std::vector<int64_t>> holders;
  // Per thread: the next LWP on a `deadlock` line that lists it.
  std::vector<std::optional<int64_t>> deadlock_next;
};

// Facts about an LWP not in the dump are kept only in `holders` (an owner
// that is not in the dump is still an owner). When a thread has several
// `waits` facts (the command ran twice), the last one counts.
RegistryIndex IndexRegistry(const Dump& dump);

// Makes each thread's Wait agree with the registry: a thread the registry
// says waits for a lock is a lock wait (exclusive: mutex, shared: rwlock read)
// even when its frames are not recognized (a stripped binary); it gets the
// lock's name, and the lock state's address when the frames show none.
void ApplyRegistryWaits(const Dump& dump, const RegistryIndex& index, std::vector<Wait>* waits);

}  // namespace lockgraph::analyzer

#endif  // LOCKGRAPH_ANALYZER_SRC_REGISTRY_FACTS_H_
