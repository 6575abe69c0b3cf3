// lockgraph/internal/thread_state.h
// -----------------------------------------------------------------------------
// Per-thread detector state: the held-lock stack and the cache of lock chains
// this thread has already checked. Visible in a header only so that the
// wrappers' fast path can be inlined; not part of the public API.
//
// Only the owning thread touches the held-lock stack and the chain cache, so
// they are plain memory. The fields under "published" are atomics: the
// watchdog thread reads them to build the live wait-for graph. The chain key of a held-stack entry
// hashes the ids and modes of every lock below and including it (Linux lockdep's chain key): a hit
// in `chain_cache` for "held stack + new lock" means every edge into the new lock is known, so the
// acquisition needs no global state at all.
#ifndef LOCKGRAPH_INTERNAL_THREAD_STATE_H_
#define LOCKGRAPH_INTERNAL_THREAD_STATE_H_

#include <atomic>
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
  // Taken inside a PrivateScope naming it: no order edge leads out of it.
  // (Beside by_try, in what was padding: the entry stays 32 bytes.)
  bool private_hold;
  // Spelled out so an entry's middle word is written with one store (GCC
  // will not merge the stores around a padding byte).
  uint8_t unused = 0;
  // Timing mode only (hold_warn_ms / profile): when it was taken.
  int64_t acquired_ns;
};
static_assert(sizeof(HeldLock) == 32, "the held stack's entries are read on every acquisition");

// Frames kept of where each held lock was taken, with hold_warn_ms.
inline constexpr uint32_t kAcquireFrames = 12;

// What the lock being waited for is, natively: tells the watchdog where glibc
// records its owner (pthread_mutex_t::__owner, pthread_rwlock_t::__cur_writer).
enum class NativeKind : uint8_t { kNone = 0, kMutex = 1, kRwlock = 2 };

inline constexpr uint32_t kMaxSampledFrames = 64;
inline constexpr uint32_t kMaxSampledHeld = 32;

// A thread's state captured by itself in a signal handler, on request of the
// watchdog: its current stack and the locks it holds.
struct ThreadSample {
  std::atomic<uint32_t> request{0};  // sequence number asked for by the watchdog
  std::atomic<uint32_t> done{0};     // sequence number answered (release)
  uint32_t frames = 0;
  uintptr_t pcs[kMaxSampledFrames];
  uint32_t held = 0;
  LockState* held_locks[kMaxSampledHeld];
  AccessMode held_modes[kMaxSampledHeld];
};

inline constexpr uint32_t kInlineHeld = 48;
inline constexpr uint32_t kChainCacheBits = 10;
inline constexpr uint64_t kChainCacheMask = (uint64_t{1} << kChainCacheBits) - 1;

// Bits of ThreadState::bypass.
inline constexpr uint32_t kBypassBusyOne = 1;  // count in the low 16 bits
inline constexpr uint32_t kBypassBusyMask = 0xFFFF;
inline constexpr uint32_t kBypassTimed = 1u << 16;  // time every hold (slow path)
// A PrivateScope is open on this thread: every acquisition takes the slow
// path, which leaves the private locks out of the graph.
inline constexpr uint32_t kBypassPrivate = 1u << 17;
inline constexpr uint32_t kMaxPrivateLocks = 8;

struct ThreadState {
  uint32_t depth = 0;
  uint32_t capacity = kInlineHeld;
  // The fast paths run only while this is 0. The low 16 bits count how deep
  // this thread is in detector code or a report callback (lock operations
  // then pass straight through, so the detector never recurses into itself),
  // or are set for good when the detector is off. kBypassTimed sends every
  // acquisition and release through the slow path to time holds; another
  // thread sets or clears it when the options change, hence the atomic.
  std::atomic<uint32_t> bypass{0};
  int tid = 0;
  uint32_t thread_tag = UINT32_MAX;  // detector's id for (tid, name); refreshed with new stacks
  HeldLock* held = inline_held;
  // Locks named by this thread's open PrivateScopes (kBypassPrivate set
  // while any is open).
  const LockState* private_locks[kMaxPrivateLocks] = {};
  uint32_t private_count = 0;
  uint64_t chain_cache[uint64_t{1} << kChainCacheBits] = {};
  HeldLock inline_held[kInlineHeld];

  // Published for the watchdog; written only on the contended path.
  std::atomic<LockState*> waiting_for{nullptr};
  std::atomic<const void*> waiting_native{nullptr};
  std::atomic<NativeKind> waiting_kind{NativeKind::kNone};
  std::atomic<AccessMode> waiting_mode{};
  std::atomic<uint64_t> wait_seq{0};  // which wait this is (the watchdog times it)
  // With block_warn_ms, while this thread is in a blocking call holding a
  // lock: the call's name, when it started, the return address into its
  // caller, and which blocking call this is. `block_reported` is the last
  // block_seq the watchdog reported while it lasted (not again at return).
  std::atomic<const char*> blocked_in{nullptr};
  std::atomic<int64_t> blocked_since_ns{0};
  std::atomic<uintptr_t> blocked_caller{0};
  std::atomic<uint64_t> block_seq{0};
  std::atomic<uint64_t> block_reported{0};
  // The innermost lock held at the call's start, as reports name it (its
  // name, or its construction site), and how many were held: the watchdog
  // can name them without touching the lock, and without the thread's answer
  // to a sampling signal (a thread in an uninterruptible call never answers).
  std::atomic<const char*> blocked_lock_name{nullptr};
  std::atomic<const char*> blocked_lock_file{nullptr};
  std::atomic<uint32_t> blocked_lock_line{0};
  std::atomic<uint32_t> blocked_depth{0};
  ThreadSample sample;
  // With hold_warn_ms: where held[i] was taken, for i < kInlineHeld
  // (acquire_stacks[i][0] == 0: not recorded). Moves with the held stack.
  uintptr_t acquire_stacks[kInlineHeld][kAcquireFrames];
  ThreadState* registry_next = nullptr;  // guarded by the thread registry's lock
  ThreadState* registry_prev = nullptr;
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
