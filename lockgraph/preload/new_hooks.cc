// C++'s operator new and delete, interposed for the reason the malloc family
// is (malloc_hooks.cc): an allocator library may define them itself (Debian's
// jemalloc does), and then lockgraph's `new` would reach that allocator
// without passing through malloc. In lockgraph code they use the internal
// heap; everywhere else they forward to the next definition (the allocator's,
// or libstdc++'s), so the program's new_handler and sized deallocation
// behave as before.
#include <dlfcn.h>
#include <unistd.h>

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>

#include "internal/reentrancy.h"
#include "internal_alloc.h"

namespace lockgraph::preload {
namespace {

// Looks up the next definition of `name` once; nullptr if there is none.
template <typename F>
F Next(std::atomic<void*>& slot, const char* name) {
  void* p = slot.load(std::memory_order_acquire);
  if (p == nullptr) {
    p = dlsym(RTLD_NEXT, name);
    slot.store(p, std::memory_order_release);
  }
  return reinterpret_cast<F>(p);
}

#define LOCKGRAPH_NEXT(type, name)           \
  ([]() -> type {                            \
    static std::atomic<void*> slot{nullptr}; \
    return lp::Next<type>(slot, name);       \
  }())

[[noreturn]] void OutOfMemory() {
  static const char kMessage[] = "lockgraph: out of memory in the detector's own heap\n";
  const ssize_t n = write(2, kMessage, sizeof(kMessage) - 1);
  (void)n;
  abort();
}

void* InternalNew(size_t size, size_t alignment, bool nothrow) {
  void* p = InternalAlloc::Allocate(size == 0 ? 1 : size, alignment);
  if (p == nullptr && !nothrow) OutOfMemory();
  return p;
}

// Whether the block is ours; ours are freed here, wherever they are freed.
bool FreedInternally(void* p) {
  if (p == nullptr) return true;
  if (!InternalAlloc::Contains(p)) return false;
  InternalAlloc::Free(p);
  return true;
}

using NewFn = void* (*)(size_t);
using NewNothrowFn = void* (*)(size_t, const std::nothrow_t&);
using NewAlignFn = void* (*)(size_t, std::align_val_t);
using NewAlignNothrowFn = void* (*)(size_t, std::align_val_t, const std::nothrow_t&);
using DeleteFn = void (*)(void*);
using DeleteSizedFn = void (*)(void*, size_t);
using DeleteAlignFn = void (*)(void*, std::align_val_t);
using DeleteSizedAlignFn = void (*)(void*, size_t, std::align_val_t);

}  // namespace
}  // namespace lockgraph::preload

using lockgraph::internal::InLockgraphCode;
using lockgraph::preload::FreedInternally;
using lockgraph::preload::InternalNew;
namespace lp = lockgraph::preload;

// The forwarding pattern of every overload: internal in lockgraph code, else
// the next definition, else (none found) malloc/free.
#define LOCKGRAPH_NEW(type, mangled, alignment, nothrow, ...)                  \
  if (InLockgraphCode()) return InternalNew(size, alignment, nothrow);         \
  if (auto next = LOCKGRAPH_NEXT(lp::type, mangled)) return next(__VA_ARGS__); \
  return std::malloc(size)

#define LOCKGRAPH_DELETE(type, mangled, ...)                                   \
  if (FreedInternally(p)) return;                                              \
  if (auto next = LOCKGRAPH_NEXT(lp::type, mangled)) return next(__VA_ARGS__); \
  std::free(p)

void* operator new(size_t size) { LOCKGRAPH_NEW(NewFn, "_Znwm", 16, false, size); }
void* operator new[](size_t size) { LOCKGRAPH_NEW(NewFn, "_Znam", 16, false, size); }
void* operator new(size_t size, const std::nothrow_t& t) noexcept {
  LOCKGRAPH_NEW(NewNothrowFn, "_ZnwmRKSt9nothrow_t", 16, true, size, t);
}
void* operator new[](size_t size, const std::nothrow_t& t) noexcept {
  LOCKGRAPH_NEW(NewNothrowFn, "_ZnamRKSt9nothrow_t", 16, true, size, t);
}
void* operator new(size_t size, std::align_val_t a) {
  LOCKGRAPH_NEW(NewAlignFn, "_ZnwmSt11align_val_t", static_cast<size_t>(a), false, size, a);
}
void* operator new[](size_t size, std::align_val_t a) {
  LOCKGRAPH_NEW(NewAlignFn, "_ZnamSt11align_val_t", static_cast<size_t>(a), false, size, a);
}
void* operator new(size_t size, std::align_val_t a, const std::nothrow_t& t) noexcept {
  LOCKGRAPH_NEW(NewAlignNothrowFn, "_ZnwmSt11align_val_tRKSt9nothrow_t", static_cast<size_t>(a),
                true, size, a, t);
}
void* operator new[](size_t size, std::align_val_t a, const std::nothrow_t& t) noexcept {
  LOCKGRAPH_NEW(NewAlignNothrowFn, "_ZnamSt11align_val_tRKSt9nothrow_t", static_cast<size_t>(a),
                true, size, a, t);
}

void operator delete(void* p) noexcept { LOCKGRAPH_DELETE(DeleteFn, "_ZdlPv", p); }
void operator delete[](void* p) noexcept { LOCKGRAPH_DELETE(DeleteFn, "_ZdaPv", p); }
void operator delete(void* p, size_t n) noexcept {
  LOCKGRAPH_DELETE(DeleteSizedFn, "_ZdlPvm", p, n);
}
void operator delete[](void* p, size_t n) noexcept {
  LOCKGRAPH_DELETE(DeleteSizedFn, "_ZdaPvm", p, n);
}
void operator delete(void* p, std::align_val_t a) noexcept {
  LOCKGRAPH_DELETE(DeleteAlignFn, "_ZdlPvSt11align_val_t", p, a);
}
void operator delete[](void* p, std::align_val_t a) noexcept {
  LOCKGRAPH_DELETE(DeleteAlignFn, "_ZdaPvSt11align_val_t", p, a);
}
void operator delete(void* p, size_t n, std::align_val_t a) noexcept {
  LOCKGRAPH_DELETE(DeleteSizedAlignFn, "_ZdlPvmSt11align_val_t", p, n, a);
}
void operator delete[](void* p, size_t n, std::align_val_t a) noexcept {
  LOCKGRAPH_DELETE(DeleteSizedAlignFn, "_ZdaPvmSt11align_val_t", p, n, a);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
  LOCKGRAPH_DELETE(DeleteFn, "_ZdlPv", p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  LOCKGRAPH_DELETE(DeleteFn, "_ZdaPv", p);
}
void operator delete(void* p, std::align_val_t a, const std::nothrow_t&) noexcept {
  LOCKGRAPH_DELETE(DeleteAlignFn, "_ZdlPvSt11align_val_t", p, a);
}
void operator delete[](void* p, std::align_val_t a, const std::nothrow_t&) noexcept {
  LOCKGRAPH_DELETE(DeleteAlignFn, "_ZdaPvSt11align_val_t", p, a);
}
