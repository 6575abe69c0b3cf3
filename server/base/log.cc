// server/base/log.cc
// -----------------------------------------------------------------------------
// Redis-format log lines to stderr or a file.
#include "base/log.h"

#include <lockgraph/mutex.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace cacheforge {
namespace {

lockgraph::Mutex log_mu{"server.log"};
FILE* log_file LOCKGRAPH_GUARDED_BY(log_mu) = nullptr;
std::atomic<const Config*> log_config{nullptr};

}  // namespace

bool OpenLog(const std::string& path, std::string* error) {
  lockgraph::MutexLock lock(log_mu);
  if (path.empty()) {
    log_file = nullptr;
    return true;
  }
  FILE* f = std::fopen(path.c_str(), "a");
  if (f == nullptr) {
    *error = "can't open the log file '" + path + "'";
    return false;
  }
  log_file = f;
  return true;
}

void SetLogConfig(const Config* config) { log_config.store(config); }

void Log(LogLevel level, const char* format, ...) {
  const Config* config = log_config.load(std::memory_order_relaxed);
  LogLevel threshold = config != nullptr ? config->loglevel() : LogLevel::kNotice;
  if (level < threshold) return;
  char message[1024];
  va_list ap;
  va_start(ap, format);
  std::vsnprintf(message, sizeof(message), format, ap);
  va_end(ap);
  timeval tv;
  gettimeofday(&tv, nullptr);
  tm local;
  localtime_r(&tv.tv_sec, &local);
  char stamp[64];
  size_t n = std::strftime(stamp, sizeof(stamp), "%d %b %Y %H:%M:%S", &local);
  std::snprintf(stamp + n, sizeof(stamp) - n, ".%03d", static_cast<int>(tv.tv_usec / 1000));
  static constexpr char kMarks[] = ".-*#";
  lockgraph::MutexLock lock(log_mu);
  FILE* out = log_file != nullptr ? log_file : stderr;
  std::fprintf(out, "%d:M %s %c %s\n", static_cast<int>(getpid()), stamp,
               kMarks[static_cast<int>(level)], message);
  std::fflush(out);
}

}  // namespace cacheforge
