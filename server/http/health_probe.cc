// server/http/health_probe.cc
// -----------------------------------------------------------------------------
// Event-loop round trips for /healthz.
#include "http/health_probe.h"

#include <algorithm>
#include <cstdio>

#include "base/latency_histogram.h"

namespace cacheforge {

HealthProbe::HealthProbe(int loops, std::function<void()> on_complete)
    : loops(loops),
      start_ns(MonotonicNs()),
      latency_ns(std::make_unique<std::atomic<int64_t>[]>(static_cast<size_t>(loops))),
      remaining(loops),
      on_complete(std::move(on_complete)) {
  for (int i = 0; i < loops; ++i) latency_ns[i].store(-1, std::memory_order_relaxed);
}

void HealthProbe::Answer(int loop) {
  latency_ns[loop].store(std::max<int64_t>(MonotonicNs() - start_ns, 0), std::memory_order_relaxed);
  if (remaining.fetch_sub(1, std::memory_order_acq_rel) == 1) on_complete();
}

std::shared_ptr<HealthProbe> StartHealthProbe(Server& server, std::function<void()> on_complete) {
  auto probe = std::make_shared<HealthProbe>(server.loop_count(), std::move(on_complete));
  for (int i = 0; i < server.loop_count(); ++i) {
    server.Post(i, [probe, i] { probe->Answer(i); });
  }
  return probe;
}

std::string HealthJson(const HealthProbe& probe, int64_t bound_ms, bool* healthy) {
  const int64_t waited_ns = MonotonicNs() - probe.start_ns;
  std::string loops_json;
  int64_t worst_ns = 0;
  *healthy = true;
  for (int i = 0; i < probe.loops; ++i) {
    int64_t ns = probe.latency_ns[i].load(std::memory_order_relaxed);
    char item[96];
    if (ns < 0) {
      *healthy = false;
      std::snprintf(item, sizeof(item), "{\"loop\":%d,\"latency_us\":null,\"waited_us\":%.1f}", i,
                    static_cast<double>(waited_ns) / 1e3);
    } else {
      worst_ns = std::max(worst_ns, ns);
      std::snprintf(item, sizeof(item), "{\"loop\":%d,\"latency_us\":%.1f}", i,
                    static_cast<double>(ns) / 1e3);
    }
    if (i > 0) loops_json += ',';
    loops_json += item;
  }
  char head[160];
  if (*healthy) {
    std::snprintf(head, sizeof(head),
                  "{\"status\":\"ok\",\"max_latency_us\":%.1f,\"bound_ms\":%lld,",
                  static_cast<double>(worst_ns) / 1e3, static_cast<long long>(bound_ms));
  } else {
    std::snprintf(head, sizeof(head),
                  "{\"status\":\"unhealthy\",\"error\":\"an event loop did not answer within "
                  "%lld ms\",\"bound_ms\":%lld,",
                  static_cast<long long>(bound_ms), static_cast<long long>(bound_ms));
  }
  return std::string(head) + "\"loops\":[" + loops_json + "]}\n";
}

}  // namespace cacheforge
