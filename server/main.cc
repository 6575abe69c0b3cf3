// server/main.cc
// -----------------------------------------------------------------------------
// cacheforge-server: reads the settings (config file, then --name value
// flags), binds, starts one event loop per I/O thread and serves until
// SHUTDOWN, SIGTERM or SIGINT.
#include <lockgraph/mutex.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/config.h"
#include "base/log.h"
#include "base/server.h"
#include "commands/command_table.h"
#include "net/event_loop.h"
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

}  // namespace

int main(int argc, char** argv) {
  using namespace cacheforge;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (arg == "--version" || arg == "-v") {
      std::printf("cacheforge-server v=%s lockgraph=%s\n", kVersion, LOCKGRAPH_ON ? "on" : "off");
      return 0;
    }
  }
  Config config;
  std::string error;
  if (!config.ParseArgs(argc, argv, &error)) {
    std::fprintf(stderr, "cacheforge-server: %s\n", error.c_str());
    return 1;
  }
  std::string dir = config.GetString("dir");
  if (chdir(dir.c_str()) != 0) {
    std::fprintf(stderr, "cacheforge-server: can't chdir to '%s': %s\n", dir.c_str(),
                 std::strerror(errno));
    return 1;
  }
  if (!OpenLog(config.GetString("logfile"), &error)) {
    std::fprintf(stderr, "cacheforge-server: %s\n", error.c_str());
    return 1;
  }
  SetLogConfig(&config);

  // Signals go to the main thread only, which waits for them below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  const int threads = static_cast<int>(config.GetInt("threads"));
  const int port = static_cast<int>(config.GetInt("port"));
  Server server(&config, threads, CommandTable::Get().size());
  server.set_port(port);
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--config" && i + 1 < argc) server.config_file = argv[i + 1];
  }
  if (argc > 1 && std::strncmp(argv[1], "--", 2) != 0) server.config_file = argv[1];

  // Persistence: replay the append-only file before serving anyone.
  AppendOnlyFile aof(server.keyspace(), config.GetString("appendfilename"));
  server.set_aof(&aof);
  if (config.GetString("appendonly") == "yes") {
    if (!LoadAof(server, aof.path(), &error)) {
      Log(LogLevel::kWarning, "%s", error.c_str());
      std::fprintf(stderr, "cacheforge-server: %s\n", error.c_str());
      return 1;
    }
    if (!aof.Open(AofSettingsFrom(config), &error)) {
      Log(LogLevel::kWarning, "%s", error.c_str());
      std::fprintf(stderr, "cacheforge-server: %s\n", error.c_str());
      return 1;
    }
  }

  std::vector<int> listen_fds = Listen(config.GetString("bind"), port, &error);
  if (listen_fds.empty()) {
    Log(LogLevel::kWarning, "%s", error.c_str());
    std::fprintf(stderr, "cacheforge-server: %s\n", error.c_str());
    return 1;
  }

  std::vector<std::unique_ptr<EventLoop>> loops;
  for (int i = 0; i < threads; ++i) {
    loops.push_back(std::make_unique<EventLoop>(server, i, listen_fds));
  }
  server.set_waker([&loops](int i) { loops[static_cast<size_t>(i)]->Wake(); });

  Log(LogLevel::kNotice,
      "cacheforge-server %s starting: port=%d bind=%s threads=%d shards=%d pid=%d", kVersion, port,
      config.GetString("bind").c_str(), threads, server.keyspace().shard_count(),
      static_cast<int>(getpid()));
  Log(LogLevel::kNotice, "lockgraph: %s, mode=%s", LOCKGRAPH_ON ? "compiled in" : "compiled out",
      ModeName(lockgraph::CurrentOptions().mode));

  std::vector<std::thread> workers;
  for (auto& loop : loops) workers.emplace_back([&loop] { loop->Run(); });
  Log(LogLevel::kNotice, "Ready to accept connections tcp");

  while (!server.shutdown_requested()) {
    timespec tick{0, 100 * 1000 * 1000};
    int sig = sigtimedwait(&signals, nullptr, &tick);
    if (sig == SIGTERM || sig == SIGINT) {
      Log(LogLevel::kWarning, "Received %s scheduling shutdown...",
          sig == SIGTERM ? "SIGTERM" : "SIGINT");
      server.RequestShutdown();
    }
  }
  for (std::thread& worker : workers) worker.join();
  // Every reply sent was preceded by its write(); make the file durable too.
  aof.Shutdown();
  for (int fd : listen_fds) close(fd);
  Log(LogLevel::kWarning, "cacheforge-server is now ready to exit, bye bye...");
  return 0;
}
