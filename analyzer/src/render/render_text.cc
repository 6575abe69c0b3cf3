// The text report: what a person reads first when a process hangs.
#include <algorithm>

#include "dump_compare.h"
#include "dump_parser.h"
#include "hex.h"
#include "render/render.h"

namespace lockgraph::analyzer {
namespace {

constexpr size_t kMaxListedLwps = 12;
constexpr size_t kMaxTextCycles = 100;
constexpr int kMaxGroupFrames = 16;

std::string LwpList(const Dump& dump, const std::vector<int>& threads) {
  std::string out;
  for (size_t i = 0; i < threads.size() && i < kMaxListedLwps; ++i) {
    if (i) out += ", ";
    const int64_t lwp = dump.threads[threads[i]].lwp;
    out += lwp != 0 ? std::to_string(lwp) : "?";
  }
  if (threads.size() > kMaxListedLwps) {
    out += ", ... (" + std::to_string(threads.size() - kMaxListedLwps) + " more)";
  }
  return out;
}

std::string OwnerText(const Analysis& a, int thread) {
  const OwnerEvidence& e = a.owners[thread];
  std::string out;
  if (e.owners.empty()) {
    out = "owner unknown";
  } else {
    out = "held by ";
    for (size_t i = 0; i < e.owners.size(); ++i) {
      if (i) out += ", ";
      if (e.owners[i].thread >= 0) {
        const Thread& owner = a.dump.threads[e.owners[i].thread];
        out += owner.lwp != 0 ? "LWP " + std::to_string(owner.lwp) : ThreadLabel(owner);
      } else {
        out += "LWP " + std::to_string(e.owners[i].lwp) + " (" + AbsentOwnerNote(a.dump) + ")";
      }
    }
  }
  if (e.source == EvidenceSource::kUnknown) {
    out += " [no owner evidence";
  } else {
    out += " [" + std::string(EvidenceSourceName(e.source)) + ", " + ConfidenceName(e.confidence) +
           " confidence";
  }
  if (!e.detail.empty()) out += ": " + e.detail;
  return out + "]";
}

void PrintFrames(const Thread& t, const Wait& w, const std::string& indent, std::ostream& out) {
  for (int i : RelevantFrames(t, w)) {
    out << indent << "#" << t.frames[i].index << "  " << FrameText(t.frames[i]) << "\n";
  }
}

void PrintWaitLine(const Analysis& a, int thread, std::ostream& out) {
  const Wait& w = a.waits[thread];
  if (w.kind == WaitKind::kJoin) {
    out << "joins a thread, " << OwnerText(a, thread);
  } else {
    out << "waits for " << LockText(w) << ", " << OwnerText(a, thread);
  }
}

void RenderOne(const Analysis& a, std::ostream& out) {
  const Dump& d = a.dump;
  out << "lockgraph: " << a.Verdict() << "\n";
  out << "  dump " << d.source << ": " << DumpFormatName(d.format);
  if (d.pid) out << " of pid " << *d.pid;
  out << ", " << d.threads.size() << " threads, " << d.lines << " lines";
  if (!d.registry.empty()) {
    out << ", " << d.registry.size() << " lock facts from lockgraph's gdb extension";
  }
  out << "\n";
  for (const std::string& w : d.warnings) out << "  warning: " << w << "\n";
  for (const PasteGap& g : a.gaps) out << "  missing: " << g.text << "\n";

  for (size_t c = 0; c < a.cycles.size(); ++c) {
    if (c == kMaxTextCycles) {
      out << "\n... " << a.cycles.size() - c << " more cycles (all of them: --format json)\n";
      break;
    }
    const Cycle& cycle = a.cycles[c];
    out << "\n"
        << (cycle.self_deadlock()
                ? (cycle.signal_reentry ? "self-deadlock by signal re-entry " : "self-deadlock ")
                : "cycle ")
        << c + 1 << " (" << cycle.steps.size() << (cycle.steps.size() == 1 ? " thread" : " threads")
        << (cycle.likely ? ", likely" : "") << "):\n";
    for (const std::string& reason : cycle.reasons) out << "  likely because " << reason << "\n";
    const size_t len = cycle.steps.size();
    for (size_t k = 0; k < len; ++k) {
      const CycleStep& s = cycle.steps[k];
      const Thread& t = d.threads[s.thread];
      const Wait& w = a.waits[s.thread];
      out << "  " << ThreadLabel(t);
      if (t.number > 0 && t.lwp != 0) out << " (gdb thread " << t.number << ")";
      out << "\n";
      const CycleStep& prev_step = cycle.steps[(k + len - 1) % len];
      if (s.holds) {
        out << "    holds     " << HeldText(a, cycle, k) << "\n";
      } else {
        const Thread& prev = d.threads[prev_step.thread];
        const Wait& prev_wait = a.waits[prev_step.thread];
        if (prev_wait.kind == WaitKind::kJoin) {
          // The previous step joins this thread: it holds nothing that has an address.
          out << "    holds     itself (" << ThreadName(prev) << " joins it)\n";
        } else {
          out << "    holds     "
              << (prev_wait.libc_lock.empty() ? "what " + ThreadName(prev) + " waits for"
                                              : prev_wait.libc_lock)
              << " (the address is not in the dump)\n";
        }
      }
      // The registry's list, when it says more than the line above.
      const std::vector<HeldLock>& held = a.registry_held[s.thread];
      if (held.size() > 1 ||
          (held.size() == 1 && held[0].name != a.waits[prev_step.thread].lock_name)) {
        out << "    lockgraph locks held:";
        for (const HeldLock& h : held) {
          out << " \"" << h.name << "\"" << (h.shared ? " (shared)" : "");
        }
        out << "\n";
      }
      out << "    ";
      PrintWaitLine(a, s.thread, out);
      out << "\n";
      PrintFrames(t, w, "      ", out);
    }
  }

  if (!a.blocked_behind.empty()) {
    out << "\nblocked behind the cycle" << (a.cycles.size() == 1 ? "" : "s") << " ("
        << a.blocked_behind.size() << " threads):\n";
    for (int i : a.blocked_behind) {
      const Thread& t = d.threads[i];
      const Wait& w = a.waits[i];
      out << "  " << ThreadLabel(t) << " -> cycle " << a.reaching_cycle[i] + 1 << ": ";
      PrintWaitLine(a, i, out);
      out << "\n";
      if (w.call_site >= 0) {
        out << "      #" << t.frames[w.call_site].index << "  " << FrameText(t.frames[w.call_site])
            << "\n";
      }
    }
  }

  std::vector<int> other;
  for (int i = 0; i < static_cast<int>(d.threads.size()); ++i) {
    if (WaitsForHolder(a.waits[i].kind) && a.reaching_cycle[i] < 0) other.push_back(i);
  }
  if (!other.empty()) {
    out << "\nother waits (" << other.size() << " threads):\n";
    size_t shown = 0;
    for (int i : other) {
      if (++shown > 50) {
        out << "  ... " << other.size() - 50 << " more (see the stack groups)\n";
        break;
      }
      out << "  " << ThreadLabel(d.threads[i]) << ": ";
      PrintWaitLine(a, i, out);
      out << "\n";
    }
  }

  if (!a.long_holders.empty()) {
    out << "\nwaited for, but not waiting for a lock or a thread (" << a.long_holders.size()
        << (a.long_holders.size() == 1 ? " thread" : " threads") << "):\n";
    size_t shown = 0;
    for (const LongHolder& h : a.long_holders) {
      if (++shown > 20) {
        out << "  ... " << a.long_holders.size() - 20 << " more (--format json)\n";
        break;
      }
      const Thread& t = d.threads[h.thread];
      out << "  " << ThreadLabel(t) << " [" << WaitKindName(a.waits[h.thread].kind)
          << "]: " << h.waiters.size()
          << (h.waiters.size() == 1 ? " thread waits" : " threads wait") << " for it (LWP "
          << LwpList(d, h.waiters) << ")\n";
      PrintFrames(t, a.waits[h.thread], "      ", out);
    }
  }

  out << "\nstack groups (" << a.groups.size() << " distinct stacks, " << d.threads.size()
      << " threads):\n";
  for (const StackGroup& g : a.groups) {
    const Thread& t = d.threads[g.threads.front()];
    const Wait& w = a.waits[g.threads.front()];
    out << "  " << g.threads.size() << (g.threads.size() == 1 ? " thread" : " threads") << " ["
        << WaitKindName(w.kind) << "]: LWP " << LwpList(d, g.threads) << "\n";
    int n = static_cast<int>(t.frames.size());
    for (int i = 0; i < std::min(n, kMaxGroupFrames); ++i) {
      out << "      #" << t.frames[i].index << "  " << FrameText(t.frames[i]) << "\n";
    }
    if (n > kMaxGroupFrames) out << "      ... " << n - kMaxGroupFrames << " more frames\n";
    if (t.truncated) out << "      (backtrace stopped)\n";
  }
}

}  // namespace

void RenderText(const std::vector<Analysis>& analyses, std::ostream& out) {
  for (size_t i = 0; i < analyses.size(); ++i) {
    if (i) out << "\n" << std::string(72, '=') << "\n\n";
    RenderOne(analyses[i], out);
  }
  if (analyses.size() < 2) return;
  std::vector<StuckThread> stuck = StuckAcrossDumps(analyses);
  const Analysis& last = analyses.back();
  out << "\n"
      << std::string(72, '=') << "\n\nacross " << analyses.size() << " dumps: " << stuck.size()
      << (stuck.size() == 1 ? " thread" : " threads")
      << " stayed blocked in the same place in every dump\n";
  for (const StuckThread& s : stuck) {
    const Thread& t = last.dump.threads[s.thread];
    const Wait& w = last.waits[s.thread];
    out << "  " << ThreadLabel(t) << ": ";
    PrintWaitLine(last, s.thread, out);
    out << "\n";
    if (w.call_site >= 0) {
      out << "      #" << t.frames[w.call_site].index << "  " << FrameText(t.frames[w.call_site])
          << "\n";
    }
  }
}

}  // namespace lockgraph::analyzer
