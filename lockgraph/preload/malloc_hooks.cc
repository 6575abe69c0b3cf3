// The malloc family, interposed so that lockgraph's own allocations never
// reach the program's allocator (internal_alloc.h says why). Outside
// lockgraph code every call forwards to the next definition: the program's
// allocator (glibc's, or jemalloc/tcmalloc loaded as a library) sees exactly
// the calls it saw before, at the cost of one thread-local test.
//
// Blocks from the internal heap are recognized by address, so a block may be
// freed or resized anywhere, inside or outside lockgraph code.
//
// Not covered: an allocator linked statically into the executable (its
// malloc comes first in the search order, so lockgraph's libraries reach it
// directly). tcmalloc's spinlocks are not pthread locks and so never re-enter;
// an executable with a built-in allocator on pthread mutexes should run with
// the linked library instead of preload mode.
#include <errno.h>
#include <malloc.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstring>

#include "internal/raw_mutex.h"
#include "internal/reentrancy.h"
#include "internal_alloc.h"
#include "internal/real_functions.h"

namespace lockgraph::preload {
namespace {

struct RealAllocator {
  void* (*malloc)(size_t);
  void (*free)(void*);
  void* (*calloc)(size_t, size_t);
  void* (*realloc)(void*, size_t);
  int (*posix_memalign)(void**, size_t, size_t);
  void* (*aligned_alloc)(size_t, size_t);
  void* (*memalign)(size_t, size_t);
  void* (*valloc)(size_t);
  void* (*pvalloc)(size_t);
  size_t (*malloc_usable_size)(void*);
};

RealAllocator g_real;
std::atomic<bool> g_resolved{false};
internal::RawMutex g_resolve_mu;
// dlsym itself may allocate; those allocations are served internally.
__thread bool tls_resolving __attribute__((tls_model("initial-exec"))) = false;

template <typename F>
void Find(F* out, const char* name) {
  *out = reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
}

bool Resolve() {
  if (g_resolved.load(std::memory_order_acquire)) return true;
  if (tls_resolving) return false;
  tls_resolving = true;
  {
    internal::RawLockGuard guard(g_resolve_mu);
    if (!g_resolved.load(std::memory_order_relaxed)) {
      Find(&g_real.malloc, "malloc");
      Find(&g_real.free, "free");
      Find(&g_real.calloc, "calloc");
      Find(&g_real.realloc, "realloc");
      Find(&g_real.posix_memalign, "posix_memalign");
      Find(&g_real.aligned_alloc, "aligned_alloc");
      Find(&g_real.memalign, "memalign");
      Find(&g_real.valloc, "valloc");
      Find(&g_real.pvalloc, "pvalloc");
      Find(&g_real.malloc_usable_size, "malloc_usable_size");
      if (g_real.malloc == nullptr || g_real.free == nullptr || g_real.calloc == nullptr ||
          g_real.realloc == nullptr) {
        static const char kMessage[] = "lockgraph preload: cannot find the real malloc; aborting\n";
        const ssize_t n = write(2, kMessage, sizeof(kMessage) - 1);
        (void)n;
        abort();
      }
      g_resolved.store(true, std::memory_order_release);
    }
  }
  tls_resolving = false;
  return true;
}

// Whether this allocation must come from the internal heap.
inline bool Internal() { return internal::InLockgraphCode() || !Resolve(); }

void* InternalOrEnomem(size_t size, size_t alignment = 16) {
  void* p = InternalAlloc::Allocate(size, alignment);
  if (p == nullptr) errno = ENOMEM;
  return p;
}

void* InternalRealloc(void* p, size_t size, size_t old_size) {
  void* q = InternalOrEnomem(size);
  if (q != nullptr && p != nullptr) std::memcpy(q, p, old_size < size ? old_size : size);
  return q;
}

}  // namespace
}  // namespace lockgraph::preload

using lockgraph::preload::g_real;
using lockgraph::preload::Internal;
using lockgraph::preload::InternalAlloc;
using lockgraph::preload::InternalOrEnomem;
using lockgraph::preload::Resolve;

extern "C" {

void* malloc(size_t size) {
  if (Internal()) return InternalOrEnomem(size);
  return g_real.malloc(size);
}

void free(void* p) {
  if (p == nullptr) return;
  if (InternalAlloc::Contains(p)) {
    InternalAlloc::Free(p);
  } else if (Resolve()) {
    g_real.free(p);
  }
}

void* calloc(size_t n, size_t size) {
  if (!Internal()) return g_real.calloc(n, size);
  size_t total = 0;
  if (__builtin_mul_overflow(n, size, &total)) {
    errno = ENOMEM;
    return nullptr;
  }
  void* p = InternalAlloc::AllocateZeroed(total);
  if (p == nullptr) errno = ENOMEM;
  return p;
}

void* realloc(void* p, size_t size) {
  if (p == nullptr) return malloc(size);
  if (InternalAlloc::Contains(p)) {
    // A block of ours stays ours, wherever it is resized.
    void* q = lockgraph::preload::InternalRealloc(p, size, InternalAlloc::UsableSize(p));
    if (q != nullptr) InternalAlloc::Free(p);
    return q;
  }
  if (!Internal()) return g_real.realloc(p, size);
  // The program's block, resized by lockgraph code: move it to our heap.
  const size_t old_size = g_real.malloc_usable_size ? g_real.malloc_usable_size(p) : 0;
  void* q = lockgraph::preload::InternalRealloc(p, size, old_size);
  if (q != nullptr) g_real.free(p);
  return q;
}

void* reallocarray(void* p, size_t n, size_t size) {
  size_t total = 0;
  if (__builtin_mul_overflow(n, size, &total)) {
    errno = ENOMEM;
    return nullptr;
  }
  return realloc(p, total);
}

int posix_memalign(void** out, size_t alignment, size_t size) {
  if (!Internal() && g_real.posix_memalign != nullptr)
    return g_real.posix_memalign(out, alignment, size);
  if (alignment < sizeof(void*) || (alignment & (alignment - 1)) != 0) return EINVAL;
  void* p = InternalAlloc::Allocate(size, alignment);
  if (p == nullptr) return ENOMEM;
  *out = p;
  return 0;
}

void* aligned_alloc(size_t alignment, size_t size) {
  if (!Internal() && g_real.aligned_alloc != nullptr) return g_real.aligned_alloc(alignment, size);
  return InternalOrEnomem(size, alignment);
}

void* memalign(size_t alignment, size_t size) {
  if (!Internal() && g_real.memalign != nullptr) return g_real.memalign(alignment, size);
  return InternalOrEnomem(size, alignment);
}

void* valloc(size_t size) {
  if (!Internal() && g_real.valloc != nullptr) return g_real.valloc(size);
  return InternalOrEnomem(size, 4096);
}

void* pvalloc(size_t size) {
  if (!Internal() && g_real.pvalloc != nullptr) return g_real.pvalloc(size);
  return InternalOrEnomem((size + 4095) & ~size_t{4095}, 4096);
}

size_t malloc_usable_size(void* p) {
  if (p == nullptr) return 0;
  if (InternalAlloc::Contains(p)) return InternalAlloc::UsableSize(p);
  return Resolve() && g_real.malloc_usable_size ? g_real.malloc_usable_size(p) : 0;
}

}  // extern "C"
