/* One thread calls dlopen; the library's constructor, which runs while that
 * thread holds the dynamic loader's lock, waits for program_mu. Meanwhile the
 * main thread, holding program_mu, takes another mutex for the first time and
 * only then releases program_mu. The program is fine on its own; a lock
 * checker that asked the loader anything (dladdr) while handling that first
 * lock would wait for the loader's lock, held by a thread waiting for it: a
 * deadlock of the checker's making. */
#include <dlfcn.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <unistd.h>

pthread_mutex_t program_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t first_seen_mu = PTHREAD_MUTEX_INITIALIZER;
static sem_t in_constructor;
static const char* library;

void constructor_started(void) { sem_post(&in_constructor); }

static void* loader(void* arg) {
  void* handle = dlopen(library, RTLD_NOW);
  if (handle == NULL) fprintf(stderr, "dlopen_ctor: %s\n", dlerror());
  return arg;
}

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  library = argv[1];
  alarm(20);
  sem_init(&in_constructor, 0, 0);
  pthread_mutex_lock(&program_mu);
  pthread_t t;
  pthread_create(&t, NULL, loader, NULL);
  sem_wait(&in_constructor);
  usleep(100 * 1000); /* the constructor is now blocked on program_mu */
  pthread_mutex_lock(&first_seen_mu);
  pthread_mutex_unlock(&first_seen_mu);
  pthread_mutex_unlock(&program_mu);
  pthread_join(t, NULL);
  puts("dlopen_ctor: done");
  return 0;
}
