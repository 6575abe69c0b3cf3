// server/persist/append_only_file.h
// -----------------------------------------------------------------------------
// The append-only file (AOF): every command that changed data, in the order it
// took effect, written so a restart replays it (aof_loader.h).
//
// Ordering. Commands run in parallel on every I/O thread, each under the locks
// of the shards it touches. A command is appended while it still holds those
// locks (KeyLock/KeysLock call CommandContext::Propagate), so two writes to one
// key reach the file in the order they were applied. Append only copies bytes
// into a memory buffer under the "aof.buffer" lock; the shard → aof.buffer
// order is the only one in which the two are nested.
//
// Durability. The connection calls Sync(offset) before it sends the replies of
// the commands it ran, so a reply is never sent before its write is in the
// kernel (every policy: a `kill -9` loses nothing acknowledged) and, with
// `appendfsync always`, on disk. Sync is a group commit: whichever thread
// takes the "aof.file" lock first writes and fsyncs everyone's pending bytes.
// With `everysec` a background thread fsyncs once a second, off the request
// path; with `no` the kernel decides.
//
// Rewrite (BGREWRITEAOF, and automatically when the file has grown by
// auto-aof-rewrite-percentage over its size after the last rewrite). With every
// shard locked for an instant, the server forks; the child writes the data as
// one SET per key into a temporary file, while the parent keeps appending to
// the old file and also collects every command after the fork in a rewrite
// buffer. When the child exits, the background thread appends that buffer to
// the new file, fsyncs it and renames it over the old one. Clients wait only
// for the fork and the final swap; no write made during the rewrite is lost,
// and a failed rewrite leaves the old file complete.
//
// Thread safety: every public method may be called from any thread.
#ifndef CACHEFORGE_PERSIST_APPEND_ONLY_FILE_H_
#define CACHEFORGE_PERSIST_APPEND_ONLY_FILE_H_

#include <lockgraph/condition_variable.h>
#include <lockgraph/mutex.h>
#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <thread>

#include "store/keyspace.h"

namespace cacheforge {

enum class FsyncPolicy { kAlways, kEverySec, kNo };
bool ParseFsyncPolicy(std::string_view text, FsyncPolicy* policy);

class AppendOnlyFile {
 public:
  struct Settings {
    FsyncPolicy fsync = FsyncPolicy::kEverySec;
    int rewrite_percentage = 100;         // auto-aof-rewrite-percentage (0 = never)
    int64_t rewrite_min_size = 64 << 20;  // auto-aof-rewrite-min-size
  };

  // `path` is the file (relative to the working directory). Nothing is opened
  // until Open() or Enable().
  AppendOnlyFile(Databases& databases, std::string path);
  ~AppendOnlyFile();
  AppendOnlyFile(const AppendOnlyFile&) = delete;
  AppendOnlyFile& operator=(const AppendOnlyFile&) = delete;

  const std::string& path() const { return path_; }

  // Startup, after the file was loaded: opens it (creating it) for appending,
  // turns appending on and starts the background thread.
  bool Open(const Settings& settings, std::string* error);
  // CONFIG SET appendonly yes on a running server: starts a rewrite that
  // writes the current data to a new file; appending is on from that instant.
  bool Enable(const Settings& settings, std::string* error);
  // CONFIG SET appendonly no: stops a rewrite, writes and fsyncs what is
  // pending, closes the file.
  void Disable();
  // Server exit: as Disable(), and the background thread ends.
  void Shutdown();

  void UpdateSettings(const Settings& settings);
  bool enabled() const { return enabled_.load(std::memory_order_acquire); }

  // Appends one command that ran in database `db`, after a SELECT when the
  // file's last record ran in another one (Redis's records). The caller
  // holds the locks of every shard the command changed. Returns the offset
  // to pass to Sync(), 0 when off.
  uint64_t Append(int db, std::span<const std::string_view> args);
  uint64_t Append(int db, std::initializer_list<std::string_view> args);
  // Appends records already encoded (AppendAofCommand), as one piece: EXEC's
  // MULTI ... EXEC group, which no other client's record may split. The
  // records start in database `first_db` and leave `last_db` selected (they
  // SELECT between themselves).
  uint64_t AppendEncoded(std::string_view records, int first_db, int last_db);

  // Returns once every command appended up to `offset` is written to the file
  // (and fsynced under appendfsync always). Call with no shard lock held.
  void Sync(uint64_t offset);

