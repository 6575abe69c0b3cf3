#include "cache.h"

#include <mutex>

bool Cache::Lookup(const std::string& key) {
  std::lock_guard cache(cache_mu_);
  const bool found = entries_.count(key) > 0;
  if (found) {
    std::lock_guard stats(stats_mu_);
    ++hits_;
  }
  return found;
}

void Cache::Rebalance(bool trim) {
  std::lock_guard stats(stats_mu_);
  if (trim) {
    std::lock_guard cache(cache_mu_);
    entries_.clear();
  }
  hits_ = 0;
}

void Cache::Put(const std::string& key, const std::string& value) {
  std::lock_guard cache(cache_mu_);
  entries_[key] = value;
}
