// Two bank transfers lock the two accounts in opposite orders. Run one after
// the other they never hang, yet together they can deadlock: lockgraph reports
// the inversion on this very run, with the stack of each order.
#include <cstdio>
#include <mutex>
#include <thread>

#include "lockgraph/mutex.h"

namespace {

struct Account {
  explicit Account(const char* name) : mu(name) {}
  lockgraph::Mutex mu;
  long balance = 100;
};

void Transfer(Account& from, Account& to, long amount) {
  std::lock_guard debit(from.mu);
  std::lock_guard credit(to.mu);
  from.balance -= amount;
  to.balance += amount;
}

}  // namespace

int main() {
  Account alice("account.alice"), bob("account.bob");
  std::thread([&] { Transfer(alice, bob, 10); }).join();
  std::thread([&] { Transfer(bob, alice, 5); }).join();
  std::printf("transfers done: alice=%ld bob=%ld (no hang this time; see the report above)\n",
              alice.balance, bob.balance);
  const lockgraph::Stats stats = lockgraph::GetStats();
  std::printf("lockgraph: %llu classes, %llu order edges, %llu report(s)\n",
              static_cast<unsigned long long>(stats.classes),
              static_cast<unsigned long long>(stats.class_edges),
              static_cast<unsigned long long>(stats.reports));
  return 0;
}
