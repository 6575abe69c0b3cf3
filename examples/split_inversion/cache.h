// A tiny cache with a statistics block, each behind its own lock. Two code
// paths take the two locks in opposite orders, but no single test runs both:
// each test binary is clean on its own, and only the merged lock-order graph
// of the test runs (`lockgraph check`) shows the inversion.
#ifndef LOCKGRAPH_EXAMPLES_SPLIT_INVERSION_CACHE_H_
#define LOCKGRAPH_EXAMPLES_SPLIT_INVERSION_CACHE_H_

#include <map>
#include <string>

#include "lockgraph/mutex.h"

class Cache {
 public:
  // Looks a key up and counts the hit: cache, then stats.
  bool Lookup(const std::string& key);
  // Resets the statistics and, when `trim`, empties the cache: stats, then cache.
  void Rebalance(bool trim);
  void Put(const std::string& key, const std::string& value);

 private:
  lockgraph::Mutex cache_mu_{"example.cache"};
  lockgraph::Mutex stats_mu_{"example.stats"};
  std::map<std::string, std::string> entries_;
  long hits_ = 0;
};

#endif  // LOCKGRAPH_EXAMPLES_SPLIT_INVERSION_CACHE_H_
