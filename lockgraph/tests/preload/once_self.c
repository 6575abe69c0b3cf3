/* pthread_once as a lock. `edges`: the once-routine takes a mutex, so the
 * graph has the order once -> mutex (and nothing is wrong). `self`: the
 * caller holds a mutex that the once-routine takes too, a hang on the first
 * call (the static-initialization deadlock), which the preload library must
 * report before it blocks. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t registry_mu = PTHREAD_MUTEX_INITIALIZER;

static void init_registry(void) {
  pthread_mutex_lock(&registry_mu);
  pthread_mutex_unlock(&registry_mu);
}

int main(int argc, char** argv) {
  const int self = argc > 1 && strcmp(argv[1], "self") == 0;
  alarm(10); /* `self` hangs without lockgraph */
  if (self) pthread_mutex_lock(&registry_mu);
  pthread_once(&init_once, init_registry);
  if (self) pthread_mutex_unlock(&registry_mu);
  puts("once_self: done");
  return 0;
}
