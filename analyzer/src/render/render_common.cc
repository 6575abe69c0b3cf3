// Helpers the renderers share: how a thread, a frame and a lock are named.
#include <algorithm>

#include "hex.h"
#include "render/render.h"

namespace lockgraph::analyzer {

bool ParseOutputFormat(std::string_view name, OutputFormat* format) {
  if (name == "text")
    *format = OutputFormat::kText;
  else if (name == "json")
    *format = OutputFormat::kJson;
  else if (name == "dot")
    *format = OutputFormat::kDot;
  else if (name == "svg")
    *format = OutputFormat::kSvg;
  else if (name == "html")
    *format = OutputFormat::kHtml;
  else
    return false;
  return true;
}

std::string ThreadLabel(const Thread& thread) {
  std::string out = thread.lwp != 0 ? "LWP " + std::to_string(thread.lwp)
                    : thread.number > 0
                        ? "gdb thread " + std::to_string(thread.number) + " (LWP not in the paste)"
                        : std::string("a thread of unknown id (a bare backtrace)");
  if (!thread.name.empty()) out += " \"" + thread.name + "\"";
  return out;
}

std::string FrameText(const Frame& frame) {
  std::string out = frame.function;
  if (!frame.file.empty()) {
    out += " at " + frame.file;
    if (frame.line > 0) out += ":" + std::to_string(frame.line);
  } else if (!frame.library.empty()) {
    out += " from " + frame.library;
  }
  return out;
}

std::vector<int> RelevantFrames(const Thread& thread, const Wait& wait) {
  const int n = static_cast<int>(thread.frames.size());
  constexpr int kCallerFrames = 3;
  constexpr int kIdleFrames = 8;
  std::vector<int> out;
  if (wait.wait_frame < 0) {
    for (int i = 0; i < std::min(n, kIdleFrames); ++i) out.push_back(i);
    return out;
  }
  out.push_back(wait.wait_frame);
  int from = wait.call_site >= 0 ? wait.call_site : wait.wait_frame + 1;
  for (int i = from; i < std::min(n, from + kCallerFrames); ++i) out.push_back(i);
  return out;
}

std::string LockText(const Wait& wait) {
  std::string out = WaitKindName(wait.kind);
  if (wait.lock) {
    out += " " + Hex(*wait.lock);
    if (!wait.lock_symbol.empty()) out += " <" + wait.lock_symbol + ">";
  }
  if (!wait.lock_name.empty()) out += " \"" + wait.lock_name + "\"";
  if (!wait.libc_lock.empty()) out += " (" + wait.libc_lock + ")";
  return out;
}

std::string AbsentOwnerNote(const Dump& dump) {
  return dump.all_threads
             ? "not in the dump: it exited holding the lock, or held it across fork() in the "
               "parent"
             : "not in the paste";
}

std::string HeldText(const Analysis& analysis, const Cycle& cycle, size_t step) {
  const CycleStep& s = cycle.steps[step];
  const size_t len = cycle.steps.size();
  const Wait& prev = analysis.waits[cycle.steps[(step + len - 1) % len].thread];
  if (!s.holds) return "";
  std::string out = Hex(*s.holds);
  if (!prev.lock_symbol.empty()) out += " <" + prev.lock_symbol + ">";
  if (!prev.lock_name.empty()) out += " \"" + prev.lock_name + "\"";
  return out;
}

}  // namespace lockgraph::analyzer
