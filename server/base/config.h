// server/base/config.h
// -----------------------------------------------------------------------------
// Every server setting, declared once in a table (config.cc) with its type,
// default, accepted values and whether CONFIG SET may change it at runtime. The
// same table serves the config file (`name value` per line), the command line
// (`--name value`) and CONFIG GET/SET, so the three can never disagree.
//
// A few settings are accepted and stored for compatibility with Redis
// configuration files although cacheforge has nothing behind them (save,
// databases beyond 1).
//
// Thread safety: all methods may be called from any thread. Values live under
// a lockgraph::SharedMutex ("server.config"); the few read on every request are
// mirrored in atomics so the request path takes no lock.
#ifndef CACHEFORGE_BASE_CONFIG_H_
#define CACHEFORGE_BASE_CONFIG_H_

#include <lockgraph/mutex.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/eviction.h"
#include "store/object.h"

namespace cacheforge {

enum class LogLevel { kDebug = 0, kVerbose = 1, kNotice = 2, kWarning = 3 };

class Config {
 public:
  Config();

  // Validates and stores one setting. `at_runtime` is true for CONFIG SET,
  // which may not change settings that only apply at startup. On failure
  // returns false with a message naming the setting and what it accepts.
  bool Set(std::string_view name, std::string_view value, bool at_runtime, std::string* error);

  // Set() without storing: whether Set() would accept this value.
  bool Check(std::string_view name, std::string_view value, bool at_runtime,
             std::string* error) const;

  // An extra condition on runtime changes of one setting, owned by the code
  // that applies it (maxclients against the descriptor limit). Check() and
  // Set() with `at_runtime` call it with the canonical value and no config
  // lock held; it returns false with a message to refuse the change. Install
  // before the loops start.
  using RuntimeCheck = std::function<bool(const std::string& value, std::string* error)>;
  void SetRuntimeCheck(std::string_view name, RuntimeCheck check);

  // The canonical text of a setting (sizes in bytes, booleans yes/no).
  bool Get(std::string_view name, std::string* value) const;
  // Every (name, value) whose name matches the glob `pattern`, case-insensitively.
  std::vector<std::pair<std::string, std::string>> Match(std::string_view pattern) const;

  // Loads `name value...` lines; `#` starts a comment. Errors name the line.
  bool LoadFile(const std::string& path, std::string* error);
  // Parses argv: `--name value` pairs; `--config FILE` (or a first argument
  // that does not start with "--") loads a file first, as Redis does.
  bool ParseArgs(int argc, char** argv, std::string* error);

