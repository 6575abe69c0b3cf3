// server/store/watched_keys.cc
// -----------------------------------------------------------------------------
#include "store/watched_keys.h"

#include <absl/strings/string_view.h>

#include <algorithm>

namespace cacheforge {
namespace {

// Debian's Abseil has its own string_view; lookups convert.
absl::string_view Key(std::string_view key) { return absl::string_view(key.data(), key.size()); }

}  // namespace

void WatchedKeys::Add(std::string_view key, std::shared_ptr<WatchFlag> flag) {
  watchers_[Key(key)].push_back(std::move(flag));
}

void WatchedKeys::Remove(std::string_view key, const WatchFlag* flag) {
  auto it = watchers_.find(Key(key));
  if (it == watchers_.end()) return;
  auto& flags = it->second;
  flags.erase(
      std::remove_if(flags.begin(), flags.end(),
                     [flag](const std::shared_ptr<WatchFlag>& f) { return f.get() == flag; }),
      flags.end());
  if (flags.empty()) watchers_.erase(it);
}

void WatchedKeys::Touch(std::string_view key) {
  auto it = watchers_.find(Key(key));
  if (it == watchers_.end()) return;
  for (auto& flag : it->second) flag->dirty.store(true, std::memory_order_relaxed);
}

}  // namespace cacheforge
