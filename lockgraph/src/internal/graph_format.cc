// The graph file's layout: one top-level key per line, one line per list
// entry, one-line objects with ", " between fields. Readers parse it as JSON;
// the layout only keeps files readable and diffable.
#include "internal/graph_format.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <initializer_list>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "internal/escape.h"
#include "internal/graph_file_spec.h"
#include "internal/profile.h"

namespace lockgraph::internal {
namespace {

static_assert(kHistogramBuckets <= kGraphHistogramMaxBuckets,
              "a profile histogram would not fit the graph file's schema");

void AppendUint(std::string* s, uint64_t v) {
  char buf[24];
  s->append(buf, std::to_chars(buf, buf + sizeof(buf), v).ptr);
}

void AppendInt(std::string* s, int64_t v) {
  char buf[24];
  s->append(buf, std::to_chars(buf, buf + sizeof(buf), v).ptr);
}

void AppendBool(std::string* s, bool v) { s->append(v ? "true" : "false"); }

// `sep` then `"key": `: the start of every field of a one-line object.
void Field(std::string* s, std::string_view sep, std::string_view key) {
  s->append(sep);
  s->push_back('"');
  s->append(key);
  s->append("\": ");
}

// `[item, item]` on one line.
template <typename T, typename AppendItem>
void AppendInlineList(std::string* s, const std::vector<T>& items, AppendItem append) {
  s->push_back('[');
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) s->append(", ");
    append(s, items[i]);
  }
  s->push_back(']');
}

// `  "key": [` with one entry per line, then `],`: the file's top-level lists.
template <typename T, typename AppendItem>
void AppendTopLevelList(std::string* s, std::string_view key, const std::vector<T>& items,
                        AppendItem append) {
  Field(s, "  ", key);
  s->push_back('[');
  for (size_t i = 0; i < items.size(); ++i) {
    s->append(i ? ",\n    " : "\n    ");
    append(s, items[i]);
  }
  s->append(items.empty() ? "],\n" : "\n  ],\n");
}

void AppendClass(std::string* s, const GraphSnapshot::Class& c) {
  Field(s, "{", "name");
  AppendJsonQuoted(s, c.name);
  Field(s, ", ", "site");
  AppendJsonQuoted(s, c.site);
  Field(s, ", ", "function");
  AppendJsonQuoted(s, c.function);
  Field(s, ", ", "instances");
  AppendUint(s, c.instances);
  if (c.writer_preferring) {
    Field(s, ", ", "writer_preferring");
    s->append("true");
  }
  s->push_back('}');
}

void AppendFrame(std::string* s, const StackFrame& f) {
  char pc[2 + 2 * sizeof(uintptr_t) + 1];
  std::snprintf(pc, sizeof(pc), "0x%zx", static_cast<size_t>(f.pc));
  Field(s, "{", "pc");
  AppendJsonQuoted(s, pc);
  Field(s, ", ", "function");
  AppendJsonQuoted(s, f.function);
  Field(s, ", ", "file");
  AppendJsonQuoted(s, f.file);
  Field(s, ", ", "line");
  AppendInt(s, f.line);
  Field(s, ", ", "inlined");
  AppendBool(s, f.inlined);
  s->push_back('}');
}

void AppendEdge(std::string* s, const GraphSnapshot& graph, const GraphSnapshot::Edge& e) {
  Field(s, "{", "from");
  AppendJsonQuoted(s, graph.classes[e.from].name);
  Field(s, ", ", "to");
  AppendJsonQuoted(s, graph.classes[e.to].name);
  Field(s, ", ", "modes");
  s->push_back('[');
  const char* sep = "";
  for (size_t c = 0; c < kEdgeModeNames.size(); ++c) {
    if (!(e.modes & (1u << c))) continue;
    s->append(sep);
    sep = ", ";
    AppendJsonQuoted(s, kEdgeModeNames[c]);
  }
  s->push_back(']');
  Field(s, ", ", "instance_edges");
  AppendUint(s, e.instance_edges);
  if (e.from == e.to) {
    Field(s, ", ", "same_class");
    AppendBool(s, true);
    Field(s, ", ", "ranked");
    AppendBool(s, e.ranked);
  }
  Field(s, ", ", "thread");
  Field(s, "{", "tid");
  AppendInt(s, e.thread.tid);
  Field(s, ", ", "name");
  AppendJsonQuoted(s, e.thread.name);
  s->push_back('}');
  Field(s, ", ", "stack");
  AppendInlineList(s, graph.stacks[e.stack].frames, AppendFrame);
  s->push_back('}');
}

void AppendReport(std::string* s, const GraphSnapshot& graph, const GraphSnapshot::Report& r) {
  Field(s, "{", "kind");
  AppendJsonQuoted(s, ReportKindName(r.kind));
  Field(s, ", ", "locks");
  AppendInlineList(s, r.locks, [&graph](std::string* out, uint32_t c) {
    AppendJsonQuoted(out, graph.classes[c].name);
  });
  Field(s, ", ", "count");
  AppendUint(s, r.count);
  s->push_back('}');
}

