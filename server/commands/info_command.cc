// server/commands/info_command.cc
// -----------------------------------------------------------------------------
// INFO [section ...]: Redis's sections and field names, so monitoring that
// reads Redis reads cacheforge.
#include <lockgraph/mutex.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <set>
#include <string>

#include "commands/command_table.h"
#include "commands/server_family.h"
#include "persist/append_only_file.h"

namespace cacheforge {
namespace {

std::string Human(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "K", "M", "G", "T"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  char buf[32];
  if (unit == 0) {
    std::snprintf(buf, sizeof(buf), "%lluB", static_cast<unsigned long long>(bytes));
  } else {
    std::snprintf(buf, sizeof(buf), "%.2f%s", value, kUnits[unit]);
  }
  return buf;
}

uint64_t RssBytes() {
  std::ifstream statm("/proc/self/statm");
  uint64_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

class InfoWriter {
 public:
  void Section(const char* name) {
    if (!text_.empty()) text_ += "\r\n";
    text_ += "# ";
    text_ += name;
    text_ += "\r\n";
  }
  void Field(const std::string& name, const std::string& value) {
    text_ += name;
    text_ += ':';
    text_ += value;
    text_ += "\r\n";
  }
  void Field(const std::string& name, uint64_t value) { Field(name, std::to_string(value)); }
  void Field(const std::string& name, int64_t value) { Field(name, std::to_string(value)); }
  std::string Take() { return std::move(text_); }

 private:
  std::string text_;
};

void ServerSection(CommandContext& ctx, InfoWriter& w) {
  Server& server = ctx.server;
  utsname name;
  uname(&name);
  int64_t uptime = (ctx.now_ms - server.start_ms()) / 1000;
  w.Section("Server");
  w.Field("redis_version", std::string("7.0.0"));
  w.Field("cacheforge_version", std::string(kVersion));
  w.Field("redis_mode", std::string("standalone"));
  w.Field("os", std::string(name.sysname) + " " + name.release + " " + name.machine);
  w.Field("arch_bits", std::string("64"));
  w.Field("multiplexing_api", std::string("epoll"));
  w.Field("process_id", static_cast<int64_t>(getpid()));
  w.Field("run_id", server.run_id());
  w.Field("tcp_port", static_cast<int64_t>(server.port()));
  w.Field("server_time_usec", NowUs());
  w.Field("uptime_in_seconds", uptime);
  w.Field("uptime_in_days", uptime / 86400);
  w.Field("hz", static_cast<int64_t>(server.config().hz()));
  w.Field("configured_hz", static_cast<int64_t>(server.config().hz()));
  w.Field("io_threads_active", static_cast<int64_t>(server.loop_count() > 1));
  w.Field("server_threads", static_cast<int64_t>(server.loop_count()));
  w.Field("keyspace_shards", static_cast<int64_t>(server.databases().shards_per_db()));
  w.Field("lockgraph", std::string(LOCKGRAPH_ON ? "on" : "off"));
  w.Field("config_file", server.config_file);
}

void ClientsSection(CommandContext& ctx, InfoWriter& w) {
  w.Section("Clients");
  w.Field("connected_clients", ctx.server.connected_clients.load());
  w.Field("maxclients", ctx.server.config().GetInt("maxclients"));
  w.Field("blocked_clients",
          static_cast<uint64_t>(std::max<int64_t>(ctx.server.clients().BlockedCount(), 0)));
  w.Field("tracking_clients", uint64_t{0});
}

void MemorySection(CommandContext& ctx, InfoWriter& w) {
  Server& server = ctx.server;
  // Every figure here is a sum of exact counters (see Server::UsedMemory);
  // nothing walks the allocator's free lists.
  const uint64_t dataset = server.databases().DatasetBytes();
  const uint64_t clients = server.ClientBufferBytes();
  const uint64_t used = server.UsedMemory();
  const uint64_t peak = server.UpdatePeakMemory(used);
  const uint64_t maxmemory = server.config().maxmemory();
  const uint64_t rss = RssBytes();
  auto ratio = [](double value) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.2f", value);
    return std::string(buf);
  };
  w.Section("Memory");
  w.Field("used_memory", used);
  w.Field("used_memory_human", Human(used));
  w.Field("used_memory_rss", rss);
  w.Field("used_memory_rss_human", Human(rss));
  w.Field("used_memory_peak", peak);
  w.Field("used_memory_peak_human", Human(peak));
  w.Field(
      "used_memory_peak_perc",
      ratio(peak == 0 ? 0.0 : 100.0 * static_cast<double>(used) / static_cast<double>(peak)) + "%");
  w.Field("used_memory_startup", server.startup_memory());
  w.Field("used_memory_dataset", dataset);
  w.Field("mem_clients_normal", clients);
  w.Field("total_system_memory", static_cast<uint64_t>(sysconf(_SC_PHYS_PAGES)) *
                                     static_cast<uint64_t>(sysconf(_SC_PAGESIZE)));
  w.Field("maxmemory", maxmemory);
  w.Field("maxmemory_human", Human(maxmemory));
  w.Field("maxmemory_policy", std::string(EvictionPolicyName(server.config().maxmemory_policy())));
  w.Field("mem_fragmentation_ratio",
          ratio(used == 0 ? 0.0 : static_cast<double>(rss) / static_cast<double>(used)));
  w.Field("mem_allocator", std::string("libc"));
  w.Field("lockgraph_memory", lockgraph::GetStats().memory_bytes);
}

void PersistenceSection(CommandContext& ctx, InfoWriter& w) {
  w.Section("Persistence");
  w.Field("loading", uint64_t{0});
  w.Field("async_loading", uint64_t{0});
  w.Field("rdb_changes_since_last_save", SumOverThreads(ctx.server, &ThreadStats::data_changes));
  w.Field("rdb_bgsave_in_progress", uint64_t{0});
  w.Field("rdb_last_save_time", ctx.server.start_ms() / 1000);
  w.Field("rdb_last_bgsave_status", std::string("ok"));
  AppendOnlyFile::Info aof;
  if (ctx.server.aof() != nullptr) aof = ctx.server.aof()->GetInfo();
  w.Field("aof_enabled", static_cast<uint64_t>(aof.enabled));
  w.Field("aof_rewrite_in_progress", static_cast<uint64_t>(aof.rewrite_in_progress));
  w.Field("aof_rewrite_scheduled", uint64_t{0});
  w.Field("aof_last_rewrite_time_sec", aof.last_rewrite_time_sec);
  w.Field("aof_current_rewrite_time_sec", aof.current_rewrite_time_sec);
  w.Field("aof_last_bgrewrite_status", std::string(aof.last_rewrite_ok ? "ok" : "err"));
  w.Field("aof_rewrites", aof.rewrites);
  w.Field("aof_last_write_status", std::string(aof.last_write_ok ? "ok" : "err"));
  if (aof.enabled) {
    w.Field("aof_current_size", aof.current_size);
    w.Field("aof_base_size", aof.base_size);
    w.Field("aof_pending_rewrite", uint64_t{0});
    w.Field("aof_buffer_length", aof.buffer_length);
    w.Field("aof_pending_bio_fsync", uint64_t{0});
    w.Field("aof_delayed_fsync", aof.delayed_fsync);
  }
}

void StatsSection(CommandContext& ctx, InfoWriter& w) {
  Server& s = ctx.server;
  w.Section("Stats");
  w.Field("total_connections_received", s.connections_received.load());
  w.Field("total_commands_processed", SumOverThreads(s, &ThreadStats::commands));
  w.Field("instantaneous_ops_per_sec", s.instantaneous_ops_per_sec.load());
  w.Field("total_net_input_bytes", SumOverThreads(s, &ThreadStats::net_input_bytes));
  w.Field("total_net_output_bytes", SumOverThreads(s, &ThreadStats::net_output_bytes));
  w.Field("rejected_connections", s.rejected_connections.load());
  w.Field("expired_keys", SumOverThreads(s, &ThreadStats::expired_keys));
  w.Field("evicted_keys", SumOverThreads(s, &ThreadStats::evicted_keys));
  w.Field("keyspace_hits", SumOverThreads(s, &ThreadStats::keyspace_hits));
  w.Field("keyspace_misses", SumOverThreads(s, &ThreadStats::keyspace_misses));
  w.Field("client_query_buffer_limit_disconnections",
          SumOverThreads(s, &ThreadStats::client_query_buffer_limit_disconnections));
  w.Field("client_output_buffer_limit_disconnections",
          SumOverThreads(s, &ThreadStats::client_output_buffer_limit_disconnections));
  lockgraph::Stats lg = lockgraph::GetStats();
  w.Field("lockgraph_reports", lg.reports);
  w.Field("lockgraph_classes", lg.classes);
  w.Field("lockgraph_class_edges", lg.class_edges);
}

void ReplicationSection(CommandContext& ctx, InfoWriter& w) {
  w.Section("Replication");
  w.Field("role", std::string("master"));
  w.Field("connected_slaves", uint64_t{0});
  w.Field("master_failover_state", std::string("no-failover"));
  w.Field("master_replid", ctx.server.run_id());
  w.Field("master_repl_offset", uint64_t{0});
}

void CpuSection(InfoWriter& w) {
  auto seconds = [](const timeval& tv) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%ld.%06ld", static_cast<long>(tv.tv_sec),
                  static_cast<long>(tv.tv_usec));
    return std::string(buf);
  };
  rusage self, children;
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  w.Section("CPU");
  w.Field("used_cpu_sys", seconds(self.ru_stime));
  w.Field("used_cpu_user", seconds(self.ru_utime));
  w.Field("used_cpu_sys_children", seconds(children.ru_stime));
  w.Field("used_cpu_user_children", seconds(children.ru_utime));
}

