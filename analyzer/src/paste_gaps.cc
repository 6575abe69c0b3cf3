// What a paste lacks; see paste_gaps.h.
#include "paste_gaps.h"

namespace lockgraph::analyzer {
namespace {

constexpr size_t kMaxNamed = 8;

std::string Plural(int n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// `(LWP 7, 8, ... 3 more)` for the threads whose LWP the dump knows.
std::string Lwps(const Dump& dump, const std::vector<int>& threads) {
  std::string out;
  size_t named = 0;
  for (int i : threads) {
    const Thread& t = dump.threads[i];
    if (t.lwp == 0) continue;
    if (named < kMaxNamed) out += (named ? ", " : "") + std::to_string(t.lwp);
    ++named;
  }
  if (named == 0) return "";
  if (named > kMaxNamed) out += ", ... " + std::to_string(named - kMaxNamed) + " more";
  return " (LWP " + out + ")";
}

}  // namespace

const char* GapKindName(GapKind kind) {
  switch (kind) {
    case GapKind::kNoStack:
      return "no-stack";
    case GapKind::kNoThreadId:
      return "no-thread-id";
    case GapKind::kCutFrames:
      return "cut-frames";
    case GapKind::kInnerFrames:
      return "inner-frames";
    case GapKind::kOuterFrames:
      return "outer-frames";
  }
  return "";
}

std::vector<PasteGap> FindPasteGaps(const Dump& dump) {
  if (dump.format == DumpFormat::kGdbExtension) return {};  // facts only, by design
  PasteGap no_stack{GapKind::kNoStack, {}, 0, ""};
  PasteGap no_id{GapKind::kNoThreadId, {}, 0, ""};
  PasteGap cut{GapKind::kCutFrames, {}, 0, ""};
  PasteGap inner{GapKind::kInnerFrames, {}, 0, ""};
  PasteGap outer{GapKind::kOuterFrames, {}, 0, ""};
  for (int i = 0; i < static_cast<int>(dump.threads.size()); ++i) {
    const Thread& t = dump.threads[i];
    if (t.stack != StackSource::kBacktrace) no_stack.threads.push_back(i);
    if (!t.id_known) no_id.threads.push_back(i);
    if (t.inner_frames_missing) inner.threads.push_back(i);
    if (t.outer_frames_missing) outer.threads.push_back(i);
    int cut_here = 0;
    for (const Frame& f : t.frames) cut_here += f.cut || f.line_cut ? 1 : 0;
    if (cut_here > 0) {
      cut.threads.push_back(i);
      cut.count += cut_here;
    }
  }
  std::vector<PasteGap> out;
  auto add = [&](PasteGap gap, std::string text) {
    if (gap.threads.empty()) return;
    if (gap.count == 0) gap.count = static_cast<int>(gap.threads.size());
    gap.text = std::move(text);
    out.push_back(std::move(gap));
  };
  const int n_no_stack = static_cast<int>(no_stack.threads.size());
  add(no_stack, Plural(n_no_stack, "thread", "threads") +
                    " listed without a stack (at most the current frame, as `info threads` and "
                    "`thread N` show it)" +
                    Lwps(dump, no_stack.threads));
  add(no_id, Plural(static_cast<int>(no_id.threads.size()), "backtrace", "backtraces") +
                 " without a thread id (no `Thread N (... (LWP n)):` header or "
                 "`[Switching to thread ...]` line)");
  add(cut, Plural(cut.count, "frame line", "frame lines") +
               " cut short (an incomplete last argument is not used)" + Lwps(dump, cut.threads));
  add(inner, "frames missing from the middle of " +
                 Plural(static_cast<int>(inner.threads.size()), "stack", "stacks") +
                 " (frame numbers skip)" + Lwps(dump, inner.threads));
  add(outer, "outer frames not printed for " +
                 Plural(static_cast<int>(outer.threads.size()), "thread", "threads") +
                 " (`(More stack frames follow...)`)" + Lwps(dump, outer.threads));
  return out;
}

}  // namespace lockgraph::analyzer