  // BGREWRITEAOF. False with Redis's message when one is already running or
  // the fork fails.
  bool StartRewrite(std::string* error);

  struct Info {
    bool enabled = false;
    bool rewrite_in_progress = false;
    bool last_rewrite_ok = true;
    bool last_write_ok = true;
    int64_t last_rewrite_time_sec = -1;
    int64_t current_rewrite_time_sec = -1;
    uint64_t rewrites = 0;
    uint64_t current_size = 0;
    uint64_t base_size = 0;
    uint64_t buffer_length = 0;
    uint64_t delayed_fsync = 0;
  };
  Info GetInfo() const;

 private:
  // Starts a rewrite; with `enable`, appending starts at the same instant.
  bool StartRewriteLocked(bool enable, std::string* error) LOCKGRAPH_REQUIRES(rewrite_mu_);
  // Writes the buffer to the file. Returns false on a write error.
  bool WriteBufferLocked() LOCKGRAPH_REQUIRES(file_mu_);
  void CloseFileLocked() LOCKGRAPH_REQUIRES(file_mu_);
  void EnsureBackgroundThread();
  void BackgroundLoop();
  void FinishRewrite(bool child_ok);
  void MaybeAutoRewrite();
  void StopChild() LOCKGRAPH_REQUIRES(rewrite_mu_);

  // Adds `records` to `buffer`, after a SELECT when `*selected` differs.
  static void AddRecords(std::string* buffer, int* selected, std::string_view records, int first_db,
                         int last_db);

  Databases& databases_;
  const std::string path_;
  std::atomic<bool> enabled_{false};
  std::atomic<int> fsync_policy_{static_cast<int>(FsyncPolicy::kEverySec)};
  std::atomic<int> rewrite_percentage_{100};
  std::atomic<int64_t> rewrite_min_size_{64 << 20};

  // Commands not yet written, and (during a rewrite) every command since the fork.
  mutable lockgraph::Mutex buf_mu_{"aof.buffer"};
  std::string buffer_ LOCKGRAPH_GUARDED_BY(buf_mu_);
  std::string rewrite_buffer_ LOCKGRAPH_GUARDED_BY(buf_mu_);
  bool collecting_rewrite_ LOCKGRAPH_GUARDED_BY(buf_mu_) = false;
  uint64_t appended_ LOCKGRAPH_GUARDED_BY(buf_mu_) = 0;  // logical end offset
  // The database the file's (or the rewrite buffer's) last record ran in;
  // -1 when unknown, so the next record starts with a SELECT.
  int selected_db_ LOCKGRAPH_GUARDED_BY(buf_mu_) = -1;
  int rewrite_selected_db_ LOCKGRAPH_GUARDED_BY(buf_mu_) = -1;

  // The file. Taken before buf_mu_ when both are needed.
  mutable lockgraph::Mutex file_mu_{"aof.file"};
  int fd_ LOCKGRAPH_GUARDED_BY(file_mu_) = -1;
  std::atomic<uint64_t> written_{0};  // logical offset written to the kernel
  std::atomic<uint64_t> synced_{0};   // logical offset fsynced
  std::atomic<uint64_t> current_size_{0};
  std::atomic<uint64_t> base_size_{0};
  std::atomic<bool> last_write_ok_{true};
  std::atomic<uint64_t> delayed_fsync_{0};

  // One rewrite at a time; the child's pid while it runs.
  lockgraph::Mutex rewrite_mu_{"aof.rewrite"};
  std::atomic<pid_t> child_pid_{0};
  std::atomic<int64_t> rewrite_start_ms_{0};
  std::atomic<int64_t> last_rewrite_time_sec_{-1};
  std::atomic<bool> last_rewrite_ok_{true};
  std::atomic<uint64_t> rewrites_{0};
  std::string temp_path_ LOCKGRAPH_GUARDED_BY(rewrite_mu_);

  // The background thread: everysec fsync, rewrite completion, auto rewrite.
  lockgraph::Mutex bg_mu_{"aof.background"};
  lockgraph::ConditionVariable bg_cv_;
  // Set under bg_mu_ before bg_cv_ is notified; atomic so that the wait's
  // predicate, which runs inside ConditionVariable, reads it without an
  // annotation the analysis could not check there.
  std::atomic<bool> bg_stop_{false};
  std::thread bg_thread_;
};

}  // namespace cacheforge

#endif  // CACHEFORGE_PERSIST_APPEND_ONLY_FILE_H_
