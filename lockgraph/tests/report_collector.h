// Test helper: routes lockgraph reports into a vector for the duration of a
// test, and restores the previous settings afterwards.
#ifndef LOCKGRAPH_TESTS_REPORT_COLLECTOR_H_
#define LOCKGRAPH_TESTS_REPORT_COLLECTOR_H_

#include <chrono>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "lockgraph/mutex.h"

namespace lockgraph::testing {

class ReportCollector {
 public:
  ReportCollector() : saved_(CurrentOptions()) {
    Options o = saved_;
    o.mode = Mode::kCallback;
    o.callback = [this](const Report& r) {
      std::lock_guard<std::mutex> lock(mu_);
      reports_.push_back(r);
    };
    Configure(o);
  }
  ~ReportCollector() { Configure(saved_); }

  std::vector<Report> reports() {
    std::lock_guard<std::mutex> lock(mu_);
    return reports_;
  }
  std::vector<Report> reports(ReportKind kind) {
    std::vector<Report> out;
    for (Report& r : reports()) {
      if (r.kind == kind) out.push_back(std::move(r));
    }
    return out;
  }

 private:
  Options saved_;
  std::mutex mu_;
  std::vector<Report> reports_;
};

// How many lock-order inversions `c` has collected so far.
inline size_t Inversions(ReportCollector& c) {
  return c.reports(ReportKind::kLockOrderInversion).size();
}

// Runs `f` on a new thread and waits for it: orders that run one after the
// other, so a cycle is found without ever hanging.
template <typename F>
void RunInThread(F&& f) {
  std::thread(std::forward<F>(f)).join();
}

// A lock-order inversion that never hangs: a then b on one thread, then b
// then a on another, one after the other. Any two lockable types, taken with
// `Guard` (std::shared_lock for readers).
template <template <typename> class Guard = std::lock_guard, typename A, typename B>
void TakeBothWays(A& a, B& b) {
  RunInThread([&] {
    Guard ga(a);
    Guard gb(b);
  });
  RunInThread([&] {
    Guard gb(b);
    Guard ga(a);
  });
}

// Whether some frame of `stack` is in a function whose name contains `needle`.
inline bool StackMentions(const std::vector<StackFrame>& stack, const std::string& needle) {
  for (const StackFrame& f : stack) {
    if (f.function.find(needle) != std::string::npos) return true;
  }
  return false;
}

// Polls until `done` or a generous limit (10 s) that only catches a hang.
template <typename F>
bool Eventually(F done) {
  for (int i = 0; i < 1000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

}  // namespace lockgraph::testing

#endif  // LOCKGRAPH_TESTS_REPORT_COLLECTOR_H_
