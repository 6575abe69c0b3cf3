// Prints a synthetic gdb dump for benchmarks: N idle pool threads in K
// distinct stacks plus one ABBA pair with recorded owners (about 1 KB per
// thread). Usage: lockgraph_synthetic_dump N [K]
#include <cstdio>
#include <cstdlib>
#include <string>

#include "test_util.h"

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: %s THREADS [DISTINCT_STACKS]\n", argv[0]);
    return 2;
  }
  int threads = std::atoi(argv[1]);
  int kinds = argc == 3 ? std::atoi(argv[2]) : 4;
  if (threads < 0 || kinds < 1) {
    std::fprintf(stderr, "THREADS must be >= 0 and DISTINCT_STACKS >= 1\n");
    return 2;
  }
  std::string dump = lockgraph::analyzer::testing::SyntheticDump(threads, kinds);
  std::fwrite(dump.data(), 1, dump.size(), stdout);
  return 0;
}
