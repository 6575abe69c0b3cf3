// Test binary 2: a busy cache rebalanced. Clean on its own.
#include <cstdio>
#include <string>

#include "cache.h"

int main() {
  Cache cache;
  for (int i = 0; i < 150; ++i) cache.Put("k" + std::to_string(i), "v");
  cache.Rebalance(/*trim=*/true);
  std::puts("test_rebalance: ok");
}
