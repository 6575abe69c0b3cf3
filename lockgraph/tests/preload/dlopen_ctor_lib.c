/* Loaded by dlopen_ctor.c: its constructor runs under the dynamic loader's
 * lock and takes a mutex of the program's. */
#include <pthread.h>

extern pthread_mutex_t program_mu;
extern void constructor_started(void);

__attribute__((constructor)) static void init(void) {
  constructor_started();
  pthread_mutex_lock(&program_mu);
  pthread_mutex_unlock(&program_mu);
}
