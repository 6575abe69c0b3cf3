// lockgraph/internal/thread_state.h
// -----------------------------------------------------------------------------
// Per-thread detector state: the held-lock stack and the cache of lock chains
// this thread has already checked. Visible in a header only so that the
// wrappers' fast path can be inlined; not part of the public API.
//
// Only the owning thread touches a ThreadState, so nothing here is atomic. The
// chain key of a held-stack entry hashes the ids and modes of every lock below
// and including it (Linux lockdep's chain key): a hit in `chain_cache` for
// "held stack + new lock" means every edge into the new lock is known, so the
// acquisition needs no global state at all.
#ifndef LOCKGRAPH_INTERNAL_THREAD_STATE_H_
#define LOCKGRAPH_INTERNAL_THREAD_STATE_H_

#include <cstdint>

#include "lockgraph/config.h"

namespace lockgraph::internal {

inline namespace LOCKGRAPH_ABI_NAMESPACE {
struct LockState;
enum class AccessMode : uint8_t;
}  // namespace LOCKGRAPH_ABI_NAMESPACE

struct HeldLock {
  LockState* lock;
  uint64_t chain;      // chain key of the held stack up to and including this entry
  uint32_t reentries;  // extra acquisitions of a recursive lock
  AccessMode mode;
  bool by_try;  // taken by try_lock: no edge leads into it
};

inline constexpr uint32_t kInlineHeld = 48;
inline constexpr uint32_t kChainCacheBits = 10;
inline constexpr uint64_t kChainCacheMask = (uint64_t{1} << kChainCacheBits) - 1;

struct ThreadState {
  uint32_t depth = 0;
  uint32_t capacity = kInlineHeld;
  // Non-zero while this thread runs detector code (or a report callback), or
  // for good when the detector is off: lock operations then pass straight
  // through, so the detector never recurses into itself.
  uint32_t busy = 0;
  int tid = 0;
  uint32_t thread_tag = UINT32_MAX;  // detector's id for (tid, name); refreshed with new stacks
  HeldLock* held = inline_held;
  uint64_t chain_cache[uint64_t{1} << kChainCacheBits] = {};
  HeldLock inline_held[kInlineHeld];
};

// The chain key of `prev` extended by one lock. Never 0 (an empty cache slot).
// A chain through a lock without a graph node yet (node id 0) is never put in
// the cache, so it always misses and takes the slow path, which assigns nodes.
inline uint64_t MixChain(uint64_t prev, uint64_t node, AccessMode mode) {
  uint64_t h = (prev ^ (node << 1 | static_cast<uint64_t>(mode))) * 0x9E3779B97F4A7C15ull;
  return (h ^ (h >> 32)) | 1;
}
inline constexpr uint64_t kChainSeed = 0x6C6F636B67726170ull;  // any non-zero value

}  // namespace lockgraph::internal

#endif  // LOCKGRAPH_INTERNAL_THREAD_STATE_H_
