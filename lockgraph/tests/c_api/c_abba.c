/* A C program using lockgraph's C API around its own locks (a spinlock and a
 * pthread mutex): it takes them in both orders, one thread after the other,
 * so it never hangs; lockgraph must report the cycle with this file's lines.
 * Also: a failed try-lock and a timed-out lock leave nothing held, and the
 * assertions see what is held. Exit status 0 when every check passed. */
#define _POSIX_C_SOURCE 200809L /* pthread_mutex_timedlock, clock_gettime */

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

#include "lockgraph/lockgraph.h"

static atomic_flag spin = ATOMIC_FLAG_INIT;
static pthread_mutex_t table = PTHREAD_MUTEX_INITIALIZER;
static lockgraph_lock* spin_h;
static lockgraph_lock* table_h;

static void spin_lock(void) {
  lockgraph_lock_before_lock(spin_h, LOCKGRAPH_EXCLUSIVE, 0);
  while (atomic_flag_test_and_set_explicit(&spin, memory_order_acquire)) {
  }
  lockgraph_lock_after_lock(spin_h, LOCKGRAPH_EXCLUSIVE, 0);
}
static void spin_unlock(void) {
  atomic_flag_clear_explicit(&spin, memory_order_release);
  lockgraph_lock_after_unlock(spin_h, LOCKGRAPH_EXCLUSIVE);
}
static void table_lock(void) {
  lockgraph_lock_before_lock(table_h, LOCKGRAPH_EXCLUSIVE, 0);
  pthread_mutex_lock(&table);
  lockgraph_lock_after_lock(table_h, LOCKGRAPH_EXCLUSIVE, 0);
}
static void table_unlock(void) {
  pthread_mutex_unlock(&table);
  lockgraph_lock_after_unlock(table_h, LOCKGRAPH_EXCLUSIVE);
}

static void* spin_then_table(void* arg) {
  (void)arg;
  spin_lock();
  table_lock();
  lockgraph_lock_assert_held(table_h, LOCKGRAPH_EXCLUSIVE);
  table_unlock();
  spin_unlock();
  return NULL;
}
static void* table_then_spin(void* arg) {
  (void)arg;
  table_lock();
  spin_lock();
  spin_unlock();
  table_unlock();
  return NULL;
}

int main(void) {
  spin_h = lockgraph_lock_create("c.spin", 0);
  table_h = lockgraph_lock_create("c.table", 0);
  pthread_t t;
  pthread_create(&t, NULL, spin_then_table, NULL);
  pthread_join(t, NULL);
  pthread_create(&t, NULL, table_then_spin, NULL);
  pthread_join(t, NULL);

  /* A timed lock that times out, and a failed try-lock, leave nothing held. */
  pthread_mutex_lock(&table); /* untracked: the main thread holds it natively */
  lockgraph_lock* other_h = lockgraph_lock_create(NULL, 0);
  struct timespec soon;
  clock_gettime(CLOCK_REALTIME, &soon);
  lockgraph_lock_before_lock(other_h, LOCKGRAPH_EXCLUSIVE, 0);
  int rc = pthread_mutex_timedlock(&table, &soon);
  lockgraph_lock_after_lock(other_h, LOCKGRAPH_EXCLUSIVE, rc == 0 ? 0 : LOCKGRAPH_FAILED);
  lockgraph_lock_before_lock(table_h, LOCKGRAPH_EXCLUSIVE, LOCKGRAPH_TRY);
  rc = pthread_mutex_trylock(&table);
  lockgraph_lock_after_lock(table_h, LOCKGRAPH_EXCLUSIVE,
                            LOCKGRAPH_TRY | (rc == 0 ? 0 : LOCKGRAPH_FAILED));
  pthread_mutex_unlock(&table);
  lockgraph_assert_no_locks_held(); /* must not report */
  lockgraph_lock_assert_not_held(other_h);
  lockgraph_lock_destroy(other_h);
  lockgraph_lock_destroy(spin_h);
  lockgraph_lock_destroy(table_h);
  printf("c_abba: done\n");
  return 0;
}
