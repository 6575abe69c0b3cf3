// server/main.cc
// -----------------------------------------------------------------------------
// cacheforge-server: reads the settings (config file, then --name value
// flags), binds, starts one event loop per I/O thread and serves until
// SHUTDOWN, SIGTERM or SIGINT.
#include <lockgraph/mutex.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "base/config.h"
#include "base/log.h"
#include "base/server.h"
#include "commands/command_table.h"
#include "http/http_connection.h"
#include "net/event_loop.h"
#include "net/fd_limit.h"
#include "net/listener.h"
#include "persist/aof_loader.h"
#include "persist/append_only_file.h"
#include "persist/persistence.h"
#include "store/eviction.h"

namespace {

constexpr char kUsage[] =
    "Usage: cacheforge-server [/path/to/cacheforge.conf] [--name value ...]\n"
    "       cacheforge-server --version | --help\n"
    "\n"
    "Every setting can be given in the config file as 'name value' or on the\n"
    "command line as '--name value', and read or changed with CONFIG GET/SET:\n"
    "  --port N            TCP port (default 6379)\n"
    "  --bind ADDR...      addresses to listen on (default 127.0.0.1)\n"
    "  --threads N         I/O threads (default: the number of cores)\n"
    "  --dir PATH          working directory (default .)\n"
    "  --loglevel L        debug | verbose | notice | warning (default notice)\n"
    "  --logfile PATH      log to a file instead of stderr\n"
    "  --config FILE       read settings from FILE first\n"
    "  --appendonly yes|no, --appendfsync always|everysec|no, --appendfilename NAME,\n"
    "  --aof-load-truncated yes|no, --auto-aof-rewrite-percentage N,\n"
    "  --auto-aof-rewrite-min-size SIZE, --maxmemory SIZE,\n"
    "  --maxmemory-policy P, --maxclients N, --timeout S, --requirepass PASS,\n"
    "  --proto-max-bulk-len SIZE, --client-query-buffer-limit SIZE, --hz N,\n"
    "  --shards N (keyspace shards, a power of two up to 64)\n"
    "  --protected-mode yes|no  refuse non-loopback addresses without a password\n"
    "  --tcp-keepalive S, --shutdown-timeout S\n"
    "  --metrics-port N    HTTP port for /metrics and /healthz (default 0: off)\n"
    "Sizes take Redis's units: 100mb, 1gb, 512kb.\n";

const char* ModeName(lockgraph::Mode mode) {
  switch (mode) {
    case lockgraph::Mode::kOff:
      return "off";
    case lockgraph::Mode::kReport:
      return "report";
    case lockgraph::Mode::kAbort:
      return "abort";
    case lockgraph::Mode::kCallback:
      return "callback";
  }
  return "?";
}

// Replays the append-only file into `server` and logs what happened.
bool LoadAof(cacheforge::Server& server, const std::string& path, std::string* error) {
  using namespace cacheforge;
  AofLoadReport report;
  bool allow_truncated = server.config().GetString("aof-load-truncated") == "yes";
  if (!LoadAppendOnlyFile(server, path, allow_truncated, &report, error)) return false;
  if (report.missing) {
    Log(LogLevel::kNotice, "No append only file %s yet: starting empty", path.c_str());
    return true;
  }
  if (report.dropped_bytes != 0) {
    Log(LogLevel::kWarning,
        "AOF %s: dropped %llu bytes at byte %llu (line %llu): %s. Loaded the %llu complete "
        "commands before them; the dropped bytes were saved to %s",
        path.c_str(), static_cast<unsigned long long>(report.dropped_bytes),
        static_cast<unsigned long long>(report.scan.valid_bytes),
        static_cast<unsigned long long>(report.scan.valid_lines + 1), report.scan.problem.c_str(),
        static_cast<unsigned long long>(report.commands),
        report.dropped_to.empty() ? "(nowhere: copy failed)" : report.dropped_to.c_str());
  }
  Log(LogLevel::kNotice, "DB loaded from append only file %s: %llu commands in %.3f seconds",
      path.c_str(), static_cast<unsigned long long>(report.commands),
      static_cast<double>(report.elapsed_ms) / 1000.0);
  // Loading is never cut short by maxmemory; what is over it is dealt with now,
  // by the event loops' cron, per the policy.
  const uint64_t limit = server.config().maxmemory();
  const uint64_t used = server.UsedMemory();
  if (limit != 0 && used > limit) {
    const EvictionPolicy policy = server.config().maxmemory_policy();
    Log(LogLevel::kWarning, "The data loaded from %s uses %llu bytes, over maxmemory %llu: %s",
        path.c_str(), static_cast<unsigned long long>(used), static_cast<unsigned long long>(limit),
        policy == EvictionPolicy::kNoEviction
            ? "maxmemory-policy is noeviction, so write commands get -OOM until memory is freed"
            : (std::string("evicting keys per maxmemory-policy ") + EvictionPolicyName(policy))
                  .c_str());
  }
  return true;
}

// Protected mode: without a password, listening where other hosts can reach
// the server is refused at startup (and, per client, in EventLoop::Accept).
bool CheckProtectedMode(const cacheforge::Config& config, std::string* error) {
  if (!config.protected_mode() || config.requires_password()) return true;
  std::istringstream words(config.GetString("bind"));
  std::string address;
  while (words >> address) {
    if (cacheforge::IsLoopbackAddress(address)) continue;
    *error = "refusing to listen on " + address +
             ": protected mode is on and no password is set, so anyone who can reach this "
             "address could use the server. Set a password (--requirepass PASSWORD, or "
             "'requirepass PASSWORD' in the config file), bind only loopback addresses "
             "(--bind 127.0.0.1), or, if the network is trusted, turn protected mode off "
             "(--protected-mode no)";
    return false;
  }
  return true;
}

// Every startup failure ends here: logged once the log is open (so the log
// file says why the server is not running), always on stderr, exit status 1.
int StartupFailure(const std::string& error, bool log_open) {
  if (log_open) cacheforge::Log(cacheforge::LogLevel::kWarning, "%s", error.c_str());
  std::fprintf(stderr, "cacheforge-server: %s\n", error.c_str());
  return 1;
}

// --help and --version anywhere on the line: the exit status, or -1 to run.
int InfoFlags(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (arg == "--version" || arg == "-v") {
      std::printf("cacheforge-server v=%s lockgraph=%s\n", cacheforge::kVersion,
                  LOCKGRAPH_ON ? "on" : "off");
      return 0;
    }
  }
  return -1;
}

