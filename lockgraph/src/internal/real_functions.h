// The real definitions of the functions lockgraph interposes (the preload
// library's pthread and malloc functions, the blocking calls): the
// next ones in the dynamic linker's search order (libc's, or jemalloc's
// malloc when the program brings jemalloc).
#ifndef LOCKGRAPH_SRC_INTERNAL_REAL_FUNCTIONS_H_
#define LOCKGRAPH_SRC_INTERNAL_REAL_FUNCTIONS_H_

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace lockgraph::internal {

// The next definition of `name` (of `version` when given and present).
// Aborts with a message when there is none: the preload library cannot
// forward the call, and the program cannot run without it.
template <typename F>
F LookupReal(const char* name, const char* version = nullptr) {
  void* p = version != nullptr ? dlvsym(RTLD_NEXT, name, version) : nullptr;
  if (p == nullptr) p = dlsym(RTLD_NEXT, name);
  if (p == nullptr) {
    static const char kPrefix[] = "lockgraph: cannot find the real ";
    ssize_t n = write(2, kPrefix, sizeof(kPrefix) - 1);
    n = write(2, name, strlen(name));
    n = write(2, "; aborting\n", 11);
    (void)n;
    abort();
  }
  return reinterpret_cast<F>(p);
}

}  // namespace lockgraph::internal

// Defines real_NAME(): the real NAME, looked up on first use.
#define LOCKGRAPH_REAL(name, type, ...)                                            \
  type real_##name() {                                                             \
    static const type fn =                                                         \
        ::lockgraph::internal::LookupReal<type>(#name __VA_OPT__(, ) __VA_ARGS__); \
    return fn;                                                                     \
  }

#endif  // LOCKGRAPH_SRC_INTERNAL_REAL_FUNCTIONS_H_
