// Lock patterns run under ThreadSanitizer's deadlock detector and lockgraph
// at once, to compare what each reports. Every case runs its orders one
// after the other, so nothing hangs. `cases NAME` runs one case.
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <thread>
#include <vector>

#include "lockgraph/mutex.h"

namespace {

template <typename F>
void InThread(F f) {
  std::thread(f).join();
}

// Two locks in opposite orders: a real potential deadlock.
void Abba() {
  lockgraph::Mutex a{"case.a"}, b{"case.b"};
  InThread([&] { std::lock_guard x(a); std::lock_guard y(b); });
  InThread([&] { std::lock_guard y(b); std::lock_guard x(a); });
}

// a -> b, b -> c, c -> a across three threads: real.
void Cycle3() {
  lockgraph::Mutex a{"case.a"}, b{"case.b"}, c{"case.c"};
  InThread([&] { std::lock_guard x(a); std::lock_guard y(b); });
  InThread([&] { std::lock_guard x(b); std::lock_guard y(c); });
  InThread([&] { std::lock_guard x(c); std::lock_guard y(a); });
}

// A ring of ten: real.
void Cycle10() {
  std::vector<std::unique_ptr<lockgraph::Mutex>> m;
  for (int i = 0; i < 10; ++i) m.push_back(std::make_unique<lockgraph::Mutex>("case.ring"));
  for (int i = 0; i < 10; ++i) {
    InThread([&] { std::lock_guard x(*m[i]); std::lock_guard y(*m[(i + 1) % 10]); });
  }
}

// Two locks destroyed and re-created at the same addresses with their roles
// swapped: no two live locks were ever taken in both orders. Not a deadlock.
void AddressReuse() {
  alignas(lockgraph::Mutex) unsigned char storage_x[sizeof(lockgraph::Mutex)];
  alignas(lockgraph::Mutex) unsigned char storage_y[sizeof(lockgraph::Mutex)];
  auto* x = new (storage_x) lockgraph::Mutex("case.first");
  auto* y = new (storage_y) lockgraph::Mutex("case.second");
  InThread([&] { std::lock_guard a(*x); std::lock_guard b(*y); });
  x->~Mutex();
  y->~Mutex();
  y = new (storage_x) lockgraph::Mutex("case.second");
  x = new (storage_y) lockgraph::Mutex("case.first");
  InThread([&] { std::lock_guard a(*x); std::lock_guard b(*y); });
  x->~Mutex();
  y->~Mutex();
}

// Two readers in opposite orders: readers never block readers. Not a deadlock.
void ReadRead() {
  lockgraph::SharedMutex a{"case.a"}, b{"case.b"};
  InThread([&] { std::shared_lock x(a); std::shared_lock y(b); });
  InThread([&] { std::shared_lock y(b); std::shared_lock x(a); });
}

// A writer against a reader in opposite orders: real.
void ReadWrite() {
  lockgraph::SharedMutex a{"case.a"}, b{"case.b"};
  InThread([&] { std::shared_lock x(a); std::unique_lock y(b); });
  InThread([&] { std::unique_lock y(b); std::unique_lock x(a); });
}

// The second order only try_locks: it cannot wait, so it cannot deadlock.
void TryLock() {
  lockgraph::Mutex a{"case.a"}, b{"case.b"};
  InThread([&] { std::lock_guard x(a); std::lock_guard y(b); });
  InThread([&] {
    std::lock_guard y(b);
    if (a.try_lock()) a.unlock();
  });
}

// std::scoped_lock of both, in both argument orders: a group. Not a deadlock.
void ScopedGroup() {
  lockgraph::Mutex a{"case.a"}, b{"case.b"};
  InThread([&] { std::scoped_lock both(a, b); });
  InThread([&] { std::scoped_lock both(b, a); });
}

// 80 locks held at once, then an inversion between the first and the last: real.
void ManyHeld() {
  std::vector<std::unique_ptr<lockgraph::Mutex>> m;
  for (int i = 0; i < 80; ++i) m.push_back(std::make_unique<lockgraph::Mutex>("case.level"));
  InThread([&] {
    for (auto& l : m) l->lock();
    for (auto it = m.rbegin(); it != m.rend(); ++it) (*it)->unlock();
  });
  InThread([&] { std::lock_guard x(*m[79]); std::lock_guard y(*m[0]); });
}

struct Case {
  const char* name;
  void (*run)();
};
constexpr Case kCases[] = {{"abba", Abba},
                           {"cycle3", Cycle3},
                           {"cycle10", Cycle10},
                           {"address_reuse", AddressReuse},
                           {"read_read", ReadRead},
                           {"read_write", ReadWrite},
                           {"trylock", TryLock},
                           {"scoped_group", ScopedGroup},
                           {"many_held", ManyHeld}};

}  // namespace

int main(int argc, char** argv) {
  for (const Case& c : kCases) {
    if (argc == 2 && std::strcmp(argv[1], c.name) == 0) {
      c.run();
      std::printf("case %s: done\n", c.name);
      return 0;
    }
  }
  std::fprintf(stderr, "usage: cases NAME; names:");
  for (const Case& c : kCases) std::fprintf(stderr, " %s", c.name);
  std::fprintf(stderr, "\n");
  return 2;
}
