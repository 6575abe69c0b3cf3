// A process built with lockgraph whose two threads really deadlock on two
// named locks, then wait to be inspected (the gdb extension's test fixture).
// It prints "ready" once both threads are blocked and never exits by itself.
#include <barrier>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>

#include "lockgraph/mutex.h"

lockgraph::Mutex g_cache_bucket{"cache.bucket"};
lockgraph::Mutex g_cache_table{"cache.table"};

int main() {
  std::barrier both_hold_one(2);
  std::thread set([&] {
    std::lock_guard bucket(g_cache_bucket);
    both_hold_one.arrive_and_wait();
    std::lock_guard table(g_cache_table);
  });
  std::thread remove([&] {
    std::lock_guard table(g_cache_table);
    both_hold_one.arrive_and_wait();
    std::lock_guard bucket(g_cache_bucket);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  std::puts("ready");
  std::fflush(stdout);
  set.join();
  remove.join();
}
