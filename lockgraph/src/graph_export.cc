// The whole lock-order graph of the process, by class, as JSON (graph_out,
// GraphJson) and DOT, in three steps: SnapshotGraph copies it under the
// detector's lock; SymbolizeGraph resolves the stacks after the lock is
// released (a new pc costs a debug-information lookup, far too long to make
// every thread that meets a new lock order wait); graph_format.h writes it.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "internal/detector.h"
#include "internal/graph_format.h"
#include "internal/graph_snapshot.h"
#include "internal/report_builder.h"

namespace lockgraph::internal {

namespace {

std::string ProgramPath() {
  char buf[4096];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

// Edges in the file's order: by the names of their classes.
void SortEdgesByName(GraphSnapshot* graph) {
  const std::vector<GraphSnapshot::Class>& classes = graph->classes;
  std::sort(graph->edges.begin(), graph->edges.end(),
            [&](const GraphSnapshot::Edge& a, const GraphSnapshot::Edge& b) {
              return std::tie(classes[a.from].name, classes[a.to].name) <
                     std::tie(classes[b.from].name, classes[b.to].name);
            });
}

}  // namespace

void SymbolizeGraph(GraphSnapshot* graph) {
  for (GraphSnapshot::Stack& stack : graph->stacks) {
    stack.frames = SymbolizeStack(stack.pcs, graph->symbolize);
  }
}

bool WriteGraphFile(const std::string& path, const std::string& text, std::string* error) {
  const std::string temp = path + ".tmp." + std::to_string(getpid());
  const int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    if (error) *error = "cannot open " + path + " for writing: " + std::strerror(errno);
    return false;
  }
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  const bool written = done == text.size();
  const int saved_errno = errno;
  const bool closed = close(fd) == 0;
  if (!(written && closed) || rename(temp.c_str(), path.c_str()) != 0) {
    const int e = written && closed ? errno : saved_errno;
    unlink(temp.c_str());
    if (error) *error = "cannot write " + path + ": " + std::strerror(e);
    return false;
  }
  return true;
}

bool Detector::SnapshotGraph(int timeout_ms, GraphSnapshot* out) {
  if (timeout_ms < 0) {
    mu_.lock();
  } else if (!mu_.LockFor(timeout_ms)) {
    return false;
  }
  {
    RawLockGuard guard(mu_, std::adopt_lock);
    CopyGraphLocked(out);
  }
  SortEdgesByName(out);
  // The profile's counters are atomics, read without the graph's lock.
  out->profile = ProfileOf(out->classes);
  out->pid = getpid();
  out->program = ProgramPath();
  out->symbolize = symbolize_.load(std::memory_order_relaxed);
  return true;
}

void Detector::CopyGraphLocked(GraphSnapshot* out) {
  out->stats = GetStatsLocked();
  out->classes = classes_;
  // prefer_writers=1 assumes it of every class; `lockgraph check` reads it here.
  if (prefer_writers_) {
    for (GraphSnapshot::Class& c : out->classes) c.writer_preferring = true;
  }
  out->edges.reserve(class_edges_.size());
  // Class edges share depot stacks (one call site nests many pairs): each is
  // copied, and later symbolized, once.
  absl::flat_hash_map<uint32_t, uint32_t> stack_index;
  for (const auto& [key, ce] : class_edges_) {
    GraphSnapshot::Edge& e = out->edges.emplace_back();
    e.from = static_cast<uint32_t>(key >> 32);
    e.to = static_cast<uint32_t>(key);
    e.modes = ce.combos;
    e.instance_edges = ce.instance_edges;
    e.ranked = ce.same_class_ranked;
    if (ce.thread < threads_.size()) e.thread = {threads_[ce.thread].tid, threads_[ce.thread].name};
    const auto [it, inserted] =
        stack_index.try_emplace(ce.stack, static_cast<uint32_t>(out->stacks.size()));
    if (inserted) out->stacks.push_back({depot_.Get(ce.stack), {}});
    e.stack = it->second;
  }
  out->reports.reserve(reported_.size());
  for (const ReportedCycle& r : reported_) {
    out->reports.push_back({r.kind, r.classes, r.count});
    if (r.kind == ReportKind::kLockOrderInversion) out->cycles.push_back(r.classes);
  }
}

std::string Detector::GraphJson() {
  std::string json;
  GraphJsonWithin(-1, &json);
  return json;
}

bool Detector::GraphJsonWithin(int timeout_ms, std::string* json) {
  GraphSnapshot graph;
  if (!SnapshotGraph(timeout_ms, &graph)) return false;
  SymbolizeGraph(&graph);
  *json = FormatGraphJson(graph);
  return true;
}

std::string Detector::GraphDot() {
  GraphSnapshot graph;
  SnapshotGraph(-1, &graph);
  return FormatGraphDot(graph);
}

Stats Detector::GetStats() {
  RawLockGuard guard(mu_);
  return GetStatsLocked();
}

Stats Detector::GetStatsLocked() {
  Stats s;
  s.classes = classes_.size();
  s.live_nodes = graph_.live_nodes();
  s.live_edges = graph_.live_edges();
  s.class_edges = class_edges_.size();
  s.stacks = depot_.size();
  s.reports = reported_.size();
  s.slow_path_calls = slow_path_calls_;
  s.dropped_edges = dropped_edges_;
  s.suppressed = suppressed_.load(std::memory_order_relaxed);
  s.memory_bytes = graph_.memory_bytes() + depot_.memory_bytes() +
                   known_.capacity() * sizeof(uint64_t) +
                   class_edges_.capacity() * (sizeof(uint64_t) + sizeof(ClassEdge) + 1);
  return s;
}

void Detector::SaySuppressed() {
  const uint64_t n = suppressed_.load(std::memory_order_relaxed);
  if (n == 0) return;
  std::string from;
  {
    RawLockGuard lock(options_mu_);
    if (!options_.suppressions.empty()) from = "suppressions=" + options_.suppressions;
    if (!options_.baseline.empty()) {
      from += (from.empty() ? "" : ", ") + ("baseline=" + options_.baseline);
    }
  }
  EmitText("lockgraph: " + std::to_string(n) + (n == 1 ? " report" : " reports") + " suppressed (" +
           from + ")\n");
}

void Detector::WriteGraphOut() {
  std::string path;
  {
    RawLockGuard lock(options_mu_);
    path = options_.graph_out;
  }
  if (path.empty()) return;
  // Bounded: at exit, another thread may be stopped (by a debugger, or
  // suspended forever in a signal handler) with the graph's lock held.
  constexpr int kExitLockTimeoutMs = 5000;
  GraphSnapshot graph;
  if (!SnapshotGraph(kExitLockTimeoutMs, &graph)) {
    EmitText("lockgraph: graph_out: another thread kept the lock-order graph locked for " +
             std::to_string(kExitLockTimeoutMs / 1000) + " s; " + ExpandPid(path) +
             " not written\n");
    return;
  }
  // A process that recorded nothing does not replace another's graph: under
  // `lockgraph preload -- sh -c ...` or `timeout`, every process of the tree
  // writes graph_out, and the last to exit is often a wrapper with no locks.
  const std::string expanded = ExpandPid(path);
  if (graph.classes.empty() && access(expanded.c_str(), F_OK) == 0) return;
  SymbolizeGraph(&graph);
  std::string error;
  if (!WriteGraphFile(expanded, FormatGraphJson(graph), &error)) {
    EmitText("lockgraph: graph_out: " + error + "\n");
  }
}

}  // namespace lockgraph::internal
