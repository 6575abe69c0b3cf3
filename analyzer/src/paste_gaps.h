// What a partial dump lacks, so the verdict can say what the analysis could
// not see: threads listed without a stack, backtraces without a thread id,
// frame lines cut short, frames missing inside or after a stack. A complete
// `thread apply all bt` or capture has none.
#ifndef LOCKGRAPH_ANALYZER_SRC_PASTE_GAPS_H_
#define LOCKGRAPH_ANALYZER_SRC_PASTE_GAPS_H_

#include <string>
#include <vector>

#include "dump.h"

namespace lockgraph::analyzer {

enum class GapKind {
  kNoStack,      // listed (`info threads`, `thread N`, a header) with at most its current frame
  kNoThreadId,   // a bare backtrace: which thread, the paste does not say
  kCutFrames,    // frame lines that end inside their argument list
  kInnerFrames,  // frame numbers skip: lines lost from the middle of a stack
  kOuterFrames,  // `(More stack frames follow...)`: gdb was asked for fewer frames
};
const char* GapKindName(GapKind kind);  // `no-stack`, `no-thread-id`, ...

struct PasteGap {
  GapKind kind;
  std::vector<int> threads;  // indices into Dump::threads
  int count = 0;             // threads, or frames for kCutFrames
  std::string text;          // for people: `2 threads listed without a stack (LWP 7, 8)`
};

std::vector<PasteGap> FindPasteGaps(const Dump& dump);

}  // namespace lockgraph::analyzer

#endif  // LOCKGRAPH_ANALYZER_SRC_PASTE_GAPS_H_
