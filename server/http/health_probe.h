// server/http/health_probe.h
// -----------------------------------------------------------------------------
// One /healthz check: a task posted to every event loop records how long the
// loop took to run it, so a loop blocked by a slow command or a stuck lock
// shows up as a number (or as "no answer" past the bound), not as a hung
// health check.
//
// Thread safety: the loops' tasks write `latency_ns` entries and count down
// `remaining` (atomics); the metrics thread reads them. The last task to
// answer wakes the metrics thread through the shared Notifier, which stays
// valid for as long as any task still holds the probe.
#ifndef CACHEFORGE_HTTP_HEALTH_PROBE_H_
#define CACHEFORGE_HTTP_HEALTH_PROBE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

namespace cacheforge {

// An eventfd that wakes the metrics thread.
class Notifier {
 public:
  Notifier();
  ~Notifier();
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;
  int fd() const { return fd_; }
  void Notify();
  void Drain();  // clears the count (metrics thread)

 private:
  int fd_;
};

struct HealthProbe {
  HealthProbe(int loops, std::shared_ptr<Notifier> notifier);

  // Runs on loop `loop`: records the round trip, wakes the metrics thread
  // when every loop has answered.
  void Answer(int loop);
  bool complete() const { return remaining.load(std::memory_order_acquire) == 0; }

  const int loops;
  const int64_t start_ns;                              // when the tasks were posted (MonotonicNs)
  std::unique_ptr<std::atomic<int64_t>[]> latency_ns;  // -1: no answer yet
  std::atomic<int> remaining;
  const std::shared_ptr<Notifier> notifier;
};

// The /healthz body: JSON with every loop's round trip in microseconds (null
// for a loop that has not answered, with how long it has been waited for),
// the bound, and the status. `healthy` is set to whether every loop answered.
std::string HealthJson(const HealthProbe& probe, int64_t bound_ms, bool* healthy);

}  // namespace cacheforge

#endif  // CACHEFORGE_HTTP_HEALTH_PROBE_H_
