/* A worker thread holds a mutex while the main thread forks; the child then
 * locks that mutex. No thread in the child will ever release it (the holder
 * was not copied), so the child hangs forever: the pattern behind servers that
 * fork for snapshots. Under the preload library the child is told so before
 * it blocks (and, with mode=abort, aborts instead of hanging). The parent
 * prints how the child ended. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t held_by_worker = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t ready_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready_cv = PTHREAD_COND_INITIALIZER;
static int ready = 0;

static void* worker(void* arg) {
  pthread_mutex_lock(&held_by_worker);
  pthread_mutex_lock(&ready_mu);
  ready = 1;
  pthread_cond_signal(&ready_cv);
  pthread_mutex_unlock(&ready_mu);
  sleep(3); /* holds it across the fork below */
  pthread_mutex_unlock(&held_by_worker);
  return arg;
}

int main(void) {
  pthread_t t;
  pthread_create(&t, NULL, worker, NULL);
  pthread_mutex_lock(&ready_mu);
  while (!ready) pthread_cond_wait(&ready_cv, &ready_mu);
  pthread_mutex_unlock(&ready_mu);
  const pid_t child = fork();
  if (child == 0) {
    alarm(10); /* without lockgraph the lock below never returns */
    pthread_mutex_lock(&held_by_worker);
    puts("fork_held: child got the lock");
    _exit(0);
  }
  int status = 0;
  waitpid(child, &status, 0);
  if (WIFSIGNALED(status)) {
    printf("fork_held: child killed by signal %d\n", WTERMSIG(status));
  } else {
    printf("fork_held: child exited %d\n", WEXITSTATUS(status));
  }
  pthread_join(t, NULL);
  return 0;
}
