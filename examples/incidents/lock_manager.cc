// Incident 2 replay: a storage service's lock manager. On its thread pool,
// task A takes lock_a then lock_b and task B takes lock_b then lock_a; they ran
// weeks without overlapping, until they did. And a request handler held the
// session lock across a blocking sleep, so every request behind it queued.
//
//   lock_manager            lockgraph reports the lock_a/lock_b inversion
//                           (tasks run one after the other: no hang needed);
//                           with hold_warn_ms/wait_warn_ms set, the waiter
//                           is reported with the holder's current stack —
//                           the sleep — and the long hold at its release
//   lock_manager --fixed    one order for both tasks; the sleep moved out of
//                           the critical section: no report
#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "lockgraph/condition_variable.h"
#include "lockgraph/mutex.h"

namespace {

// A fixed-size pool; Submit returns a future for the task's completion.
class ThreadPool {
 public:
  explicit ThreadPool(int threads) {
    for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { Work(); });
  }
  ~ThreadPool() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (std::thread& w : workers_) w.join();
  }
  std::future<void> Submit(std::function<void()> task) {
    auto packaged = std::make_shared<std::packaged_task<void()>>(std::move(task));
    std::future<void> done = packaged->get_future();
    {
      std::lock_guard lock(mu_);
      queue_.push_back([packaged] { (*packaged)(); });
    }
    cv_.notify_one();
    return done;
  }

 private:
  void Work() {
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
        if (queue_.empty()) return;
        task = std::move(queue_.front());
        queue_.pop_front();
      }
      task();
    }
  }

  lockgraph::Mutex mu_{"pool.queue"};
  lockgraph::ConditionVariable cv_;
  std::deque<std::function<void()>> queue_;
  bool stop_ = false;
  std::vector<std::thread> workers_;
};

struct LockManager {
  lockgraph::Mutex lock_a{"lockmgr.lock_a"};
  lockgraph::Mutex lock_b{"lockmgr.lock_b"};
  lockgraph::Mutex session{"lockmgr.session"};
  int a = 0, b = 0, requests = 0;
};

bool fixed = false;

__attribute__((noinline)) void TaskA(LockManager& m) {
  std::lock_guard first(m.lock_a);
  std::lock_guard second(m.lock_b);
  ++m.a;
  ++m.b;
}

__attribute__((noinline)) void TaskB(LockManager& m) {
  if (fixed) {
    std::lock_guard first(m.lock_a);
    std::lock_guard second(m.lock_b);
    --m.a;
    --m.b;
    return;
  }
  std::lock_guard first(m.lock_b);
  std::lock_guard second(m.lock_a);
  --m.a;
  --m.b;
}

// The blocking call inside an async handler (a synchronous retry back-off).
__attribute__((noinline)) void BlockingSleepInHandler() {
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
}

__attribute__((noinline)) void HandleSlowRequest(LockManager& m) {
  if (fixed) {
    BlockingSleepInHandler();  // outside the critical section
    std::lock_guard lock(m.session);
    ++m.requests;
    return;
  }
  std::lock_guard lock(m.session);
  BlockingSleepInHandler();
  ++m.requests;
}

__attribute__((noinline)) void HandleRequest(LockManager& m) {
  std::lock_guard lock(m.session);
  ++m.requests;
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--fixed") == 0) {
      fixed = true;
    } else {
      std::fprintf(stderr, "usage: lock_manager [--fixed]\n");
      return 2;
    }
  }
  LockManager m;
  ThreadPool pool(4);
  // Weeks of traffic in which A and B never overlapped.
  pool.Submit([&m] { TaskA(m); }).wait();
  pool.Submit([&m] { TaskB(m); }).wait();
  // The slow handler, and a request that queues behind it.
  std::future<void> slow = pool.Submit([&m] { HandleSlowRequest(m); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::future<void> next = pool.Submit([&m] { HandleRequest(m); });
  slow.wait();
  next.wait();
  std::printf("done: a=%d b=%d requests=%d\n", m.a, m.b, m.requests);
  return 0;
}