// The settings, the working directory and the log.
bool Configure(cacheforge::Config& config, int argc, char** argv, std::string* error) {
  if (!config.ParseArgs(argc, argv, error)) return false;
  const std::string dir = config.GetString("dir");
  if (chdir(dir.c_str()) != 0) {
    *error = "can't chdir to '" + dir + "': " + std::strerror(errno);
    return false;
  }
  if (!cacheforge::OpenLog(config.GetString("logfile"), error)) return false;
  cacheforge::SetLogConfig(&config);
  return true;
}

// SIGTERM and SIGINT go to the main thread only, which waits for them in
// ServeUntilStopped; SIGPIPE is ignored (a closed client is seen as EPIPE).
sigset_t BlockShutdownSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  return signals;
}

// Raises the open files limit for maxclients (or clamps maxclients to it, as
// Redis does), and makes CONFIG SET maxclients do the same at run time.
bool ReserveDescriptors(cacheforge::Config& config, int threads, int metrics_port,
                        std::string* error) {
  using namespace cacheforge;
  // Descriptors the server needs besides its clients: the reserve Redis keeps,
  // an epoll and an eventfd per loop, and the metrics port's connections.
  const int64_t reserved =
      kMinReservedFds + 2 * threads +
      (metrics_port > 0 ? 2 * static_cast<int64_t>(HttpConnection::kMaxConnections) + 4 : 0);
  const int64_t requested_clients = config.maxclients();
  FdLimit fd_limit = AdjustOpenFilesLimit(requested_clients, reserved);
  if (fd_limit.maxclients < 1) {
    *error = "the open files limit (ulimit -n) of " + std::to_string(fd_limit.soft_limit) +
             " leaves no descriptor for clients: at least " + std::to_string(reserved + 1) +
             " are needed";
    return false;
  }
  if (fd_limit.clamped) {
    Log(LogLevel::kWarning, "%s", ClampMessage(requested_clients, fd_limit, reserved).c_str());
    std::string ignored;
    config.Set("maxclients", std::to_string(fd_limit.maxclients), false, &ignored);
  } else if (fd_limit.soft_limit > fd_limit.original_soft) {
    Log(LogLevel::kVerbose, "Raised the open files limit from %llu to %llu (maxclients %lld)",
        static_cast<unsigned long long>(fd_limit.original_soft),
        static_cast<unsigned long long>(fd_limit.soft_limit),
        static_cast<long long>(requested_clients));
  }
  config.SetRuntimeCheck("maxclients", [reserved](const std::string& value, std::string* why) {
    const int64_t wanted = std::stoll(value);
    FdLimit limit = AdjustOpenFilesLimit(wanted, reserved);
    if (!limit.clamped) return true;
    *why =
        "The operating system is not able to handle the specified number of clients, try "
        "with " +
        std::to_string(std::max<int64_t>(limit.maxclients, 1));
    return false;
  });
  return true;
}

