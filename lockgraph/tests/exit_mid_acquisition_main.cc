// graph_out at exit from a program whose worker threads are still taking
// locks: main returns while threads make new lock orders (the detector's slow
// path, under its lock) and one waits forever for a lock another holds. The
// graph must still be written whole, and the process must end.
#include <unistd.h>

#include <array>
#include <cstdio>
#include <mutex>
#include <random>
#include <thread>

#include "lockgraph/mutex.h"

namespace {

// Never destroyed: the threads use them until the process is gone.
auto& g_outer = *new lockgraph::Mutex{"exit.outer"};
auto& g_held_forever = *new lockgraph::Mutex{"exit.held_forever"};
auto& g_locks = *new std::array<lockgraph::Mutex, 128>;

void Churn(unsigned seed) {
  std::minstd_rand rng(seed);
  for (;;) {
    size_t a = rng() % g_locks.size(), b = rng() % g_locks.size();
    if (a == b) continue;
    if (a > b) std::swap(a, b);
    std::lock_guard first(g_locks[a]);
    std::lock_guard second(g_locks[b]);
  }
}

}  // namespace

int main() {
  alarm(60);  // a hang fails the test instead of blocking it
  std::thread([] {
    std::lock_guard outer(g_outer);
    g_held_forever.lock();  // never released
    for (;;) pause();
  }).detach();
  std::thread([] {
    usleep(100 * 1000);
    std::lock_guard guard(g_held_forever);  // waits until the process ends
  }).detach();
  for (unsigned i = 0; i < 2; ++i) std::thread(Churn, i + 1).detach();
  usleep(500 * 1000);
  std::puts("exit_mid_acquisition: main returns");
  return 0;
}
