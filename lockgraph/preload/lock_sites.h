// Names the class of a pthread lock the preload library sees for the first
// time, the way the wrappers' construction site would: a global lock by its
// variable's symbol, any other by the source line (or module+offset, without
// debug information) of the user code that first takes it, above the
// standard library's lock wrappers.
//
// Runs inside an interposed lock call, so it never calls dladdr or anything
// else that takes the dynamic loader's lock: a thread inside dlopen holds
// that lock while it runs constructors, which may be waiting for a lock this
// thread holds. Sites are interned and live forever; each distinct return
// address is symbolized once.
#ifndef LOCKGRAPH_PRELOAD_LOCK_SITES_H_
#define LOCKGRAPH_PRELOAD_LOCK_SITES_H_

#include <cstdint>

namespace lockgraph::preload {

struct LockSite {
  const char* name;  // nullptr: unnamed (the class is file:line)
  const char* file;
  const char* function;
  uint32_t line;
};

// The site of the lock object at `address`, first taken by a call that
// returns to `caller`. Never null.
const LockSite* SiteOfLock(const void* address, uintptr_t caller);

// Whether `pc` lies in the preload library itself.
bool InPreloadLibrary(uintptr_t pc);

// fork(): the forking thread holds the sites' lock across it.
void LockSitesForFork();
void UnlockSitesAfterFork();

}  // namespace lockgraph::preload

#endif  // LOCKGRAPH_PRELOAD_LOCK_SITES_H_
