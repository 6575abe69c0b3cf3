/* A timer signal arrives every millisecond while the main thread takes
 * nested locks, meets new locks (heap mutexes made and destroyed), and
 * allocates; the handler takes a lock of its own (not async-signal-safe,
 * but programs do it). Under the preload library the handler may interrupt
 * lockgraph's own work at any point: it must neither deadlock on
 * lockgraph's state nor corrupt it. (The handler does not allocate: malloc
 * interrupted by malloc deadlocks in glibc itself.) */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <unistd.h>

static pthread_mutex_t handler_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t outer_mu = PTHREAD_MUTEX_INITIALIZER;
static volatile sig_atomic_t handled = 0;

static void on_alarm(int sig) {
  (void)sig;
  pthread_mutex_lock(&handler_mu);
  ++handled;
  pthread_mutex_unlock(&handler_mu);
}

int main(void) {
  alarm(60); /* a hang fails the test instead of blocking it */
  struct sigaction sa = {0};
  sa.sa_handler = on_alarm;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGPROF, &sa, NULL);
  struct itimerval every_ms = {{0, 1000}, {0, 1000}};
  setitimer(ITIMER_PROF, &every_ms, NULL);
  long rounds = 0;
  while (handled < 200) { /* alarm() above bounds it */
    pthread_mutex_t* fresh = malloc(sizeof(pthread_mutex_t));
    pthread_mutex_init(fresh, NULL);
    for (int i = 0; i < 50; ++i, ++rounds) {
      pthread_mutex_lock(&outer_mu);
      pthread_mutex_lock(fresh);
      pthread_mutex_unlock(fresh);
      pthread_mutex_unlock(&outer_mu);
    }
    pthread_mutex_destroy(fresh);
    free(fresh);
  }
  struct itimerval off = {{0, 0}, {0, 0}};
  setitimer(ITIMER_PROF, &off, NULL);
  printf("signal_locks: 200 signals handled in %ld lock rounds\n", rounds);
  return 0;
}
