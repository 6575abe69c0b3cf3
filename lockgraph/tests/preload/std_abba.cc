// A C++ program using std::mutex, built without lockgraph: the same
// inversion, found through the pthread calls std::mutex makes.
#include <cstdio>
#include <mutex>
#include <thread>

struct Bank {
  std::mutex accounts;
  std::mutex audit;
};

int main() {
  Bank bank;
  std::thread([&] {
    std::lock_guard a(bank.accounts);
    std::lock_guard b(bank.audit);
  }).join();
  std::thread([&] {
    std::lock_guard b(bank.audit);
    std::lock_guard a(bank.accounts);
  }).join();
  std::puts("std_abba: done");
}
