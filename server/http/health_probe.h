// server/http/health_probe.h
// -----------------------------------------------------------------------------
// One /healthz check: a task posted to every I/O loop records how long the
// loop took to run it, so a loop blocked by a slow command or a stuck lock
// shows up as a number (or as "no answer" past the bound), not as a hung
// health check.
//
// Thread safety: the loops' tasks write `latency_ns` entries and count down
// `remaining` (atomics); the metrics loop reads them. The last task to answer
// calls `on_complete` (from its own thread), which must therefore be callable
// from any thread for as long as an I/O loop may still run one of the tasks.
#ifndef CACHEFORGE_HTTP_HEALTH_PROBE_H_
#define CACHEFORGE_HTTP_HEALTH_PROBE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/server.h"

namespace cacheforge {

struct HealthProbe {
  HealthProbe(int loops, std::function<void()> on_complete);

  // Runs on loop `loop`: records the round trip; the last one calls on_complete.
  void Answer(int loop);
  bool complete() const { return remaining.load(std::memory_order_acquire) == 0; }

  const int loops;
  const int64_t start_ns;                              // when the tasks were posted (MonotonicNs)
  std::unique_ptr<std::atomic<int64_t>[]> latency_ns;  // -1: no answer yet
  std::atomic<int> remaining;
  const std::function<void()> on_complete;
};

// Posts a probe task to every I/O loop of `server` (Server::Post).
std::shared_ptr<HealthProbe> StartHealthProbe(Server& server, std::function<void()> on_complete);

// The /healthz body: JSON with every loop's round trip in microseconds (null
// for a loop that has not answered, with how long it has been waited for),
// the bound, and the status. `healthy` is set to whether every loop answered.
std::string HealthJson(const HealthProbe& probe, int64_t bound_ms, bool* healthy);

}  // namespace cacheforge

#endif  // CACHEFORGE_HTTP_HEALTH_PROBE_H_
