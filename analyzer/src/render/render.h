// Renderers: each turns analyses (one per input dump) into one output
// format. They only read the Analysis; nothing here decides anything.
#ifndef LOCKGRAPH_ANALYZER_SRC_RENDER_RENDER_H_
#define LOCKGRAPH_ANALYZER_SRC_RENDER_RENDER_H_

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "analysis.h"

namespace lockgraph::analyzer {

enum class OutputFormat { kText, kJson, kDot, kSvg, kHtml };
bool ParseOutputFormat(std::string_view name, OutputFormat* format);

// For people: the verdict first, then each cycle with every thread's LWP,
// name, the lock it holds and waits for and its relevant frames, then the
// threads blocked behind, then the stack groups.
void RenderText(const std::vector<Analysis>& analyses, std::ostream& out);
// Top-level `cycles` (every dump's cycles; each a list of {lwp, lock, ...}),
// plus `verdict`, `threads`, `groups` and the rest; see render_json.cc.
void RenderJson(const std::vector<Analysis>& analyses, std::ostream& out);
// The wait-for graph in Graphviz DOT: waiting threads, their owners, and
// cycle edges in red.
void RenderDot(const std::vector<Analysis>& analyses, std::ostream& out);
// Runs Graphviz `dot -Tsvg` on `dot_source`. False with a message when `dot`
// is missing or fails.
bool DotToSvg(const std::string& dot_source, std::string* svg, std::string* error);
// One self-contained page (inline CSS, the graph as inline SVG when
// `svg` is not empty).
void RenderHtml(const std::vector<Analysis>& analyses, const std::string& svg, std::ostream& out);

// Shared by the renderers.
std::string ThreadLabel(const Thread& thread);  // `LWP 18399 "worker"`
// Why an owner is not among the dump's threads, as far as the dump can say.
std::string AbsentOwnerNote(const Dump& dump);
std::string FrameText(const Frame& frame);  // `t1 (x=0x0) at abba.c:6`
// The frames worth showing for a thread: the wait frame through a few frames
// of the caller's code; all frames (up to a limit) when it does not wait.
std::vector<int> RelevantFrames(const Thread& thread, const Wait& wait);
std::string LockText(const Wait& wait);  // `mutex 0x55d0 <a> "cache.table"`
// What step `step` of `cycle` holds (the lock the previous step waits for):
// `0x55d0 <a> "cache.table"`, or empty when it is a joined thread.
std::string HeldText(const Analysis& analysis, const Cycle& cycle, size_t step);

}  // namespace lockgraph::analyzer

#endif  // LOCKGRAPH_ANALYZER_SRC_RENDER_RENDER_H_
