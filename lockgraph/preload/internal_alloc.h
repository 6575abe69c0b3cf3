// The preload library's own heap: every allocation lockgraph makes while it
// handles an interposed call comes from here, never from the program's
// allocator.
//
// Why: the program's allocator may itself be a lock user. jemalloc takes a
// pthread mutex inside malloc; lockgraph interposes that mutex; if handling
// the interposed call allocated through jemalloc again, the thread would wait
// for the mutex it is in the middle of taking. So lockgraph's memory comes
// from one region reserved with mmap at first use (address space only; pages
// are touched as they are used), carved into size classes with a free list
// each, behind one futex lock that is only ever taken innermost.
//
// Allocate() never calls malloc, never takes a lock the program can hold and
// is safe before main, in a forked child (after fork_gate's preparation) and
// with signals blocked. Free() accepts only pointers Contains() says are ours.
#ifndef LOCKGRAPH_PRELOAD_INTERNAL_ALLOC_H_
#define LOCKGRAPH_PRELOAD_INTERNAL_ALLOC_H_

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace lockgraph::preload {

class InternalAlloc {
 public:
  // nullptr when the region is exhausted (said once on stderr).
  static void* Allocate(size_t size, size_t alignment = 16);
  // Allocate(), zero-filled. Cheap for large blocks: fresh ones come from
  // never-touched pages, which are zero already (only reused blocks are
  // cleared), so a big table costs memory only as it fills.
  static void* AllocateZeroed(size_t size);
  static void Free(void* p);
  // The usable size of a block of ours.
  static size_t UsableSize(const void* p);
  static bool Contains(const void* p) {
    const uintptr_t size = region_size_.load(std::memory_order_acquire);  // 0 until reserved
    return reinterpret_cast<uintptr_t>(p) - region_begin_.load(std::memory_order_relaxed) < size;
  }
  // Bytes handed out and not freed (for the tests and the stats).
  static size_t BytesInUse();

  // fork(): the forking thread holds the lock across the fork.
  static void LockForFork();
  static void UnlockAfterFork();

 private:
  // Maps the region; called by AllocateBlock under the allocator's lock,
  // which stays private to internal_alloc.cc.
  static bool Reserve(uintptr_t* begin, uintptr_t* end);
  static void* AllocateBlock(size_t size, size_t alignment, bool* fresh);
  // Set once by Reserve() (before any block exists), read without a lock:
  // Contains() must be cheap enough for every free() of the program.
  static std::atomic<uintptr_t> region_begin_;
  static std::atomic<uintptr_t> region_size_;
};

}  // namespace lockgraph::preload

#endif  // LOCKGRAPH_PRELOAD_INTERNAL_ALLOC_H_
