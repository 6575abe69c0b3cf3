/* Threads keep taking nested locks, making new lock orders and allocating,
 * while the main thread forks again and again; each child takes locks of its
 * own and allocates, then exits. Nothing here deadlocks, so under the preload
 * library every fork must return in both processes and every child must
 * exit 0: the detector's own state must be consistent in the child, and no
 * thread may wait on the detector while fork() runs its atfork handlers. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define LOCKS 64
#define FORKS 40

static pthread_mutex_t locks[LOCKS];
static volatile int stop = 0;

/* Always lower index first: no cycle. */
static void* churn(void* arg) {
  unsigned seed = (unsigned)(size_t)arg;
  while (!stop) {
    int a = rand_r(&seed) % LOCKS, b = rand_r(&seed) % LOCKS;
    if (a == b) continue;
    if (a > b) {
      int t = a;
      a = b;
      b = t;
    }
    pthread_mutex_lock(&locks[a]);
    pthread_mutex_lock(&locks[b]);
    free(malloc(64 + (size_t)b));
    pthread_mutex_unlock(&locks[b]);
    pthread_mutex_unlock(&locks[a]);
  }
  return NULL;
}

int main(void) {
  for (int i = 0; i < LOCKS; ++i) pthread_mutex_init(&locks[i], NULL);
  pthread_t threads[3];
  for (int i = 0; i < 3; ++i) pthread_create(&threads[i], NULL, churn, (void*)(size_t)(i + 1));
  int bad = 0;
  for (int n = 0; n < FORKS; ++n) {
    const pid_t child = fork();
    if (child == 0) {
      alarm(20);
      /* The churning threads are gone here; locks they held stay locked,
       * so the child takes only locks of its own. */
      pthread_mutex_t mine[2] = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER};
      pthread_mutex_lock(&mine[0]);
      pthread_mutex_lock(&mine[1]);
      free(malloc(128));
      pthread_mutex_unlock(&mine[1]);
      pthread_mutex_unlock(&mine[0]);
      _exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ++bad;
  }
  stop = 1;
  for (int i = 0; i < 3; ++i) pthread_join(threads[i], NULL);
  printf("fork_stress: %d forks, %d bad children\n", FORKS, bad);
  return bad == 0 ? 0 : 1;
}
