// server/persist/append_only_file.cc
// -----------------------------------------------------------------------------
// Appending, group-committed fsync, the background thread and fork-based
// rewrite. See the header for the ordering and durability argument.
#include "persist/append_only_file.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <mutex>

#include "base/log.h"
#include "base/server.h"
#include "persist/aof_format.h"
#include "persist/value_records.h"
#include "util/fd_io.h"
#include "util/strings.h"

namespace cacheforge {
namespace {

std::string DirectoryOf(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash == 0 ? 1 : slash);
}

void FsyncDirectory(const std::string& path) {
  int dir = open(DirectoryOf(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return;
  fsync(dir);
  close(dir);
}

uint64_t FileSize(int fd) {
  struct stat st {};
  return fstat(fd, &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

// WriteSnapshot's one database: its keys' records, flushed to `fd` every MB.
bool WriteKeyspace(Keyspace& keyspace, int64_t now, int fd, std::string* out_buffer) {
  std::string& out = *out_buffer;
  bool ok = true;
  for (int s = 0; s < keyspace.shard_count() && ok; ++s) {
    const Shard& shard = keyspace.shard(s);
    shard.AssertHeld();  // by the parent's ShardSetLock, taken before fork()
    const Dict& dict = shard.DictLocked();
    uint64_t cursor = 0;
    do {
      cursor = dict.Scan(cursor, [&](Entry* e) {
        shard.AssertHeld();
        const int64_t expire_at = shard.ExpireAtLocked(e);
        if (expire_at == kNoExpiry || expire_at > now) AppendValueRecords(*e, expire_at, &out);
      });
      if (out.size() >= (1 << 20)) {
        ok = WriteAll(fd, out);
        out.clear();
      }
    } while (cursor != 0 && ok);
  }
  return ok;
}

// The rewrite child: every database, a SELECT and then each key as the
// commands that rebuild it (value_records.h). It runs in a
// forked copy of the server whose only thread holds every shard lock, so it
// reads the shards directly and must not take any lock, log or return.
int WriteSnapshot(Databases& databases, const std::string& path) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return 1;
  std::string out;
  out.reserve(1 << 20);
  const int64_t now = NowMs();
  bool ok = true;
  for (int d = 0; d < databases.count() && ok; ++d) {
    Keyspace& keyspace = databases.db(d);
    bool empty = true;
    for (int s = 0; s < keyspace.shard_count(); ++s) {
      keyspace.shard(s).AssertHeld();
      empty = empty && keyspace.shard(s).SizeLocked() == 0;
    }
    if (empty) continue;
    const std::string number = std::to_string(d);
    AppendAofCommand({"SELECT", number}, &out);
    ok = WriteKeyspace(keyspace, now, fd, &out);
  }
  ok = ok && WriteAll(fd, out) && fdatasync(fd) == 0;
  close(fd);
  return ok ? 0 : 1;
}

}  // namespace

bool ParseFsyncPolicy(std::string_view text, FsyncPolicy* policy) {
  if (EqualsIgnoreCase(text, "always")) {
    *policy = FsyncPolicy::kAlways;
  } else if (EqualsIgnoreCase(text, "everysec")) {
    *policy = FsyncPolicy::kEverySec;
  } else if (EqualsIgnoreCase(text, "no")) {
    *policy = FsyncPolicy::kNo;
  } else {
    return false;
  }
  return true;
}

AppendOnlyFile::AppendOnlyFile(Databases& databases, std::string path)
    : databases_(databases), path_(std::move(path)) {}

AppendOnlyFile::~AppendOnlyFile() { Shutdown(); }

void AppendOnlyFile::UpdateSettings(const Settings& settings) {
  fsync_policy_.store(static_cast<int>(settings.fsync), std::memory_order_relaxed);
  rewrite_percentage_.store(settings.rewrite_percentage, std::memory_order_relaxed);
  rewrite_min_size_.store(settings.rewrite_min_size, std::memory_order_relaxed);
}

bool AppendOnlyFile::Open(const Settings& settings, std::string* error) {
  UpdateSettings(settings);
  int fd = open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    *error = "Can't open the append-only file " + path_ + ": " + std::strerror(errno);
    return false;
  }
  uint64_t size = FileSize(fd);
  {
    lockgraph::MutexLock lock(file_mu_);
    CloseFileLocked();
    fd_ = fd;
  }
  current_size_.store(size);
  base_size_.store(size);
  enabled_.store(true, std::memory_order_release);
  EnsureBackgroundThread();
  return true;
}

void AppendOnlyFile::EnsureBackgroundThread() {
  lockgraph::MutexLock lock(bg_mu_);
  if (!bg_thread_.joinable()) {
    bg_stop_ = false;
    bg_thread_ = std::thread([this] { BackgroundLoop(); });
  }
}

bool AppendOnlyFile::Enable(const Settings& settings, std::string* error) {
  UpdateSettings(settings);
  if (enabled()) return true;
  EnsureBackgroundThread();
  lockgraph::MutexLock lock(rewrite_mu_);
  return StartRewriteLocked(/*enable=*/true, error);
}

void AppendOnlyFile::StopChild() {
  pid_t child = child_pid_.load();
  if (child == 0) return;
  kill(child, SIGKILL);
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  unlink(temp_path_.c_str());
  child_pid_.store(0);
  lockgraph::MutexLock lock(buf_mu_);
  collecting_rewrite_ = false;
  rewrite_buffer_.clear();
  rewrite_buffer_.shrink_to_fit();
}

void AppendOnlyFile::Disable() {
  {
    lockgraph::MutexLock lock(rewrite_mu_);
    StopChild();
  }
  {
    lockgraph::MutexLock lock(buf_mu_);
    enabled_.store(false, std::memory_order_release);
    selected_db_ = -1;  // a later file starts from no database
  }
  lockgraph::MutexLock lock(file_mu_);
  WriteBufferLocked();
  CloseFileLocked();
}

void AppendOnlyFile::Shutdown() {
  Disable();
  {
    lockgraph::MutexLock lock(bg_mu_);
    bg_stop_ = true;
  }
  bg_cv_.notify_all();
  if (bg_thread_.joinable()) bg_thread_.join();
}

void AppendOnlyFile::CloseFileLocked() {
  if (fd_ < 0) return;
  if (fdatasync(fd_) == 0) synced_.store(written_.load());
  close(fd_);
  fd_ = -1;
}

uint64_t AppendOnlyFile::Append(int db, std::span<const std::string_view> args) {
  // Encode outside the lock; the critical section is a copy.
  thread_local std::string encoded;
  encoded.clear();
  AppendAofCommand(args, &encoded);
  return AppendEncoded(encoded, db, db);
}

void AppendOnlyFile::AddRecords(std::string* buffer, int* selected, std::string_view records,
                                int first_db, int last_db) {
  if (*selected != first_db) {
    const std::string number = std::to_string(first_db);
    AppendAofCommand({"SELECT", number}, buffer);
  }
  buffer->append(records);
  *selected = last_db;
}

uint64_t AppendOnlyFile::AppendEncoded(std::string_view records, int first_db, int last_db) {
  lockgraph::MutexLock lock(buf_mu_);
  if (!enabled_.load(std::memory_order_relaxed)) return 0;
  const size_t before = buffer_.size();
  AddRecords(&buffer_, &selected_db_, records, first_db, last_db);
  if (collecting_rewrite_) {
    AddRecords(&rewrite_buffer_, &rewrite_selected_db_, records, first_db, last_db);
  }
  appended_ += buffer_.size() - before;
  return appended_;
}

uint64_t AppendOnlyFile::Append(int db, std::initializer_list<std::string_view> args) {
  return Append(db, std::span<const std::string_view>(args.begin(), args.size()));
}

bool AppendOnlyFile::WriteBufferLocked() {
  thread_local std::string data;
  uint64_t end;
  {
    lockgraph::MutexLock lock(buf_mu_);
    data.swap(buffer_);
    buffer_.clear();
    end = appended_;
  }
  if (fd_ < 0 || data.empty()) {
    // With no file yet (appendonly just turned on), the rewrite buffer holds
    // these commands; they reach the disk when the new file is installed.
    written_.store(end);
    data.clear();
    return true;
  }
  uint64_t before = current_size_.load();
  if (!WriteAll(fd_, data)) {
    int saved = errno;
    // Undo a partial write so a retry cannot leave half a command behind.
    if (ftruncate(fd_, static_cast<off_t>(before)) != 0) {
      // Nothing more to do: the retry appends after whatever is there.
    }
    if (last_write_ok_.exchange(false)) {
      Log(LogLevel::kWarning, "Error writing to the AOF file %s: %s (will retry)", path_.c_str(),
          std::strerror(saved));
    }
    lockgraph::MutexLock lock(buf_mu_);
    buffer_.insert(0, data);
    data.clear();
    return false;
  }
  if (!last_write_ok_.exchange(true)) {
    Log(LogLevel::kWarning, "AOF write error is solved, the AOF file %s is being written again",
        path_.c_str());
  }
  current_size_.fetch_add(data.size());
  written_.store(end);
  if (data.capacity() > (8u << 20)) data.shrink_to_fit();
  data.clear();
  return true;
}

void AppendOnlyFile::Sync(uint64_t offset) {
  if (offset == 0) return;
  const bool always =
      fsync_policy_.load(std::memory_order_relaxed) == static_cast<int>(FsyncPolicy::kAlways);
  if (written_.load(std::memory_order_acquire) >= offset &&
      (!always || synced_.load(std::memory_order_acquire) >= offset)) {
    return;
  }
  lockgraph::MutexLock lock(file_mu_);
  if (written_.load() < offset && !WriteBufferLocked() && always) {
    // A reply now would promise a write that is not on disk, and there is no
    // way to take it back: stop, as Redis does under appendfsync always.
    Log(LogLevel::kWarning,
        "Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...");
    _exit(1);
  }
  if (always && synced_.load() < offset && fd_ >= 0) {
    uint64_t target = written_.load();
    if (fdatasync(fd_) != 0) {
      Log(LogLevel::kWarning, "fsync of the AOF file %s failed: %s. Exiting...", path_.c_str(),
          std::strerror(errno));
      _exit(1);
    }
    synced_.store(target);
  }
}

bool AppendOnlyFile::StartRewrite(std::string* error) {
  EnsureBackgroundThread();  // it reaps the child, also when appendonly is off
  lockgraph::MutexLock lock(rewrite_mu_);
  return StartRewriteLocked(/*enable=*/false, error);
}

bool AppendOnlyFile::StartRewriteLocked(bool enable, std::string* error) {
  if (child_pid_.load() != 0) {
    *error = "ERR Background append only file rewriting already in progress";
    return false;
  }
  temp_path_ = DirectoryOf(path_) + "/temp-rewriteaof-bg-" + std::to_string(getpid()) + ".aof";
  pid_t pid;
  {
    // With every shard locked no command is half done, so the child's copy of
    // memory and the start of the rewrite buffer meet at one exact point.
    std::vector<uint64_t> every_shard = databases_.NoShards();
    for (int d = 0; d < databases_.count(); ++d) {
      every_shard[static_cast<size_t>(d)] = ShardSetLock::AllShards(databases_.db(d));
    }
    DbShardsLock all(databases_, every_shard);
    {
      lockgraph::MutexLock lock(buf_mu_);
      collecting_rewrite_ = true;
      rewrite_buffer_.clear();
      rewrite_selected_db_ = -1;  // the snapshot ends in whichever database
      if (enable) enabled_.store(true, std::memory_order_release);
    }
    pid = fork();
    if (pid == 0) _exit(WriteSnapshot(databases_, temp_path_));
    if (pid < 0) {
      int saved = errno;
      lockgraph::MutexLock lock(buf_mu_);
      collecting_rewrite_ = false;
      if (enable) enabled_.store(false, std::memory_order_release);
      *error = std::string("ERR Can't rewrite append only file in background: fork: ") +
               std::strerror(saved);
      return false;
    }
  }
  rewrite_start_ms_.store(NowMs());
  child_pid_.store(pid);
  Log(LogLevel::kNotice, "Background append only file rewriting started by pid %d",
      static_cast<int>(pid));
  bg_cv_.notify_all();
  return true;
}

void AppendOnlyFile::FinishRewrite(bool child_ok) {
  lockgraph::MutexLock rewrite_lock(rewrite_mu_);
  last_rewrite_time_sec_.store((NowMs() - rewrite_start_ms_.load()) / 1000);
  child_pid_.store(0);
  if (!child_ok) {
    unlink(temp_path_.c_str());
    last_rewrite_ok_.store(false);
    bool was_enabling;
    {
      lockgraph::MutexLock file_lock(file_mu_);
      lockgraph::MutexLock lock(buf_mu_);
      collecting_rewrite_ = false;
      rewrite_buffer_.clear();
      // Turning appendonly on failed: there is no file to append to.
      was_enabling = fd_ < 0 && enabled_.load();
      if (was_enabling) {
        enabled_.store(false);
        buffer_.clear();
      }
    }
    Log(LogLevel::kWarning, "Background AOF rewrite failed%s",
        was_enabling ? "; appendonly stays off" : "");
    return;
  }
  std::string old_tail, tail;
  lockgraph::MutexLock file_lock(file_mu_);
  uint64_t end;  // everything appended so far is in the old file and the new one
  {
    lockgraph::MutexLock lock(buf_mu_);
    old_tail.swap(buffer_);
    tail.swap(rewrite_buffer_);
    collecting_rewrite_ = false;
    end = appended_;
    // The next record lands in the new file or, if it cannot be installed,
    // the old one, which may end in different databases: it SELECTs.
    selected_db_ = -1;
  }
  // The old file stays complete in case the new one cannot be installed.
  if (fd_ >= 0 && !old_tail.empty() && WriteAll(fd_, old_tail)) {
    current_size_.fetch_add(old_tail.size());
  }
  int new_fd = open(temp_path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  bool ok = new_fd >= 0 && WriteAll(new_fd, tail) && fdatasync(new_fd) == 0 &&
            rename(temp_path_.c_str(), path_.c_str()) == 0;
  if (!ok) {
    int saved = errno;
    if (new_fd >= 0) close(new_fd);
    unlink(temp_path_.c_str());
    last_rewrite_ok_.store(false);
    written_.store(end);
    Log(LogLevel::kWarning, "Background AOF rewrite could not install the new file: %s",
        std::strerror(saved));
    return;
  }
  FsyncDirectory(path_);
  const uint64_t size = FileSize(new_fd);
  if (enabled()) {
    if (fd_ >= 0) close(fd_);
    fd_ = new_fd;
  } else {
    close(new_fd);
  }
  current_size_.store(size);
  base_size_.store(size);
  written_.store(end);
  synced_.store(end);
  last_rewrite_ok_.store(true);
  rewrites_.fetch_add(1);
  Log(LogLevel::kNotice, "Background AOF rewrite finished successfully (%llu bytes)",
      static_cast<unsigned long long>(size));
}

void AppendOnlyFile::MaybeAutoRewrite() {
  int percentage = rewrite_percentage_.load(std::memory_order_relaxed);
  if (!enabled() || percentage <= 0 || child_pid_.load() != 0) return;
  uint64_t size = current_size_.load();
  uint64_t base = std::max<uint64_t>(base_size_.load(), 1);
  if (static_cast<int64_t>(size) < rewrite_min_size_.load()) return;
  if ((size - std::min(size, base)) * 100 / base < static_cast<uint64_t>(percentage)) return;
  Log(LogLevel::kNotice, "Starting automatic rewriting of AOF on %llu%% growth",
      static_cast<unsigned long long>((size - std::min(size, base)) * 100 / base));
  std::string error;
  lockgraph::MutexLock lock(rewrite_mu_);
  if (!StartRewriteLocked(false, &error)) Log(LogLevel::kWarning, "%s", error.c_str());
}

void AppendOnlyFile::BackgroundLoop() {
  int64_t last_fsync_ms = NowMs();
  while (true) {
    {
      std::unique_lock lock(bg_mu_);
      bg_cv_.wait_for(lock, std::chrono::milliseconds(100), [this] { return bg_stop_.load(); });
      if (bg_stop_) return;
    }
    if (pid_t child = child_pid_.load(); child != 0) {
      int status = 0;
      if (waitpid(child, &status, WNOHANG) == child) {
        FinishRewrite(WIFEXITED(status) && WEXITSTATUS(status) == 0);
      }
    }
    if (!enabled()) continue;
    int dup_fd = -1;
    uint64_t target = 0;
    {
      lockgraph::MutexLock lock(file_mu_);
      WriteBufferLocked();
      int64_t now = NowMs();
      if (fsync_policy_.load() == static_cast<int>(FsyncPolicy::kEverySec) && fd_ >= 0 &&
          now - last_fsync_ms >= 1000 && synced_.load() < written_.load()) {
        // fsync a duplicate without the lock, so request threads that only
        // need a write() do not wait for the disk.
        dup_fd = fcntl(fd_, F_DUPFD_CLOEXEC, 0);
        target = written_.load();
        last_fsync_ms = now;
      }
    }
    if (dup_fd >= 0) {
      int64_t start = NowMs();
      if (fdatasync(dup_fd) == 0) {
        uint64_t synced = synced_.load();
        while (synced < target && !synced_.compare_exchange_weak(synced, target)) {
        }
      }
      if (NowMs() - start > 2000) delayed_fsync_.fetch_add(1);
      close(dup_fd);
    }
    MaybeAutoRewrite();
  }
}

AppendOnlyFile::Info AppendOnlyFile::GetInfo() const {
  Info info;
  info.enabled = enabled();
  pid_t child = child_pid_.load();
  info.rewrite_in_progress = child != 0;
  info.last_rewrite_ok = last_rewrite_ok_.load();
  info.last_write_ok = last_write_ok_.load();
  info.last_rewrite_time_sec = last_rewrite_time_sec_.load();
  if (child != 0) info.current_rewrite_time_sec = (NowMs() - rewrite_start_ms_.load()) / 1000;
  info.rewrites = rewrites_.load();
  info.current_size = current_size_.load();
  info.base_size = base_size_.load();
  info.delayed_fsync = delayed_fsync_.load();
  lockgraph::MutexLock lock(buf_mu_);
  info.buffer_length = buffer_.size();
  return info;
}

}  // namespace cacheforge
