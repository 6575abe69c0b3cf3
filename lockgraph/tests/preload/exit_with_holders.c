/* main() returns while other threads hold locks, wait for locks, and keep
 * making new lock orders. exit() runs graph_out's writer while they run: it
 * must write a graph and the process must end, not hang. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static pthread_mutex_t held_forever = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t pair_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t pair_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t locks[256];

static void* holder(void* arg) {
  pthread_mutex_lock(&pair_a);
  pthread_mutex_lock(&held_forever); /* taken under pair_a: an edge to export */
  pthread_mutex_unlock(&pair_a);
  for (;;) pause();
  return arg;
}

static void* waiter(void* arg) {
  sleep(1);
  pthread_mutex_lock(&pair_b);
  pthread_mutex_lock(&held_forever); /* blocks until the process ends */
  return arg;
}

static void* churner(void* arg) {
  unsigned seed = 7;
  for (;;) { /* new orders all the time: the detector's slow path */
    int a = rand_r(&seed) % 256, b = rand_r(&seed) % 256;
    if (a == b) continue;
    if (a > b) { int t = a; a = b; b = t; }
    pthread_mutex_lock(&locks[a]);
    pthread_mutex_lock(&locks[b]);
    pthread_mutex_unlock(&locks[b]);
    pthread_mutex_unlock(&locks[a]);
  }
  return arg;
}

int main(void) {
  alarm(60);
  for (int i = 0; i < 256; ++i) pthread_mutex_init(&locks[i], NULL);
  pthread_t t;
  pthread_create(&t, NULL, holder, NULL);
  pthread_create(&t, NULL, waiter, NULL);
  pthread_create(&t, NULL, churner, NULL);
  pthread_create(&t, NULL, churner, NULL);
  usleep(1500 * 1000);
  puts("exit_with_holders: main returns");
  return 0;
}