  // Fast, lock-free reads for the request path.
  int64_t proto_max_bulk_len() const { return proto_max_bulk_len_.load(std::memory_order_relaxed); }
  int64_t client_query_buffer_limit() const {
    return client_query_buffer_limit_.load(std::memory_order_relaxed);
  }
  LogLevel loglevel() const { return loglevel_.load(std::memory_order_relaxed); }
  int hz() const { return hz_.load(std::memory_order_relaxed); }
  bool requires_password() const { return requires_password_.load(std::memory_order_relaxed); }
  // maxmemory in bytes; 0 means no limit.
  uint64_t maxmemory() const {
    return static_cast<uint64_t>(maxmemory_.load(std::memory_order_relaxed));
  }
  EvictionPolicy maxmemory_policy() const {
    return maxmemory_policy_.load(std::memory_order_relaxed);
  }
  int maxmemory_samples() const { return maxmemory_samples_.load(std::memory_order_relaxed); }
  int64_t lfu_log_factor() const { return lfu_log_factor_.load(std::memory_order_relaxed); }
  int64_t lfu_decay_time() const { return lfu_decay_time_.load(std::memory_order_relaxed); }
  // client-output-buffer-limit of a class of clients (normal, or pubsub for a
  // client subscribed to a channel or pattern); 0 disables a limit.
  enum OutputClass { kNormalClients = 0, kReplicaClients = 1, kPubSubClients = 2 };
  int64_t output_hard_limit(OutputClass c = kNormalClients) const {
    return output_hard_limit_[c].load(std::memory_order_relaxed);
  }
  int64_t output_soft_limit(OutputClass c = kNormalClients) const {
    return output_soft_limit_[c].load(std::memory_order_relaxed);
  }
  int64_t output_soft_seconds(OutputClass c = kNormalClients) const {
    return output_soft_seconds_[c].load(std::memory_order_relaxed);
  }
  // notify-keyspace-events as NotifyClass bits (base/notify_classes.h).
  uint32_t notify_keyspace_events() const {
    return notify_keyspace_events_.load(std::memory_order_relaxed);
  }
  int64_t maxclients() const { return maxclients_.load(std::memory_order_relaxed); }
  int64_t timeout_seconds() const { return timeout_.load(std::memory_order_relaxed); }
  int64_t tcp_keepalive() const { return tcp_keepalive_.load(std::memory_order_relaxed); }
  bool protected_mode() const { return protected_mode_.load(std::memory_order_relaxed); }
  // hash-max-listpack-entries and the other compact-encoding thresholds.
  EncodingLimits encoding_limits() const {
    return EncodingLimits{
        .hash_max_listpack_entries = hash_max_listpack_entries_.load(std::memory_order_relaxed),
        .hash_max_listpack_value = hash_max_listpack_value_.load(std::memory_order_relaxed),
        .set_max_intset_entries = set_max_intset_entries_.load(std::memory_order_relaxed),
        .zset_max_listpack_entries = zset_max_listpack_entries_.load(std::memory_order_relaxed),
        .zset_max_listpack_value = zset_max_listpack_value_.load(std::memory_order_relaxed),
        .list_max_listpack_size = list_max_listpack_size_.load(std::memory_order_relaxed)};
  }

  // Typed reads of startup settings.
  int64_t GetInt(std::string_view name) const;
  std::string GetString(std::string_view name) const;

 private:
  void MirrorLocked(const std::string& name) LOCKGRAPH_REQUIRES(mu_);
  bool RunRuntimeCheck(const char* name, const std::string& value, std::string* error) const;

  mutable lockgraph::SharedMutex mu_{"server.config"};
  std::map<std::string, std::string, std::less<>> values_ LOCKGRAPH_GUARDED_BY(mu_);
  std::atomic<int64_t> proto_max_bulk_len_{0};
  std::atomic<int64_t> client_query_buffer_limit_{0};
  std::atomic<LogLevel> loglevel_{LogLevel::kNotice};
  std::atomic<int> hz_{10};
  std::atomic<bool> requires_password_{false};
  std::atomic<int64_t> maxmemory_{0};
  std::atomic<EvictionPolicy> maxmemory_policy_{EvictionPolicy::kNoEviction};
  std::atomic<int> maxmemory_samples_{5};
  std::atomic<int64_t> lfu_log_factor_{10};
  std::atomic<int64_t> lfu_decay_time_{1};
  std::atomic<int64_t> output_hard_limit_[3] = {};
  std::atomic<int64_t> output_soft_limit_[3] = {};
  std::atomic<int64_t> output_soft_seconds_[3] = {};
  std::atomic<int64_t> maxclients_{0};
  std::atomic<uint32_t> notify_keyspace_events_{0};
  std::atomic<int64_t> timeout_{0};
  std::atomic<int64_t> tcp_keepalive_{0};
  std::atomic<bool> protected_mode_{true};
  std::atomic<int64_t> hash_max_listpack_entries_{512};
  std::atomic<int64_t> hash_max_listpack_value_{64};
  std::atomic<int64_t> set_max_intset_entries_{512};
  std::atomic<int64_t> zset_max_listpack_entries_{128};
  std::atomic<int64_t> zset_max_listpack_value_{64};
  std::atomic<int64_t> list_max_listpack_size_{-2};
  std::map<std::string, RuntimeCheck, std::less<>> runtime_checks_ LOCKGRAPH_GUARDED_BY(mu_);
};

}  // namespace cacheforge

#endif  // CACHEFORGE_BASE_CONFIG_H_
