// The real definitions of the functions the preload library interposes: the
// next ones in the dynamic linker's search order (libc's, or jemalloc's
// malloc when the program brings jemalloc).
#ifndef LOCKGRAPH_PRELOAD_REAL_FUNCTIONS_H_
#define LOCKGRAPH_PRELOAD_REAL_FUNCTIONS_H_

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace lockgraph::preload {

// The next definition of `name` (of `version` when given and present).
// Aborts with a message when there is none: the preload library cannot
// forward the call, and the program cannot run without it.
template <typename F>
F LookupReal(const char* name, const char* version = nullptr) {
  void* p = version != nullptr ? dlvsym(RTLD_NEXT, name, version) : nullptr;
  if (p == nullptr) p = dlsym(RTLD_NEXT, name);
  if (p == nullptr) {
    static const char kPrefix[] = "lockgraph preload: cannot find the real ";
    ssize_t n = write(2, kPrefix, sizeof(kPrefix) - 1);
    n = write(2, name, strlen(name));
    n = write(2, "; aborting\n", 11);
    (void)n;
    abort();
  }
  return reinterpret_cast<F>(p);
}

}  // namespace lockgraph::preload

// Defines real_NAME(): the real NAME, looked up on first use.
#define LOCKGRAPH_REAL(name, type, ...)                                           \
  type real_##name() {                                                            \
    static const type fn =                                                        \
        ::lockgraph::preload::LookupReal<type>(#name __VA_OPT__(, ) __VA_ARGS__); \
    return fn;                                                                    \
  }

#endif  // LOCKGRAPH_PRELOAD_REAL_FUNCTIONS_H_
