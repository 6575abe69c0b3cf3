/* Producer and consumer on a condition variable while an outer lock is held
 * around the wait: waiting releases the mutex and takes it back, so the only
 * order is outer -> queue, and nothing may be reported. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t outer = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t queue = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready = PTHREAD_COND_INITIALIZER;
static int items = 0;

static void* consumer(void* arg) {
  for (int i = 0; i < 1000; ++i) {
    pthread_mutex_lock(&outer);
    pthread_mutex_lock(&queue);
    while (items == 0) pthread_cond_wait(&ready, &queue);
    --items;
    pthread_mutex_unlock(&queue);
    pthread_mutex_unlock(&outer);
  }
  return arg;
}

int main(void) {
  pthread_t t;
  pthread_create(&t, NULL, consumer, NULL);
  for (int i = 0; i < 1000; ++i) {
    pthread_mutex_lock(&queue);
    ++items;
    pthread_cond_signal(&ready);
    pthread_mutex_unlock(&queue);
  }
  pthread_join(t, NULL);
  printf("condvar: done, %d left\n", items);
  return items == 0 ? 0 : 1;
}
