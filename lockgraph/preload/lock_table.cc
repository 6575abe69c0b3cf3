#include "lock_table.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <new>

namespace lockgraph::preload {

using internal::LockState;

namespace {
std::atomic<LockTable*> g_table{nullptr};
}  // namespace

LockTable* LockTable::Get() {
  LockTable* t = g_table.load(std::memory_order_acquire);
  if (__builtin_expect(t != nullptr, 1)) return t;
  // The table object and its slots in one mapping; a thread that loses the
  // race to create it unmaps its own.
  const size_t bytes = sizeof(LockTable) + 64 + kSlots * sizeof(Slot);
  void* mem = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (mem == MAP_FAILED) return nullptr;
  auto* slots = reinterpret_cast<Slot*>(static_cast<char*>(mem) + 64);
  static_assert(sizeof(LockTable) <= 64);
  auto* made = new (mem) LockTable(slots);
  LockTable* expected = nullptr;
  if (!g_table.compare_exchange_strong(expected, made, std::memory_order_acq_rel)) {
    munmap(mem, bytes);
    return expected;
  }
  return made;
}

const LockTable::Slot* LockTable::FindSlot(uintptr_t key) const {
  size_t i = Home(key);
  for (size_t probes = 0; probes < kMaxProbes; ++probes, i = (i + 1) & (kSlots - 1)) {
    const uintptr_t k = slots_[i].key.load(std::memory_order_acquire);
    if (k == key) return &slots_[i];
    if (k == 0) return nullptr;
  }
  return nullptr;
}

LockTable::Slot* LockTable::ClaimSlot(uintptr_t key) {
  size_t i = Home(key);
  for (size_t probes = 0; probes < kMaxProbes; ++probes, i = (i + 1) & (kSlots - 1)) {
    uintptr_t k = slots_[i].key.load(std::memory_order_acquire);
    if (k == key) return &slots_[i];
    if (k != 0) continue;
    if (used_.load(std::memory_order_relaxed) >= kMaxUsed) break;
    if (slots_[i].key.compare_exchange_strong(k, key, std::memory_order_acq_rel)) {
      used_.fetch_add(1, std::memory_order_relaxed);
      return &slots_[i];
    }
    if (k == key) return &slots_[i];  // another thread claimed it for the same lock
  }
  SayFull();
  return nullptr;
}

LockState* LockTable::Forget(const void* address) {
  const Slot* found = FindSlot(reinterpret_cast<uintptr_t>(address));
  if (found == nullptr) return nullptr;
  Slot* slot = const_cast<Slot*>(found);
  LockState* state = slot->state.exchange(nullptr, std::memory_order_acq_rel);
  if (state != nullptr) {
    LockState* none = nullptr;
    slot->spare.compare_exchange_strong(none, state, std::memory_order_acq_rel);
  }
  return state;
}

void LockTable::SayFull() {
  if (said_full_.exchange(true)) return;
  static const char kMessage[] =
      "lockgraph: note: the preload lock table is full; locks at new addresses are not tracked\n";
  const ssize_t n = write(2, kMessage, sizeof(kMessage) - 1);
  (void)n;
}

}  // namespace lockgraph::preload
