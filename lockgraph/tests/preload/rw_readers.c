/* Two pairs of rwlocks, each read-locked in both orders by two threads one
 * after the other. glibc's default rwlocks let a reader in while a writer
 * waits, so the default pair is no deadlock; the pair made with
 * PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP queues readers behind a
 * waiting writer, so a third thread's wrlock between the two readers
 * deadlocks them: lockgraph reports that pair only. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>

static pthread_rwlock_t plain_a = PTHREAD_RWLOCK_INITIALIZER;
static pthread_rwlock_t plain_b = PTHREAD_RWLOCK_INITIALIZER;
static pthread_rwlock_t queued_a;
static pthread_rwlock_t queued_b;

static pthread_rwlock_t* first;
static pthread_rwlock_t* second;

static void* read_both(void* arg) {
  pthread_rwlock_rdlock(first);
  pthread_rwlock_rdlock(second);
  pthread_rwlock_unlock(second);
  pthread_rwlock_unlock(first);
  return arg;
}

static void both_orders(pthread_rwlock_t* a, pthread_rwlock_t* b) {
  pthread_t t;
  first = a, second = b;
  pthread_create(&t, NULL, read_both, NULL);
  pthread_join(t, NULL);
  first = b, second = a;
  pthread_create(&t, NULL, read_both, NULL);
  pthread_join(t, NULL);
}

int main(void) {
  pthread_rwlockattr_t attr;
  pthread_rwlockattr_init(&attr);
  pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
  pthread_rwlock_init(&queued_a, &attr);
  pthread_rwlock_init(&queued_b, &attr);
  both_orders(&plain_a, &plain_b);
  both_orders(&queued_a, &queued_b);
  puts("rw_readers: done");
  return 0;
}
