// Groups threads with identical stacks (function and source position of
// every frame; addresses and argument values ignored), the way pt-pmp and
// panicparse do, so 2,000 idle workers become one line with a count.
#ifndef LOCKGRAPH_ANALYZER_SRC_STACK_GROUPS_H_
#define LOCKGRAPH_ANALYZER_SRC_STACK_GROUPS_H_

#include <string>
#include <vector>

#include "dump.h"

namespace lockgraph::analyzer {

struct StackGroup {
  std::vector<int> threads;  // indices into Dump::threads, in dump order
};

// What makes two stacks the same: each frame's function, source position and
// library (not addresses or argument values).
std::string StackKey(const Thread& thread);

// Largest group first; ties in order of first appearance. Linear in the
// total number of frames (one hash per stack).
std::vector<StackGroup> GroupStacks(const Dump& dump);

}  // namespace lockgraph::analyzer

#endif  // LOCKGRAPH_ANALYZER_SRC_STACK_GROUPS_H_
