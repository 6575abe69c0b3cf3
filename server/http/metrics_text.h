// server/http/metrics_text.h
// -----------------------------------------------------------------------------
// The server's counters in the Prometheus text exposition format (0.0.4),
// served at /metrics: commands and their latency histograms per command,
// clients, connections, memory, expired keys, keyspace hits and misses,
// network bytes, the append-only setting, and lockgraph's report count.
//
// Thread safety: reads only atomics, the config and shard sizes (under each
// shard's lock, one at a time); call it from any thread that holds no shard
// lock.
#ifndef CACHEFORGE_HTTP_METRICS_TEXT_H_
#define CACHEFORGE_HTTP_METRICS_TEXT_H_

#include <string>

#include "base/server.h"

namespace cacheforge {

std::string RenderMetrics(Server& server);

}  // namespace cacheforge

#endif  // CACHEFORGE_HTTP_METRICS_TEXT_H_
