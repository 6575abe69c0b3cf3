// Test binary 1: lookups only. Clean on its own.
#include <cstdio>

#include "cache.h"

int main() {
  Cache cache;
  cache.Put("k", "v");
  for (int i = 0; i < 10; ++i) cache.Lookup("k");
  std::puts("test_lookup: ok");
}
