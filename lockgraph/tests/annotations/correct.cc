// Compiles cleanly under clang -Wthread-safety -Werror: annotated state used
// with the locks held.
#include "lockgraph/mutex.h"

class Counter {
 public:
  void Add(int n) {
    lockgraph::MutexLock<lockgraph::Mutex> lock(mu_);
    value_ += n;
  }
  int Read() {
    lockgraph::ReaderLock lock(table_mu_);
    return table_ + Peek();
  }
  void Bump() LOCKGRAPH_REQUIRES(mu_) { ++value_; }
  void Manual() {
    mu_.lock();
    Bump();
    mu_.unlock();
  }
  // Held by the caller, which the analysis cannot see through a callback:
  // the assertions tell it (and lockgraph checks them at run time).
  void FromCallback() {
    mu_.AssertHeld();
    ++value_;
    table_mu_.AssertReaderHeld();
    (void)Peek();
  }

 private:
  int Peek() LOCKGRAPH_REQUIRES_SHARED(table_mu_) { return table_; }

  lockgraph::Mutex mu_{"annotations.counter"};
  int value_ LOCKGRAPH_GUARDED_BY(mu_) = 0;
  lockgraph::SharedMutex table_mu_{"annotations.table"};
  int table_ LOCKGRAPH_GUARDED_BY(table_mu_) = 0;
};

int main() {
  Counter c;
  c.Add(1);
  c.Manual();
  return c.Read();
}
