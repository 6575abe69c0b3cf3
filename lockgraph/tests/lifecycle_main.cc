// Locks used at the edges of a program's life: during static initialization,
// in thread_local destructors and pthread key destructors at thread exit, and
// during static destruction after main returns. The detector must work (or
// step aside) in each without crashing or hanging. The static constructor and
// destructor below take two locks in opposite orders, so the inversion is
// found during static destruction; tests/CMakeLists.txt checks the output.
#include <pthread.h>

#include <cstdio>
#include <mutex>
#include <thread>

#include "lockgraph/mutex.h"

namespace {

lockgraph::Mutex g_first{"lifecycle.first"};
lockgraph::Mutex g_second{"lifecycle.second"};

struct StaticUser {
  StaticUser() {
    std::lock_guard a(g_first);
    std::lock_guard b(g_second);
  }
  ~StaticUser() {
    std::lock_guard b(g_second);
    std::lock_guard a(g_first);
    std::fputs("lifecycle: static destructor ran\n", stderr);
  }
};
StaticUser g_static_user;  // constructed before main, destroyed after it

lockgraph::Mutex g_exit_a{"lifecycle.exit_a"};
lockgraph::Mutex g_exit_b{"lifecycle.exit_b"};

struct ThreadExitUser {
  ~ThreadExitUser() {
    std::lock_guard a(g_exit_a);
    std::lock_guard b(g_exit_b);
  }
};

void KeyDestructor(void*) {
  // May run after lockgraph's own thread state is gone: must pass through.
  std::lock_guard a(g_exit_a);
  std::lock_guard b(g_exit_b);
}

}  // namespace

int main() {
  pthread_key_t key;
  pthread_key_create(&key, KeyDestructor);
  for (int i = 0; i < 50; ++i) {
    std::thread([&] {
      thread_local ThreadExitUser user;
      pthread_setspecific(key, &user);
      std::lock_guard a(g_exit_a);
    }).join();
  }
  // A thread that exits while holding a lock leaves it locked; lockgraph's
  // state for it is freed with the thread.
  lockgraph::Mutex left_locked{"lifecycle.left_locked"};
  std::thread([&] { left_locked.lock(); }).join();
  std::puts("lifecycle: main done");
  return 0;
}
