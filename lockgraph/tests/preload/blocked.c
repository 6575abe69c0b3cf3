/* Blocking calls made while holding a lock, in a program built without
 * lockgraph: a request handler sleeps under the session lock, and a worker
 * waits on a condition variable (its own mutex released) while it still
 * holds the outer lock. Both keep every other thread that wants those locks
 * waiting; with block_warn_ms both are reported. */
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t session = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t outer = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t queue = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready = PTHREAD_COND_INITIALIZER;

__attribute__((noinline)) static void handle_request(void) {
  pthread_mutex_lock(&session);
  usleep(150 * 1000); /* the blocking call under the lock */
  pthread_mutex_unlock(&session);
}

__attribute__((noinline)) static void wait_for_work(void) {
  struct timespec deadline;
  pthread_mutex_lock(&outer);
  pthread_mutex_lock(&queue);
  /* The deadline once both locks are held: on a loaded machine taking them
   * (and recording their stacks) can outlast a deadline set before, and the
   * wait would then not block at all. */
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_nsec += 150 * 1000 * 1000;
  if (deadline.tv_nsec >= 1000000000) {
    deadline.tv_sec += 1;
    deadline.tv_nsec -= 1000000000;
  }
  pthread_cond_timedwait(&ready, &queue, &deadline); /* nobody signals: times out */
  pthread_mutex_unlock(&queue);
  pthread_mutex_unlock(&outer);
}

static void* worker(void* arg) {
  wait_for_work();
  return arg;
}

int main(void) {
  pthread_t t;
  pthread_create(&t, NULL, worker, NULL);
  handle_request();
  pthread_join(t, NULL);
  usleep(1000); /* nothing held: never reported */
  printf("blocked: done\n");
  return 0;
}
