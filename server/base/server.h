// server/base/server.h
// -----------------------------------------------------------------------------
// The state one cacheforge-server process shares between its I/O threads and
// its commands: settings, the databases, the client registry and the counters.
// The event loops (net/) and the command handlers (commands/) both see it;
// neither sees the other.
#ifndef CACHEFORGE_BASE_SERVER_H_
#define CACHEFORGE_BASE_SERVER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/clients.h"
#include "base/config.h"
#include "base/keyspace_events.h"
#include "base/pubsub.h"
#include "base/stats.h"
#include "store/databases.h"

namespace cacheforge {

class AppendOnlyFile;

inline constexpr char kVersion[] = "0.1.0";

int64_t NowMs();  // Unix time in milliseconds
int64_t NowUs();  // Unix time in microseconds

// What SHUTDOWN asked for; SIGTERM and SIGINT ask for the defaults.
struct ShutdownOptions {
  bool save = false;    // SAVE: persist even when persistence is not configured to
  bool nosave = false;  // NOSAVE: do not persist
  bool now = false;     // NOW: do not wait for clients to read the replies they are owed
  bool force = false;   // FORCE: exit even if persisting fails
};

class Server {
 public:
  // `loops` I/O threads, each with its own ThreadStats; `command_count` sizes
  // the per-command counters.
  Server(Config* config, int loops, size_t command_count);

  Config& config() { return *config_; }
  // The numbered databases (config `databases`); db(i) is SELECT i's.
  Databases& databases() { return databases_; }
  Keyspace& db(int index) { return databases_.db(index); }
  ClientRegistry& clients() { return clients_; }
  PubSub& pubsub() { return pubsub_; }
  KeyspaceEvents& keyspace_events() { return keyspace_events_; }
  // The append-only file; null only in unit tests. Set before the loops start.
  AppendOnlyFile* aof() { return aof_; }
  void set_aof(AppendOnlyFile* aof) { aof_ = aof; }
  ThreadStats& thread_stats(int loop) { return *thread_stats_[static_cast<size_t>(loop)]; }
  int loop_count() const { return static_cast<int>(thread_stats_.size()); }

  // Called by the net layer once the loops exist: wakes loop `i` from any thread.
  void set_waker(std::function<void(int)> waker) { waker_ = std::move(waker); }
  void Wake(int loop) {
    if (waker_) waker_(loop);
  }
  // Likewise: runs a task on loop `i`'s thread (e.g. a /healthz probe).
  using Poster = std::function<void(int, std::function<void()>)>;
  void set_poster(Poster poster) { poster_ = std::move(poster); }
  void Post(int loop, std::function<void()> task) {
    if (poster_) poster_(loop, std::move(task));
  }

  // SHUTDOWN and signals: every loop stops accepting after its current pass,
  // finishes the replies it owes (up to shutdown-timeout seconds, or not at
  // all with `now`) and returns. A second request adds its options (a second
  // signal turns on `now`).
  void RequestShutdown(ShutdownOptions options = {});
  bool shutdown_requested() const { return shutdown_.load(std::memory_order_acquire); }
  // The union of every request's options; meaningful once shutdown_requested().
  ShutdownOptions shutdown_options() const;

  // used_memory, what maxmemory is compared with: the heap in use when the
  // server started, plus the keyspace's exact heap bytes, plus the heap bytes
  // of every client's query and output buffers. Lock-free and cheap (a
  // relaxed read per shard and per I/O thread), so it is checked before
  // every write when maxmemory is set.
  uint64_t UsedMemory() const;
  // Heap bytes of the clients' buffers (INFO mem_clients_normal).
  uint64_t ClientBufferBytes() const;
  uint64_t startup_memory() const { return startup_memory_; }
  // Raises used_memory_peak to `used` if that is higher; returns the peak.
  uint64_t UpdatePeakMemory(uint64_t used);

  const std::string& run_id() const { return run_id_; }
  int64_t start_ms() const { return start_ms_; }
  int port() const { return port_; }
  void set_port(int port) { port_ = port; }

  std::atomic<uint64_t> connections_received{0};
  std::atomic<uint64_t> rejected_connections{0};
  std::atomic<uint64_t> connected_clients{0};
  std::atomic<uint64_t> instantaneous_ops_per_sec{0};  // sampled once a second
  std::atomic<uint64_t> peak_memory{0};
  std::string config_file;  // set before the loops start; read-only after

 private:
  Config* config_;
  Databases databases_;
  ClientRegistry clients_;
  PubSub pubsub_;
  KeyspaceEvents keyspace_events_;
  std::vector<std::unique_ptr<ThreadStats>> thread_stats_;
  std::function<void(int)> waker_;
  Poster poster_;
  AppendOnlyFile* aof_ = nullptr;
  std::atomic<bool> shutdown_{false};
  std::atomic<uint32_t> shutdown_flags_{0};
  std::string run_id_;
  int64_t start_ms_;
  int port_ = 0;
  uint64_t startup_memory_ = 0;
};

}  // namespace cacheforge

#endif  // CACHEFORGE_BASE_SERVER_H_