// The config file CONFIG REWRITE writes to: --config FILE, or a first
// argument that is not a flag.
std::string ConfigFileOf(int argc, char** argv) {
  std::string file;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--config" && i + 1 < argc) file = argv[i + 1];
  }
  if (argc > 1 && std::strncmp(argv[1], "--", 2) != 0) file = argv[1];
  return file;
}

// With appendonly yes: replays the append-only file, then appends to it.
bool RestoreAof(cacheforge::Server& server, cacheforge::AppendOnlyFile& aof, std::string* error) {
  if (server.config().GetString("appendonly") != "yes") return true;
  return LoadAof(server, aof.path(), error) &&
         aof.Open(cacheforge::AofSettingsFrom(server.config()), error);
}

struct Listeners {
  std::vector<int> clients;
  std::vector<int> metrics;  // empty without --metrics-port
};

bool OpenListeners(const cacheforge::Config& config, int port, int metrics_port,
                   Listeners* listeners, std::string* error) {
  listeners->clients = cacheforge::Listen(config.GetString("bind"), port, error);
  if (listeners->clients.empty()) return false;
  if (metrics_port <= 0) return true;
  listeners->metrics = cacheforge::Listen(config.GetString("bind"), metrics_port, error);
  if (!listeners->metrics.empty()) return true;
  *error = "metrics-port: " + *error;
  for (int fd : listeners->clients) close(fd);
  return false;
}

