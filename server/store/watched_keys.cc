// server/store/watched_keys.cc
// -----------------------------------------------------------------------------
#include "store/watched_keys.h"

#include <algorithm>

#include "util/absl_key.h"

namespace cacheforge {
void WatchedKeys::Add(std::string_view key, std::shared_ptr<WatchFlag> flag) {
  watchers_[AbslKey(key)].push_back(std::move(flag));
}

void WatchedKeys::Remove(std::string_view key, const WatchFlag* flag) {
  auto it = watchers_.find(AbslKey(key));
  if (it == watchers_.end()) return;
  auto& flags = it->second;
  flags.erase(
      std::remove_if(flags.begin(), flags.end(),
                     [flag](const std::shared_ptr<WatchFlag>& f) { return f.get() == flag; }),
      flags.end());
  if (flags.empty()) watchers_.erase(it);
}

void WatchedKeys::Touch(std::string_view key) {
  auto it = watchers_.find(AbslKey(key));
  if (it == watchers_.end()) return;
  for (auto& flag : it->second) flag->dirty.store(true, std::memory_order_relaxed);
}

}  // namespace cacheforge
