// server/store/blocked_keys.cc
// -----------------------------------------------------------------------------
#include "store/blocked_keys.h"

#include <algorithm>

#include "util/absl_key.h"

namespace cacheforge {
bool BlockedKeys::Has(std::string_view key) const { return waiters_.contains(AbslKey(key)); }

void BlockedKeys::Add(std::string_view key, std::shared_ptr<Waiter> waiter) {
  waiters_[AbslKey(key)].push_back(std::move(waiter));
}

void BlockedKeys::Remove(std::string_view key, const Waiter* waiter) {
  auto it = waiters_.find(AbslKey(key));
  if (it == waiters_.end()) return;
  auto& queue = it->second;
  queue.erase(
      std::remove_if(queue.begin(), queue.end(),
                     [waiter](const std::shared_ptr<Waiter>& w) { return w.get() == waiter; }),
      queue.end());
  if (queue.empty()) waiters_.erase(it);
}

std::vector<ReadyKey>& ThreadReadyKeys() {
  thread_local std::vector<ReadyKey> ready;
  return ready;
}

void MarkReady(Shard* shard, std::string_view key) {
  std::vector<ReadyKey>& ready = ThreadReadyKeys();
  for (const ReadyKey& r : ready) {
    if (r.shard == shard && r.key == key) return;
  }
  ready.push_back({shard, std::string(key)});
}

}  // namespace cacheforge
