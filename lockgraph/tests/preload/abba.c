/* A plain C program, built without lockgraph, whose two threads take two
 * mutexes in opposite orders, one after the other: no hang, but a potential
 * deadlock that LD_PRELOAD=liblockgraph_preload.so must report. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t first = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t second = PTHREAD_MUTEX_INITIALIZER;

static void* forward(void* arg) {
  pthread_mutex_lock(&first);
  pthread_mutex_lock(&second);
  pthread_mutex_unlock(&second);
  pthread_mutex_unlock(&first);
  return arg;
}

static void* backward(void* arg) {
  pthread_mutex_lock(&second);
  pthread_mutex_lock(&first);
  pthread_mutex_unlock(&first);
  pthread_mutex_unlock(&second);
  return arg;
}

int main(void) {
  pthread_t t;
  pthread_create(&t, NULL, forward, NULL);
  pthread_join(t, NULL);
  pthread_create(&t, NULL, backward, NULL);
  pthread_join(t, NULL);
  puts("abba: done");
  return 0;
}
