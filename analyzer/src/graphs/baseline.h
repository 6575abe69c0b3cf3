// The CI baseline of `lockgraph check`, shared with the library (which reads
// the same file with LOCKGRAPH_OPTIONS=baseline=): see internal/baseline_file.h.
#ifndef LOCKGRAPH_ANALYZER_SRC_GRAPHS_BASELINE_H_
#define LOCKGRAPH_ANALYZER_SRC_GRAPHS_BASELINE_H_

#include "internal/baseline_file.h"

namespace lockgraph::graphs {

using internal::Baseline;
using internal::CanonicalCycle;
using internal::LoadBaseline;
using internal::SaveBaseline;

}  // namespace lockgraph::graphs

#endif  // LOCKGRAPH_ANALYZER_SRC_GRAPHS_BASELINE_H_
