// Several dumps of one process taken seconds apart: which threads stayed
// blocked in exactly the same place in every one of them. A thread waiting
// for a lock with an identical stack across dumps is stuck, not merely slow;
// the same question Java thread-dump tools are most asked to answer.
#ifndef LOCKGRAPH_ANALYZER_SRC_DUMP_COMPARE_H_
#define LOCKGRAPH_ANALYZER_SRC_DUMP_COMPARE_H_

#include <cstdint>
#include <vector>

#include "analysis.h"

namespace lockgraph::analyzer {

struct StuckThread {
  int64_t lwp = 0;
  int thread = -1;  // its index in the last dump
};

// Threads present in every analysis (by LWP) with the same stack in all of
// them and blocked on a lock or a join in the last one. Empty for fewer than
// two analyses. In the last dump's thread order.
std::vector<StuckThread> StuckAcrossDumps(const std::vector<Analysis>& analyses);

}  // namespace lockgraph::analyzer

#endif  // LOCKGRAPH_ANALYZER_SRC_DUMP_COMPARE_H_