void CommandStatsSection(CommandContext& ctx, InfoWriter& w) {
  w.Section("Commandstats");
  for (const auto& entry : CommandTable::Get().all()) {
    const CommandTotals t = SumCommandOverThreads(ctx.server, entry->id);
    if (t.calls == 0 && t.rejected_calls == 0) continue;
    char line[256];
    std::snprintf(line, sizeof(line),
                  "calls=%llu,usec=%llu,usec_per_call=%.2f,rejected_calls=%llu,failed_calls=%llu",
                  static_cast<unsigned long long>(t.calls), static_cast<unsigned long long>(t.usec),
                  t.calls == 0 ? 0.0 : static_cast<double>(t.usec) / static_cast<double>(t.calls),
                  static_cast<unsigned long long>(t.rejected_calls),
                  static_cast<unsigned long long>(t.failed_calls));
    w.Field("cmdstat_" + entry->full_name, std::string(line));
  }
}

// Redis's format and default percentiles (latency-tracking-info-percentiles
// "50 99 99.9"), in microseconds with three decimals.
void LatencyStatsSection(CommandContext& ctx, InfoWriter& w) {
  w.Section("Latencystats");
  for (const auto& entry : CommandTable::Get().all()) {
    const LatencyHistogram::Snapshot snapshot =
        SumCommandOverThreads(ctx.server, entry->id).latency;
    if (snapshot.total == 0) continue;
    auto usec = [&](double p) { return static_cast<double>(snapshot.ValueAtPercentile(p)) / 1e3; };
    char line[128];
    std::snprintf(line, sizeof(line), "p50=%.3f,p99=%.3f,p99.9=%.3f", usec(50), usec(99),
                  usec(99.9));
    w.Field("latency_percentiles_usec_" + entry->full_name, std::string(line));
  }
}