// Runs the loops until every one has returned: the first SIGTERM/SIGINT starts
// the shutdown; another one while clients are still being drained cuts it short.
void ServeUntilStopped(cacheforge::Server& server,
                       std::vector<std::unique_ptr<cacheforge::EventLoop>>& loops,
                       const std::vector<int>& listen_fds, sigset_t signals) {
  using namespace cacheforge;
  std::atomic<int> running{static_cast<int>(loops.size())};
  std::vector<std::thread> workers;
  for (auto& loop : loops) {
    workers.emplace_back([&loop, &running] {
      loop->Run();
      running.fetch_sub(1, std::memory_order_acq_rel);
    });
  }
  Log(LogLevel::kNotice, "Ready to accept connections tcp");
  bool listeners_shut = false;
  while (running.load(std::memory_order_acquire) > 0) {
    if (server.shutdown_requested() && !listeners_shut) {
      // Stop listening at once, so new clients are refused instead of waiting
      // in the backlog while the loops drain (the descriptors stay valid for
      // the loops until they have returned).
      for (int fd : listen_fds) shutdown(fd, SHUT_RD);
      listeners_shut = true;
    }
    timespec tick{0, 100 * 1000 * 1000};
    int sig = sigtimedwait(&signals, nullptr, &tick);
    if (sig != SIGTERM && sig != SIGINT) continue;
    const char* name = sig == SIGTERM ? "SIGTERM" : "SIGINT";
    if (!server.shutdown_requested()) {
      Log(LogLevel::kWarning, "Received %s scheduling shutdown...", name);
      server.RequestShutdown();
    } else {
      Log(LogLevel::kWarning, "Received %s during shutdown: not waiting for clients", name);
      server.RequestShutdown(ShutdownOptions{.now = true});
    }
  }
  for (std::thread& worker : workers) worker.join();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace cacheforge;
  if (const int status = InfoFlags(argc, argv); status >= 0) return status;
  Config config;
  std::string error;
  if (!Configure(config, argc, argv, &error)) return StartupFailure(error, false);
  const sigset_t signals = BlockShutdownSignals();
  const int threads = static_cast<int>(config.GetInt("threads"));
  const int port = static_cast<int>(config.GetInt("port"));
  const int metrics_port = static_cast<int>(config.GetInt("metrics-port"));
  if (!CheckProtectedMode(config, &error) ||
      !ReserveDescriptors(config, threads, metrics_port, &error)) {
    return StartupFailure(error, true);
  }

  Server server(&config, threads, CommandTable::Get().size());
  server.set_port(port);
  server.config_file = ConfigFileOf(argc, argv);
  // Persistence: replay the append-only file before serving anyone.
  AppendOnlyFile aof(server.databases(), config.GetString("appendfilename"));
  server.set_aof(&aof);
  Listeners listeners;
  if (!RestoreAof(server, aof, &error) ||
      !OpenListeners(config, port, metrics_port, &listeners, &error)) {
    return StartupFailure(error, true);
  }

  std::vector<std::unique_ptr<EventLoop>> loops;
  for (int i = 0; i < threads; ++i) {
    loops.push_back(std::make_unique<EventLoop>(server, i, listeners.clients));
  }
  server.set_waker([&loops](int i) { loops[static_cast<size_t>(i)]->Wake(); });
  server.set_poster([&loops](int i, std::function<void()> task) {
    loops[static_cast<size_t>(i)]->Post(std::move(task));
  });
  // The metrics port gets a loop of its own, not one of the loops /healthz
  // probes (see net/event_loop.h).
  std::unique_ptr<EventLoop> metrics_loop;
  if (metrics_port > 0) {
    metrics_loop = std::make_unique<EventLoop>(server, EventLoop::kMetricsLoop, listeners.metrics);
  }
  Log(LogLevel::kNotice,
      "cacheforge-server %s starting: port=%d bind=%s threads=%d shards=%d pid=%d", kVersion, port,
      config.GetString("bind").c_str(), threads, server.databases().shards_per_db(),
      static_cast<int>(getpid()));
  Log(LogLevel::kNotice, "lockgraph: %s, mode=%s", LOCKGRAPH_ON ? "compiled in" : "compiled out",
      ModeName(lockgraph::CurrentOptions().mode));
  std::thread metrics_thread;
  if (metrics_loop) {
    metrics_thread = std::thread([&metrics_loop] { metrics_loop->Run(); });
    Log(LogLevel::kNotice, "Metrics on http://%s:%d/metrics and /healthz",
        config.GetString("bind").c_str(), metrics_port);
  }

  ServeUntilStopped(server, loops, listeners.clients, signals);
  // Only now: the metrics loop answered /healthz (503) while the loops drained.
  if (metrics_loop) {
    metrics_loop->Stop();
    metrics_thread.join();
  }
  // Every reply sent was preceded by its write() to the append-only file; now
  // that no command can run, write out anything left and fsync it (SAVE and
  // NOSAVE concern snapshots, which cacheforge does not have: the AOF is
  // always flushed, as in Redis).
  aof.Shutdown();
  for (int fd : listeners.clients) close(fd);
  for (int fd : listeners.metrics) close(fd);
  Log(LogLevel::kWarning, "cacheforge-server is now ready to exit, bye bye...");
  return 0;
}
