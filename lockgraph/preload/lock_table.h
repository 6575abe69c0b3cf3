// The detector's state for every pthread lock object a program uses, found by
// the object's address.
//
// Every interposed lock and unlock looks its lock up here, so lookups take no
// lock and never allocate: one open-addressed table of (address, state)
// slots, reserved with mmap at first use (pages cost memory as they are
// touched), probed linearly. A slot, once given to an address, keeps it;
// destroying the lock only empties the slot's state, and the next lock made
// at that address reuses the slot and its LockState object as a new lock (a
// new graph node), so programs that create and destroy locks in a loop use
// bounded memory. When the table is 3/4 full, new locks go untracked, and
// lockgraph says so once.
#ifndef LOCKGRAPH_PRELOAD_LOCK_TABLE_H_
#define LOCKGRAPH_PRELOAD_LOCK_TABLE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "lockgraph/internal/lock_state.h"

namespace lockgraph::preload {

class LockTable {
 public:
  static constexpr size_t kSlotBits = 21;  // 2M slots, 48 MiB of address space

  // Lookup only; nullptr if the table cannot be reserved.
  static LockTable* Get();

  // The state of the lock at `address`; nullptr if never seen, destroyed,
  // or still being set up by another thread.
  internal::LockState* Find(const void* address) const {
    const Slot* slot = FindSlot(reinterpret_cast<uintptr_t>(address));
    return slot == nullptr ? nullptr : slot->state.load(std::memory_order_acquire);
  }

  // The state of the lock at `address`, made on first sight by
  // `init(LockState* reused_or_null) -> LockState*`: given the state a
  // destroyed lock at this address left behind (to re-initialize and
  // return), or null (to allocate one). `init` runs without any table lock
  // and may run in two threads at once for one address; one result wins.
  // nullptr when the table is full or `init` failed.
  template <typename Init>
  internal::LockState* FindOrInsert(const void* address, Init init);

  // The lock at `address` is being destroyed: its state, taken out of the
  // table (nullptr if none).
  internal::LockState* Forget(const void* address);

  size_t size() const { return used_.load(std::memory_order_relaxed); }

 private:
  struct Slot {
    std::atomic<uintptr_t> key;
    std::atomic<internal::LockState*> state;
    std::atomic<internal::LockState*> spare;  // left by a destroyed lock, reused
  };
  static constexpr size_t kSlots = size_t{1} << kSlotBits;
  static constexpr size_t kMaxUsed = kSlots / 4 * 3;
  static constexpr size_t kMaxProbes = 512;

  explicit LockTable(Slot* slots) : slots_(slots) {}
  static size_t Home(uintptr_t key) {
    return static_cast<size_t>(((key >> 3) * 0x9E3779B97F4A7C15ull) >> (64 - kSlotBits));
  }
  const Slot* FindSlot(uintptr_t key) const;
  // The slot of `key`, claimed if new; nullptr when full.
  Slot* ClaimSlot(uintptr_t key);
  void SayFull();

  Slot* const slots_;
  std::atomic<size_t> used_{0};
  std::atomic<bool> said_full_{false};
};

template <typename Init>
internal::LockState* LockTable::FindOrInsert(const void* address, Init init) {
  Slot* slot = ClaimSlot(reinterpret_cast<uintptr_t>(address));
  if (slot == nullptr) return nullptr;
  if (internal::LockState* s = slot->state.load(std::memory_order_acquire)) return s;
  internal::LockState* spare = slot->spare.exchange(nullptr, std::memory_order_acq_rel);
  internal::LockState* made = init(spare);
  if (made == nullptr) return nullptr;
  internal::LockState* expected = nullptr;
  if (slot->state.compare_exchange_strong(expected, made, std::memory_order_acq_rel)) return made;
  // Another thread set this address up first; keep ours for the next reuse.
  internal::LockState* none = nullptr;
  slot->spare.compare_exchange_strong(none, made, std::memory_order_acq_rel);
  return expected;
}

}  // namespace lockgraph::preload

#endif  // LOCKGRAPH_PRELOAD_LOCK_TABLE_H_
