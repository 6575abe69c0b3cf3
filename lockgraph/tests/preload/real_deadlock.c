/* Two threads that really deadlock (ABBA with a barrier). Without lockgraph
 * this program hangs forever; with the preload library and
 * on_deadlock=abort the watchdog reports the cycle and aborts. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t both_hold_one;

static void* task_a(void* arg) {
  pthread_mutex_lock(&lock_a);
  pthread_barrier_wait(&both_hold_one);
  pthread_mutex_lock(&lock_b);
  return arg;
}

static void* task_b(void* arg) {
  pthread_mutex_lock(&lock_b);
  pthread_barrier_wait(&both_hold_one);
  pthread_mutex_lock(&lock_a);
  return arg;
}

int main(void) {
  pthread_t a, b;
  pthread_barrier_init(&both_hold_one, NULL, 2);
  pthread_create(&a, NULL, task_a, NULL);
  pthread_create(&b, NULL, task_b, NULL);
  pthread_join(a, NULL);
  pthread_join(b, NULL);
  puts("real_deadlock: not reached");
  return 0;
}
