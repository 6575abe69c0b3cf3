// The C API (lockgraph/lockgraph.h): a handle around the same per-lock state
// the C++ wrappers embed, and the same hooks.
#include <cstdlib>
#include <cstring>
#include <new>

#include "lockgraph/internal/lock_state.h"
#include "lockgraph/lockgraph.h"

struct lockgraph_lock {
  lockgraph::internal::LockState state;
  char* name;  // owned copy; null when unnamed
};

namespace {

using lockgraph::internal::AccessMode;
using lockgraph::internal::AssertKind;

AccessMode ModeOf(int mode) {
  return mode == LOCKGRAPH_SHARED ? AccessMode::kShared : AccessMode::kExclusive;
}

}  // namespace

extern "C" {

lockgraph_lock* lockgraph_lock_create_at(const char* name, unsigned flags, const char* file,
                                         unsigned line, const char* function) {
  char* copy = nullptr;
  if (name != nullptr && (copy = strdup(name)) == nullptr) return nullptr;
  void* mem = std::malloc(sizeof(lockgraph_lock));
  if (mem == nullptr) {
    std::free(copy);
    return nullptr;
  }
  lockgraph::LockOptions options;
  options.tracked = (flags & LOCKGRAPH_UNTRACKED) == 0;
  const uint32_t kind =
      (flags & LOCKGRAPH_RECURSIVE) ? uint32_t{lockgraph::internal::kFlagRecursive} : 0u;
  // file and function are the caller's __FILE__ and __func__: static storage.
  auto* lock = new (mem) lockgraph_lock{
      lockgraph::internal::LockState(copy, options, kind, lockgraph::SourceLocation()), copy};
  lock->state.file = file != nullptr ? file : "";
  lock->state.function = function != nullptr ? function : "";
  lock->state.line = line;
  return lock;
}

void lockgraph_lock_destroy(lockgraph_lock* lock) {
  if (lock == nullptr) return;
  lockgraph::internal::OnDestroy(&lock->state);
  std::free(lock->name);
  lock->~lockgraph_lock();
  std::free(lock);
}

void lockgraph_lock_before_lock(lockgraph_lock* lock, int mode, unsigned flags) {
  if (lock == nullptr || (flags & LOCKGRAPH_TRY)) return;
  lockgraph::internal::BeforeLock(&lock->state, ModeOf(mode));
}

void lockgraph_lock_after_lock(lockgraph_lock* lock, int mode, unsigned flags) {
  if (lock == nullptr) return;
  if (flags & LOCKGRAPH_FAILED) {
    // A blocking acquisition that did not happen: before_lock counted it held.
    if (!(flags & LOCKGRAPH_TRY)) lockgraph::internal::AfterUnlock(&lock->state);
    return;
  }
  if (flags & LOCKGRAPH_TRY) lockgraph::internal::AfterTryLock(&lock->state, ModeOf(mode));
}

void lockgraph_lock_after_unlock(lockgraph_lock* lock, int mode) {
  (void)mode;  // a release is found by the lock alone
  if (lock != nullptr) lockgraph::internal::AfterUnlock(&lock->state);
}

void lockgraph_lock_assert_held(const lockgraph_lock* lock, int mode) {
  if (lock == nullptr) return;
  lockgraph::internal::Assert(
      &lock->state, mode == LOCKGRAPH_SHARED ? AssertKind::kReaderHeld : AssertKind::kHeld);
}

void lockgraph_lock_assert_not_held(const lockgraph_lock* lock) {
  if (lock != nullptr) lockgraph::internal::Assert(&lock->state, AssertKind::kNotHeld);
}

void lockgraph_assert_no_locks_held(void) {
  lockgraph::internal::Assert(nullptr, AssertKind::kNoLocksHeld);
}

long long lockgraph_blocking_begin(const char* what) {
  return lockgraph::internal::BeginBlocking(
      what, reinterpret_cast<uintptr_t>(__builtin_return_address(0)));
}

void lockgraph_blocking_end(long long token) { lockgraph::internal::EndBlocking(token); }

}  // extern "C"