// `"key": value` for each counter, `sep` before the first and ", " between.
void AppendCounters(std::string* s, const char* sep,
                    std::initializer_list<std::pair<std::string_view, uint64_t>> counters) {
  for (const auto& [key, value] : counters) {
    Field(s, sep, key);
    AppendUint(s, value);
    sep = ", ";
  }
}

void AppendProfile(std::string* s, const LockProfile& p) {
  Field(s, "{", "name");
  AppendJsonQuoted(s, p.name);
  Field(s, ", ", "site");
  AppendJsonQuoted(s, p.site);
  AppendCounters(s, ", ",
                 {{"acquisitions", p.acquisitions},
                  {"contended", p.contended},
                  {"wait_total_ns", p.wait_total_ns},
                  {"wait_max_ns", p.wait_max_ns},
                  {"holds", p.holds},
                  {"hold_total_ns", p.hold_total_ns},
                  {"hold_max_ns", p.hold_max_ns},
                  {"long_waits", p.long_waits},
                  {"long_holds", p.long_holds}});
  Field(s, ", ", "wait_histogram");
  AppendInlineList(s, p.wait_histogram, AppendUint);
  Field(s, ", ", "hold_histogram");
  AppendInlineList(s, p.hold_histogram, AppendUint);
  s->push_back('}');
}

void AppendStats(std::string* s, const Stats& stats) {
  Field(s, "  ", "stats");
  AppendCounters(s, "{",
                 {{"live_nodes", stats.live_nodes},
                  {"live_edges", stats.live_edges},
                  {"stacks", stats.stacks},
                  {"slow_path_calls", stats.slow_path_calls},
                  {"dropped_edges", stats.dropped_edges},
                  {"memory_bytes", stats.memory_bytes},
                  {"suppressed", stats.suppressed}});
  s->append("}\n");
}

}  // namespace

std::string FormatGraphJson(const GraphSnapshot& graph) {
  std::string s = "{\n";
  Field(&s, "  ", "format");
  AppendJsonQuoted(&s, kGraphFileFormat);
  Field(&s, ",\n  ", "version");
  AppendInt(&s, kGraphFileVersion);
  Field(&s, ",\n  ", "pid");
  AppendInt(&s, graph.pid);
  Field(&s, ",\n  ", "program");
  AppendJsonQuoted(&s, graph.program);
  s.append(",\n");
  const auto class_name = [&graph](std::string* out, uint32_t c) {
    AppendJsonQuoted(out, graph.classes[c].name);
  };
  AppendTopLevelList(&s, "classes", graph.classes, AppendClass);
  AppendTopLevelList(&s, "edges", graph.edges, [&](std::string* out, const GraphSnapshot::Edge& e) {
    AppendEdge(out, graph, e);
  });
  AppendTopLevelList(&s, "cycles", graph.cycles,
                     [&](std::string* out, const std::vector<uint32_t>& cycle) {
                       AppendInlineList(out, cycle, class_name);
                     });
  AppendTopLevelList(
      &s, "reports", graph.reports,
      [&](std::string* out, const GraphSnapshot::Report& r) { AppendReport(out, graph, r); });
  AppendTopLevelList(&s, "profile", graph.profile, AppendProfile);
  AppendStats(&s, graph.stats);
  s.append("}\n");
  return s;
}

std::string FormatGraphDot(const GraphSnapshot& graph) {
  absl::flat_hash_set<uint64_t> cyclic;
  for (const std::vector<uint32_t>& cycle : graph.cycles) {
    for (size_t k = 0; k < cycle.size(); ++k) {
      cyclic.insert(uint64_t{cycle[k]} << 32 | cycle[(k + 1) % cycle.size()]);
    }
  }
  // By class index, not name: nodes are numbered in class order.
  std::vector<uint64_t> edges;
  edges.reserve(graph.edges.size());
  for (const GraphSnapshot::Edge& e : graph.edges) edges.push_back(uint64_t{e.from} << 32 | e.to);
  std::sort(edges.begin(), edges.end());
  std::string s = "digraph lockgraph {\n  rankdir=LR;\n  node [shape=box];\n";
  for (size_t i = 0; i < graph.classes.size(); ++i) {
    s += "  c" + std::to_string(i) +
         " [label=" + DotQuoted(graph.classes[i].name + "\n" + graph.classes[i].site) + "];\n";
  }
  for (const uint64_t key : edges) {
    s += "  c" + std::to_string(key >> 32) + " -> c" + std::to_string(key & 0xFFFFFFFFu);
    if (cyclic.contains(key)) s += " [color=red, penwidth=2]";
    s += ";\n";
  }
  s += "}\n";
  return s;
}

}  // namespace lockgraph::internal
