// The wait-for graph as Graphviz DOT. Only threads that wait or are waited
// for appear (2,000 idle workers would bury the cycle); locks with no known
// owner get a dashed "owner unknown" node so their waiters still show.
#include <unordered_set>

#include "hex.h"
#include "internal/escape.h"
#include "render/render.h"

namespace lockgraph::analyzer {
namespace {

using lockgraph::internal::DotQuoted;

void RenderOne(const Analysis& a, int index, std::ostream& out) {
  const Dump& d = a.dump;
  const std::string p = "d" + std::to_string(index) + "_";
  out << "  subgraph cluster_" << index << " {\n";
  out << "    label=" << DotQuoted(d.source + ": " + a.Verdict()) << ";\n";
  std::unordered_set<int> shown;
  std::unordered_set<std::string> phantoms;
  std::unordered_set<long long> cycle_edges;  // waiter << 32 | holder index
  for (const Cycle& c : a.cycles) {
    for (const CycleStep& s : c.steps) {
      cycle_edges.insert(static_cast<long long>(s.thread) << 32 | c.steps[s.next].thread);
    }
  }
  auto node = [&](int i) {
    if (!shown.insert(i).second) return;
    const Thread& t = d.threads[i];
    std::string label = ThreadLabel(t);
    const Wait& w = a.waits[i];
    if (w.call_site >= 0) label += "\n" + t.frames[w.call_site].function;
    out << "    " << p << "t" << i << " [label=" << DotQuoted(label)
        << (a.OnCycle(i) ? ", color=red, penwidth=2" : "") << "];\n";
  };
  for (int i = 0; i < static_cast<int>(d.threads.size()); ++i) {
    const Wait& w = a.waits[i];
    if (!WaitsForHolder(w.kind)) continue;
    node(i);
    const OwnerEvidence& e = a.owners[i];
    std::string label = w.kind == WaitKind::kJoin ? std::string("join") : LockText(w);
    label += "\n" + std::string(EvidenceSourceName(e.source)) + ", " + ConfidenceName(e.confidence);
    if (e.owners.empty()) {
      std::string u = p + "unknown_" + std::to_string(i);
      out << "    " << u << " [label=\"owner unknown\", shape=box, style=dashed];\n";
      out << "    " << p << "t" << i << " -> " << u << " [label=" << DotQuoted(label)
          << ", style=dashed];\n";
      continue;
    }
    for (const Owner& o : e.owners) {
      std::string target;
      if (o.thread >= 0) {
        node(o.thread);
        target = p + "t" + std::to_string(o.thread);
      } else {
        target = p + "gone" + std::to_string(o.lwp);
        if (phantoms.insert(target).second) {
          out << "    " << target << " [label=\"LWP " << o.lwp
              << "\\n(not in the dump)\", style=dashed];\n";
        }
      }
      bool red = o.thread >= 0 && cycle_edges.count(static_cast<long long>(i) << 32 | o.thread) > 0;
      out << "    " << p << "t" << i << " -> " << target << " [label=" << DotQuoted(label)
          << (red ? ", color=red, fontcolor=red, penwidth=2" : "") << "];\n";
    }
  }
  if (shown.empty()) out << "    " << p << "none [label=\"no thread waits\", shape=plaintext];\n";
  out << "  }\n";
}

}  // namespace

void RenderDot(const std::vector<Analysis>& analyses, std::ostream& out) {
  out << "digraph waitfor {\n";
  out << "  rankdir=LR;\n  node [shape=ellipse, fontname=\"monospace\", fontsize=10];\n";
  out << "  edge [fontname=\"monospace\", fontsize=9];\n";
  for (size_t i = 0; i < analyses.size(); ++i) RenderOne(analyses[i], static_cast<int>(i), out);
  out << "}\n";
}

}  // namespace lockgraph::analyzer
