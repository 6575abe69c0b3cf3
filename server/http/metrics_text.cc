// server/http/metrics_text.cc
// -----------------------------------------------------------------------------
// Prometheus text: one HELP and TYPE line per family, then its samples.
#include "http/metrics_text.h"

#include <lockgraph/options.h>

#include <cinttypes>
#include <cstdio>
#include <mutex>
#include <string_view>

#include "commands/command_table.h"
#include "commands/server_family.h"
#include "persist/append_only_file.h"

namespace cacheforge {
namespace {

class MetricsWriter {
 public:
  void Family(const char* name, const char* type, const char* help) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += help;
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
  }
  // `labels` is empty or `key="value",...` without braces.
  void Sample(const std::string& name, const std::string& labels, uint64_t value) {
    SampleText(name, labels, std::to_string(value));
  }
  void Sample(const std::string& name, const std::string& labels, double value) {
    char text[64];
    std::snprintf(text, sizeof(text), "%.9g", value);
    SampleText(name, labels, text);
  }
  void SampleText(const std::string& name, const std::string& labels, std::string_view value) {
    out_ += name;
    if (!labels.empty()) {
      out_ += '{';
      out_ += labels;
      out_ += '}';
    }
    out_ += ' ';
    out_ += value;
    out_ += '\n';
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

// Command names are lowercase letters and '|': safe inside a label value.
std::string CmdLabel(const CommandEntry& entry) { return "cmd=\"" + entry.full_name + "\""; }

// Bucket bounds exported per command: powers of two from 1 us to about 34 s.
// Each is the upper end of a histogram bucket, so the counts are exact.
constexpr int kFirstBoundLog2 = 10;  // 1024 ns
constexpr int kLastBoundLog2 = 35;   // 2^35 ns = 34.4 s

void CommandFamilies(Server& server, MetricsWriter& w) {
  struct Row {
    const CommandEntry* entry;
    CommandTotals totals;
  };
  std::vector<Row> rows;
  for (const auto& entry : CommandTable::Get().all()) {
    Row row{entry.get(), SumCommandOverThreads(server, entry->id)};
    if (row.totals.calls > 0 || row.totals.rejected_calls > 0) rows.push_back(std::move(row));
  }
  w.Family("cacheforge_commands_total", "counter", "Commands run, by command.");
  for (const Row& r : rows) {
    w.Sample("cacheforge_commands_total", CmdLabel(*r.entry), r.totals.calls);
  }
  w.Family("cacheforge_command_errors_total", "counter",
           "Commands that answered with an error, by command.");
  for (const Row& r : rows) {
    w.Sample("cacheforge_command_errors_total", CmdLabel(*r.entry), r.totals.failed_calls);
  }
  w.Family("cacheforge_command_rejected_total", "counter",
           "Commands refused before running (arity, authentication), by command.");
  for (const Row& r : rows) {
    w.Sample("cacheforge_command_rejected_total", CmdLabel(*r.entry), r.totals.rejected_calls);
  }
  w.Family("cacheforge_command_duration_seconds", "histogram",
           "Time spent running each command, from the dispatcher's clock.");
  for (const Row& r : rows) {
    if (r.totals.latency.total == 0) continue;
    const std::string label = CmdLabel(*r.entry);
    for (int b = kFirstBoundLog2; b <= kLastBoundLog2; ++b) {
      uint64_t bound_ns = (uint64_t{1} << b) - 1;
      char le[48];
      std::snprintf(le, sizeof(le), ",le=\"%.9g\"", static_cast<double>(uint64_t{1} << b) / 1e9);
      w.Sample("cacheforge_command_duration_seconds_bucket", label + le,
               r.totals.latency.CountAtMost(bound_ns));
    }
    w.Sample("cacheforge_command_duration_seconds_bucket", label + ",le=\"+Inf\"",
             r.totals.latency.total);
    // The sum has the dispatcher's microsecond resolution (INFO's usec).
    w.Sample("cacheforge_command_duration_seconds_sum", label,
             static_cast<double>(r.totals.usec) / 1e6);
    w.Sample("cacheforge_command_duration_seconds_count", label, r.totals.latency.total);
  }
}

uint64_t KeyCount(Server& server) {
  uint64_t keys = 0;
  for (int d = 0; d < server.databases().count(); ++d) {
    Keyspace& keyspace = server.db(d);
    for (int i = 0; i < keyspace.shard_count(); ++i) {
      lockgraph::MutexLock lock(keyspace.shard(i).mu());
      keys += keyspace.shard(i).SizeLocked();
    }
  }
  return keys;
}

}  // namespace

std::string RenderMetrics(Server& server) {
  MetricsWriter w;
  const int64_t now = NowMs();
  w.Family("cacheforge_uptime_seconds", "gauge", "Seconds since the server started.");
  w.Sample("cacheforge_uptime_seconds", "",
           static_cast<uint64_t>((now - server.start_ms()) / 1000));
  CommandFamilies(server, w);
  w.Family("cacheforge_connected_clients", "gauge", "Clients connected now.");
  w.Sample("cacheforge_connected_clients", "", server.connected_clients.load());
  w.Family("cacheforge_maxclients", "gauge", "The client limit in force (after clamping).");
  w.Sample("cacheforge_maxclients", "", static_cast<uint64_t>(server.config().maxclients()));
  w.Family("cacheforge_connections_received_total", "counter", "Connections accepted.");
  w.Sample("cacheforge_connections_received_total", "", server.connections_received.load());
  w.Family("cacheforge_rejected_connections_total", "counter",
           "Connections refused: maxclients or protected mode.");
  w.Sample("cacheforge_rejected_connections_total", "", server.rejected_connections.load());
  w.Family("cacheforge_used_memory_bytes", "gauge",
           "Memory the allocator has handed out (INFO used_memory).");
  w.Sample("cacheforge_used_memory_bytes", "", server.UsedMemory());
  w.Family("cacheforge_maxmemory_bytes", "gauge", "The maxmemory limit; 0: none.");
  w.Sample("cacheforge_maxmemory_bytes", "", server.config().maxmemory());
  w.Family("cacheforge_evicted_keys_total", "counter", "Keys removed by the maxmemory policy.");
  w.Sample("cacheforge_evicted_keys_total", "", SumOverThreads(server, &ThreadStats::evicted_keys));
  w.Family("cacheforge_keys", "gauge",
           "Keys in the keyspace, expired ones not yet removed included.");
  w.Sample("cacheforge_keys", "", KeyCount(server));
  w.Family("cacheforge_expired_keys_total", "counter", "Keys removed because their TTL passed.");
  w.Sample("cacheforge_expired_keys_total", "", SumOverThreads(server, &ThreadStats::expired_keys));
  w.Family("cacheforge_keyspace_hits_total", "counter", "Key lookups that found the key.");
  w.Sample("cacheforge_keyspace_hits_total", "",
           SumOverThreads(server, &ThreadStats::keyspace_hits));
  w.Family("cacheforge_keyspace_misses_total", "counter", "Key lookups that did not.");
  w.Sample("cacheforge_keyspace_misses_total", "",
           SumOverThreads(server, &ThreadStats::keyspace_misses));
  w.Family("cacheforge_net_input_bytes_total", "counter", "Bytes read from clients.");
  w.Sample("cacheforge_net_input_bytes_total", "",
           SumOverThreads(server, &ThreadStats::net_input_bytes));
  w.Family("cacheforge_net_output_bytes_total", "counter", "Bytes written to clients.");
  w.Sample("cacheforge_net_output_bytes_total", "",
           SumOverThreads(server, &ThreadStats::net_output_bytes));
  AppendOnlyFile::Info aof;
  if (server.aof() != nullptr) aof = server.aof()->GetInfo();
  w.Family("cacheforge_aof_enabled", "gauge", "1 while the append-only file is on.");
  w.Sample("cacheforge_aof_enabled", "", static_cast<uint64_t>(aof.enabled));
  w.Family("cacheforge_aof_rewrite_in_progress", "gauge", "1 while a rewrite child runs.");
  w.Sample("cacheforge_aof_rewrite_in_progress", "",
           static_cast<uint64_t>(aof.rewrite_in_progress));
  w.Family("cacheforge_aof_rewrites_total", "counter", "Completed AOF rewrites.");
  w.Sample("cacheforge_aof_rewrites_total", "", aof.rewrites);
  w.Family("cacheforge_aof_last_write_ok", "gauge", "0 after a failed write to the AOF.");
  w.Sample("cacheforge_aof_last_write_ok", "", static_cast<uint64_t>(aof.last_write_ok));
  w.Family("cacheforge_aof_last_rewrite_ok", "gauge", "0 after a failed AOF rewrite.");
  w.Sample("cacheforge_aof_last_rewrite_ok", "", static_cast<uint64_t>(aof.last_rewrite_ok));
  w.Family("cacheforge_aof_size_bytes", "gauge", "Size of the append-only file.");
  w.Sample("cacheforge_aof_size_bytes", "", aof.current_size);
  const lockgraph::Stats lg = lockgraph::GetStats();
  w.Family("cacheforge_lockgraph_reports_total", "counter",
           "Lock-order problems lockgraph has reported in this process.");
  w.Sample("cacheforge_lockgraph_reports_total", "", lg.reports);
  w.Family("cacheforge_lockgraph_classes", "gauge", "Lock classes lockgraph has seen nested.");
  w.Sample("cacheforge_lockgraph_classes", "", lg.classes);
  return w.Take();
}

}  // namespace cacheforge
