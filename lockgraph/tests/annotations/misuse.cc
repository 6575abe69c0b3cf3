// Must NOT compile under clang -Wthread-safety -Werror: guarded state is
// written without its lock. The test checks clang names the missing lock.
#include "lockgraph/mutex.h"

class Counter {
 public:
  void Add(int n) { value_ += n; }

 private:
  lockgraph::Mutex mu_{"annotations.misuse"};
  int value_ LOCKGRAPH_GUARDED_BY(mu_) = 0;
};

int main() {
  Counter c;
  c.Add(1);
}
