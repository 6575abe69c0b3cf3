/* lockgraph/lockgraph.h
 * -----------------------------------------------------------------------------
 * The C API: lockgraph's checks for any lock, from C or from code whose lock
 * operations cannot be wrapped in a C++ type. Each lock gets a handle; the
 * program calls the hooks around its own acquisitions and releases, the same
 * hooks lockgraph::Mutex calls, at the same cost:
 *
 *   lockgraph_lock* h = lockgraph_lock_create("engine.table", 0);
 *   lockgraph_lock_before_lock(h, LOCKGRAPH_EXCLUSIVE, 0);
 *   spin_lock(&table_lock);
 *   lockgraph_lock_after_lock(h, LOCKGRAPH_EXCLUSIVE, 0);
 *   ...
 *   spin_unlock(&table_lock);
 *   lockgraph_lock_after_unlock(h, LOCKGRAPH_EXCLUSIVE);
 *   lockgraph_lock_destroy(h);
 *
 * Contract:
 *   before_lock  before a blocking acquisition (flags 0): checks and records
 *                the order from every lock this thread holds; the lock counts
 *                as held from here on. Before a try-lock (LOCKGRAPH_TRY):
 *                nothing.
 *   after_lock   after the acquisition. With LOCKGRAPH_TRY, a try-lock that
 *                succeeded: held, no order into it. With LOCKGRAPH_FAILED, the
 *                acquisition did not happen (a timed lock that timed out, a
 *                try-lock that failed): what before_lock recorded is undone.
 *   after_unlock after the real release.
 * A lock's class is its name (copied), or "file:line" of the create call when
 * the name is NULL. Reports, options and assertions are those of the C++ API
 * (LOCKGRAPH_OPTIONS, see the user guide). Thread safety: every function may
 * be called from any thread; a handle is destroyed once, when no thread holds
 * its lock.
 *
 * Compiled with LOCKGRAPH_DISABLE every function is an empty inline and
 * nothing needs linking.
 */
#ifndef LOCKGRAPH_LOCKGRAPH_H_
#define LOCKGRAPH_LOCKGRAPH_H_

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lockgraph_lock lockgraph_lock;

/* Modes. */
#define LOCKGRAPH_EXCLUSIVE 0
#define LOCKGRAPH_SHARED 1

/* lockgraph_lock_create flags. */
#define LOCKGRAPH_RECURSIVE 0x1u /* re-entry by the holder is legal and adds nothing */
#define LOCKGRAPH_UNTRACKED 0x2u /* opted out of the checks */

/* before_lock / after_lock flags. */
#define LOCKGRAPH_TRY 0x1u    /* a try-lock: cannot wait, so no order leads into it */
#define LOCKGRAPH_FAILED 0x2u /* after_lock: the acquisition did not happen */

#ifndef LOCKGRAPH_DISABLE

lockgraph_lock* lockgraph_lock_create_at(const char* name, unsigned flags, const char* file,
                                         unsigned line, const char* function);
#define lockgraph_lock_create(name, flags) \
  lockgraph_lock_create_at((name), (flags), __FILE__, __LINE__, __func__)
void lockgraph_lock_destroy(lockgraph_lock* lock);

void lockgraph_lock_before_lock(lockgraph_lock* lock, int mode, unsigned flags);
void lockgraph_lock_after_lock(lockgraph_lock* lock, int mode, unsigned flags);
void lockgraph_lock_after_unlock(lockgraph_lock* lock, int mode);

/* Held-lock assertions (see the user guide). assert_held with
 * LOCKGRAPH_SHARED: held in either mode. */
void lockgraph_lock_assert_held(const lockgraph_lock* lock, int mode);
void lockgraph_lock_assert_not_held(const lockgraph_lock* lock);
void lockgraph_assert_no_locks_held(void);

/* A call that may block, made between begin and end (block_warn_ms: a lock
 * held across it longer than that is reported). `what` names it in reports
 * and must outlive the call (a string literal). Pass begin's result to end. */
long long lockgraph_blocking_begin(const char* what);
void lockgraph_blocking_end(long long token);

#else /* LOCKGRAPH_DISABLE */

static inline lockgraph_lock* lockgraph_lock_create_at(const char* name, unsigned flags,
                                                       const char* file, unsigned line,
                                                       const char* function) {
  (void)name, (void)flags, (void)file, (void)line, (void)function;
  return (lockgraph_lock*)0;
}
#define lockgraph_lock_create(name, flags) lockgraph_lock_create_at((name), (flags), 0, 0, 0)
static inline void lockgraph_lock_destroy(lockgraph_lock* lock) { (void)lock; }
static inline void lockgraph_lock_before_lock(lockgraph_lock* lock, int mode, unsigned flags) {
  (void)lock, (void)mode, (void)flags;
}
static inline void lockgraph_lock_after_lock(lockgraph_lock* lock, int mode, unsigned flags) {
  (void)lock, (void)mode, (void)flags;
}
static inline void lockgraph_lock_after_unlock(lockgraph_lock* lock, int mode) {
  (void)lock, (void)mode;
}
static inline void lockgraph_lock_assert_held(const lockgraph_lock* lock, int mode) {
  (void)lock, (void)mode;
}
static inline void lockgraph_lock_assert_not_held(const lockgraph_lock* lock) { (void)lock; }
static inline void lockgraph_assert_no_locks_held(void) {}
static inline long long lockgraph_blocking_begin(const char* what) {
  (void)what;
  return 0;
}
static inline void lockgraph_blocking_end(long long token) { (void)token; }

#endif /* LOCKGRAPH_DISABLE */

#ifdef __cplusplus
}
#endif

#endif /* LOCKGRAPH_LOCKGRAPH_H_ */
