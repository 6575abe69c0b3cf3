#include "internal_alloc.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstring>

#include "internal/raw_mutex.h"

namespace lockgraph::preload {

std::atomic<uintptr_t> InternalAlloc::region_begin_{0};
std::atomic<uintptr_t> InternalAlloc::region_size_{0};

namespace {

using internal::RawLockGuard;
using internal::RawMutex;

// Precedes every block we hand out. `offset`: from the block's start to the
// pointer handed out (16, or more for an over-aligned allocation).
struct Header {
  uint32_t size_class;
  uint32_t magic;
  uint64_t offset;
};
static_assert(sizeof(Header) == 16);
constexpr uint32_t kMagic = 0x6C6B6772;  // "lkgr"

// Block sizes (header included): 16-byte steps up to 128, then four steps
// per doubling, so no block wastes more than a fifth of itself.
constexpr int kClasses = 120;
constexpr size_t kLargeBlock = size_t{1} << 20;  // freed ones give their pages back
constexpr size_t kPage = 4096;

size_t ClassSize(int c) {
  if (c < 7) return size_t{32} + 16 * static_cast<size_t>(c);
  const int p = 7 + (c - 7) / 4;
  const int k = (c - 7) % 4 + 1;
  return (size_t{1} << p) + static_cast<size_t>(k) * (size_t{1} << (p - 2));
}

int ClassOf(size_t n) {
  if (n <= 128) return n <= 32 ? 0 : static_cast<int>((n + 15) / 16) - 2;
  const int p = 63 - __builtin_clzll(n - 1);  // 2^p < n <= 2^(p+1)
  const size_t step = size_t{1} << (p - 2);
  const int k = static_cast<int>((n - (size_t{1} << p) + step - 1) / step);
  return 7 + (p - 7) * 4 + (k - 1);
}

struct FreeBlock {
  FreeBlock* next;
};

RawMutex g_mu;
FreeBlock* g_free[kClasses] LOCKGRAPH_GUARDED_BY(g_mu) = {};
uintptr_t g_bump LOCKGRAPH_GUARDED_BY(g_mu) = 0;
uintptr_t g_end LOCKGRAPH_GUARDED_BY(g_mu) = 0;
size_t g_in_use LOCKGRAPH_GUARDED_BY(g_mu) = 0;
bool g_said_full LOCKGRAPH_GUARDED_BY(g_mu) = false;

void Say(const char* text) {
  const ssize_t n = write(2, text, strlen(text));
  (void)n;
}

}  // namespace

bool InternalAlloc::Reserve(uintptr_t* begin, uintptr_t* end) {
  // Address space only (MAP_NORESERVE): pages cost memory when touched.
  // Smaller sizes for systems with strict overcommit accounting.
  static constexpr size_t kSizes[] = {size_t{64} << 30, size_t{16} << 30, size_t{4} << 30,
                                      size_t{1} << 30, size_t{256} << 20};
  for (size_t size : kSizes) {
    void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) continue;
    *begin = reinterpret_cast<uintptr_t>(p);
    *end = *begin + size;
    region_begin_.store(*begin, std::memory_order_relaxed);
    region_size_.store(size, std::memory_order_release);
    return true;
  }
  return false;
}

void* InternalAlloc::Allocate(size_t size, size_t alignment) {
  bool fresh = false;
  return AllocateBlock(size, alignment, &fresh);
}

void* InternalAlloc::AllocateZeroed(size_t size) {
  bool fresh = false;
  void* p = AllocateBlock(size, 16, &fresh);
  if (p != nullptr && !fresh) std::memset(p, 0, size);
  return p;
}

void* InternalAlloc::AllocateBlock(size_t size, size_t alignment, bool* fresh) {
  if (alignment < 16) alignment = 16;
  if ((alignment & (alignment - 1)) != 0) return nullptr;
  const size_t extra = alignment > 16 ? alignment : 0;
  if (size > (size_t{1} << 36)) return nullptr;
  const size_t need = size + sizeof(Header) + extra;
  const int c = ClassOf(need);
  if (c >= kClasses) return nullptr;
  const size_t block_size = ClassSize(c);
  uintptr_t block = 0;
  {
    RawLockGuard guard(g_mu);
    if (g_end == 0 && !Reserve(&g_bump, &g_end)) {
      if (!g_said_full) Say("lockgraph: note: cannot reserve memory for the detector\n");
      g_said_full = true;
      return nullptr;
    }
    if (FreeBlock* f = g_free[c]) {
      g_free[c] = f->next;
      block = reinterpret_cast<uintptr_t>(f);
    } else {
      // Page-sized and larger blocks start on a page, so their pages can be
      // given back when freed.
      const uintptr_t align = block_size >= kPage ? kPage : 16;
      const uintptr_t start = (g_bump + align - 1) & ~(align - 1);
      if (start + block_size > g_end) {
        if (!g_said_full) {
          Say("lockgraph: note: the detector's memory region is full; new state is dropped\n");
        }
        g_said_full = true;
        return nullptr;
      }
      block = start;
      g_bump = start + block_size;
      *fresh = true;
    }
    g_in_use += block_size;
  }
  uintptr_t user = block + sizeof(Header);
  if (extra != 0) user = (user + alignment - 1) & ~(alignment - 1);
  auto* h = reinterpret_cast<Header*>(user - sizeof(Header));
  h->size_class = static_cast<uint32_t>(c);
  h->magic = kMagic;
  h->offset = user - block;
  return reinterpret_cast<void*>(user);
}

void InternalAlloc::Free(void* p) {
  if (p == nullptr) return;
  const auto user = reinterpret_cast<uintptr_t>(p);
  const auto* h = reinterpret_cast<const Header*>(user - sizeof(Header));
  if (h->magic != kMagic || h->size_class >= kClasses) {
    Say("lockgraph: internal error: free() of a corrupt block of the detector's heap\n");
    return;
  }
  const int c = static_cast<int>(h->size_class);
  const size_t block_size = ClassSize(c);
  const uintptr_t block = user - h->offset;
  if (block_size >= kLargeBlock) {
    // Keep the first page (the free-list link lives there); return the rest.
    const uintptr_t from = block + kPage;
    const uintptr_t to = (block + block_size) & ~(kPage - 1);
    if (to > from) madvise(reinterpret_cast<void*>(from), to - from, MADV_DONTNEED);
  }
  RawLockGuard guard(g_mu);
  auto* f = reinterpret_cast<FreeBlock*>(block);
  f->next = g_free[c];
  g_free[c] = f;
  g_in_use -= block_size;
}

size_t InternalAlloc::UsableSize(const void* p) {
  const auto* h = reinterpret_cast<const Header*>(reinterpret_cast<uintptr_t>(p) - sizeof(Header));
  if (h->magic != kMagic || h->size_class >= kClasses) return 0;
  return ClassSize(static_cast<int>(h->size_class)) - h->offset;
}

size_t InternalAlloc::BytesInUse() {
  RawLockGuard guard(g_mu);
  return g_in_use;
}

// Held across fork(); g_mu is private to this file, so the declarations
// cannot name it.
void InternalAlloc::LockForFork() LOCKGRAPH_NO_THREAD_SAFETY_ANALYSIS { g_mu.lock(); }
void InternalAlloc::UnlockAfterFork() LOCKGRAPH_NO_THREAD_SAFETY_ANALYSIS { g_mu.unlock(); }

}  // namespace lockgraph::preload
