// A program outside this repository that uses the installed package.
#include <lockgraph/mutex.h>

#include <mutex>
#include <thread>

int main() {
  lockgraph::Mutex inbox{"consumer.inbox"}, outbox{"consumer.outbox"};
  std::thread([&] {
    std::lock_guard a(inbox);
    std::lock_guard b(outbox);
  }).join();
  std::thread([&] {
    std::lock_guard b(outbox);
    std::lock_guard a(inbox);
  }).join();
}