// One line per database that has keys, as Redis prints them. Shards are
// locked one at a time, in rank order (inside EXEC, INFO holds them all).
void KeyspaceSection(CommandContext& ctx, InfoWriter& w) {
  w.Section("Keyspace");
  Databases& dbs = ctx.server.databases();
  for (int d = 0; d < dbs.count(); ++d) {
    Keyspace& keyspace = dbs.db(d);
    uint64_t keys = 0, expires = 0;
    for (int i = 0; i < keyspace.shard_count(); ++i) {
      Shard& shard = keyspace.shard(i);
      if (shard.bytes() == 0) continue;  // empty: no lock needed
      ShardLock lock(keyspace, shard);
      shard.AssertHeld();
      keys += shard.SizeLocked();
      expires += shard.VolatileCountLocked();
    }
    if (keys > 0) {
      w.Field("db" + std::to_string(d), "keys=" + std::to_string(keys) +
                                            ",expires=" + std::to_string(expires) + ",avg_ttl=0");
    }
  }
}

}  // namespace

// INFO [section [section ...]]
Reply InfoCommand(CommandContext& ctx) {
  static const std::set<std::string> kDefault = {"server", "clients",     "memory", "persistence",
                                                 "stats",  "replication", "cpu",    "keyspace"};
  std::set<std::string> wanted;
  for (size_t i = 1; i < ctx.argc(); ++i) {
    std::string name(ctx.arg(i));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (name == "default") {
      wanted.insert(kDefault.begin(), kDefault.end());
    } else if (name == "all" || name == "everything") {
      wanted.insert(kDefault.begin(), kDefault.end());
      wanted.insert("commandstats");
      wanted.insert("latencystats");
    } else {
      wanted.insert(name);
    }
  }
  if (ctx.argc() == 1) wanted = kDefault;
  InfoWriter w;
  if (wanted.count("server")) ServerSection(ctx, w);
  if (wanted.count("clients")) ClientsSection(ctx, w);
  if (wanted.count("memory")) MemorySection(ctx, w);
  if (wanted.count("persistence")) PersistenceSection(ctx, w);
  if (wanted.count("stats")) StatsSection(ctx, w);
  if (wanted.count("replication")) ReplicationSection(ctx, w);
  if (wanted.count("cpu")) CpuSection(w);
  if (wanted.count("commandstats")) CommandStatsSection(ctx, w);
  if (wanted.count("latencystats")) LatencyStatsSection(ctx, w);
  if (wanted.count("keyspace")) KeyspaceSection(ctx, w);
  return Reply::Bulk(w.Take());
}

}  // namespace cacheforge
