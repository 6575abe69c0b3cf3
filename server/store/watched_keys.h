// server/store/watched_keys.h
// -----------------------------------------------------------------------------
// WATCH's registry for one shard: which clients watch which of the shard's
// keys. Every change the shard makes to a key (a write, a delete, a TTL, lazy
// or active expiry, eviction, a flush) touches the key here, which marks each
// watching client's WatchFlag dirty; EXEC then answers a null array instead
// of running. Redis keeps the same map per database.
//
// Not thread-safe: the owning shard's lock guards it. A WatchFlag is shared
// by the client and every shard that lists it; `dirty` is atomic because the
// client reads it on its own thread, after taking the shard locks EXEC needs
// (which orders the read after any write that set it).
#ifndef CACHEFORGE_STORE_WATCHED_KEYS_H_
#define CACHEFORGE_STORE_WATCHED_KEYS_H_

#include <absl/container/flat_hash_map.h>

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace cacheforge {

struct WatchFlag {
  std::atomic<bool> dirty{false};
};

class WatchedKeys {
 public:
  bool empty() const { return watchers_.empty(); }
  size_t key_count() const { return watchers_.size(); }

  // `flag` watches `key` (a client registers a key once).
  void Add(std::string_view key, std::shared_ptr<WatchFlag> flag);
  // `flag` stops watching `key`; a no-op when it was not.
  void Remove(std::string_view key, const WatchFlag* flag);
  // `key` changed: every watcher of it is dirty.
  void Touch(std::string_view key);
  // The shard is being emptied: every watched key for which `exists(key)`
  // (Redis touches only keys the flush really deletes).
  template <typename Exists>
  void TouchIf(Exists&& exists) {
    for (auto& [key, flags] : watchers_) {
      if (!exists(key)) continue;
      for (auto& flag : flags) flag->dirty.store(true, std::memory_order_relaxed);
    }
  }

 private:
  absl::flat_hash_map<std::string, std::vector<std::shared_ptr<WatchFlag>>> watchers_;
};

}  // namespace cacheforge

#endif  // CACHEFORGE_STORE_WATCHED_KEYS_H_
