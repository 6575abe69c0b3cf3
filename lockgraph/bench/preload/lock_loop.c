/* The same lock-heavy program for every tool in the preload comparison:
 * each thread takes an outer then an inner mutex (its own pair, plus a
 * shared pair every 64 iterations) ITERATIONS times. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

enum { kThreads = 2 };
static pthread_mutex_t shared_outer = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t shared_inner = PTHREAD_MUTEX_INITIALIZER;
static long iterations = 200000;

struct pair {
  pthread_mutex_t outer, inner;
  long counter;
};

static void* run(void* arg) {
  struct pair* p = arg;
  for (long i = 0; i < iterations; ++i) {
    pthread_mutex_t* outer = (i % 64 == 0) ? &shared_outer : &p->outer;
    pthread_mutex_t* inner = (i % 64 == 0) ? &shared_inner : &p->inner;
    pthread_mutex_lock(outer);
    pthread_mutex_lock(inner);
    ++p->counter;
    pthread_mutex_unlock(inner);
    pthread_mutex_unlock(outer);
  }
  return NULL;
}

int main(int argc, char** argv) {
  if (argc > 1) iterations = atol(argv[1]);
  pthread_t threads[kThreads];
  struct pair pairs[kThreads];
  for (int t = 0; t < kThreads; ++t) {
    pthread_mutex_init(&pairs[t].outer, NULL);
    pthread_mutex_init(&pairs[t].inner, NULL);
    pairs[t].counter = 0;
    pthread_create(&threads[t], NULL, run, &pairs[t]);
  }
  long total = 0;
  for (int t = 0; t < kThreads; ++t) {
    pthread_join(threads[t], NULL);
    total += pairs[t].counter;
  }
  printf("%ld\n", total);
  return total == kThreads * iterations ? 0 : 1;
}
