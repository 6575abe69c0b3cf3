// The whole lock-order graph of the process, by class, as JSON (graph_out,
// GraphJson) and DOT. Snapshot under the detector's lock, symbolize after.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "internal/detector.h"
#include "internal/escape.h"
#include "internal/report_builder.h"

namespace lockgraph::internal {

namespace {

const char* kComboNames[4] = {"exclusive->exclusive", "exclusive->shared", "shared->exclusive",
                              "shared->shared"};

std::string ProgramPath() {
  char buf[4096];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

struct EdgeSnapshot {
  uint32_t from, to;
  uint8_t combos;
  uint64_t instance_edges;
  bool same_class_ranked;
  int tid;
  std::string thread_name;
  std::vector<uintptr_t> stack;
};

}  // namespace

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

std::string Detector::GraphJson() {
  std::string json;
  GraphJsonWithin(-1, &json);
  return json;
}

bool Detector::GraphJsonWithin(int timeout_ms, std::string* json) {
  std::vector<ClassInfo> classes;
  std::vector<EdgeSnapshot> edges;
  std::vector<ReportedCycle> reported;
  Stats stats;
  {
    if (timeout_ms < 0) {
      mu_.lock();
    } else if (!mu_.LockFor(timeout_ms)) {
      return false;
    }
    RawLockGuard guard(mu_, std::adopt_lock);
    stats = GetStatsLocked();
    classes = classes_;
    reported = reported_;
    for (const auto& [key, ce] : class_edges_) {
      EdgeSnapshot e{static_cast<uint32_t>(key >> 32),
                     static_cast<uint32_t>(key),
                     ce.combos,
                     ce.instance_edges,
                     ce.same_class_ranked,
                     0,
                     "",
                     depot_.Get(ce.stack)};
      if (ce.thread < threads_.size()) {
        e.tid = threads_[ce.thread].tid;
        e.thread_name = threads_[ce.thread].name;
      }
      edges.push_back(std::move(e));
    }
  }
  std::sort(edges.begin(), edges.end(), [&](const EdgeSnapshot& a, const EdgeSnapshot& b) {
    return std::tie(classes[a.from].name, classes[a.to].name) <
           std::tie(classes[b.from].name, classes[b.to].name);
  });
  const bool symbolize = symbolize_.load(std::memory_order_relaxed);

  std::string s = "{\n  \"version\": 1,\n  \"pid\": " + std::to_string(getpid()) +
                  ",\n  \"program\": " + JsonQuoted(ProgramPath()) + ",\n  \"classes\": [";
  for (size_t i = 0; i < classes.size(); ++i) {
    s += i ? ",\n    " : "\n    ";
    s += "{\"name\": " + JsonQuoted(classes[i].name) +
         ", \"site\": " + JsonQuoted(classes[i].site) +
         ", \"function\": " + JsonQuoted(classes[i].function) +
         ", \"instances\": " + std::to_string(classes[i].instances) + "}";
  }
  s += classes.empty() ? "],\n  \"edges\": [" : "\n  ],\n  \"edges\": [";
  for (size_t i = 0; i < edges.size(); ++i) {
    const EdgeSnapshot& e = edges[i];
    s += i ? ",\n    " : "\n    ";
    s += "{\"from\": " + JsonQuoted(classes[e.from].name) +
         ", \"to\": " + JsonQuoted(classes[e.to].name) + ", \"modes\": [";
    bool first = true;
    for (int c = 0; c < 4; ++c) {
      if (!(e.combos & (1u << c))) continue;
      if (!first) s += ", ";
      first = false;
      s += JsonQuoted(kComboNames[c]);
    }
    s += "], \"instance_edges\": " + std::to_string(e.instance_edges);
    if (e.from == e.to) {
      s += ", \"same_class\": true, \"ranked\": ";
      s += e.same_class_ranked ? "true" : "false";
    }
    s += ", \"thread\": {\"tid\": " + std::to_string(e.tid) +
         ", \"name\": " + JsonQuoted(e.thread_name) + "}, \"stack\": [";
    const std::vector<StackFrame> frames = SymbolizeStack(e.stack, symbolize);
    for (size_t k = 0; k < frames.size(); ++k) {
      const StackFrame& f = frames[k];
      char pc[32];
      std::snprintf(pc, sizeof(pc), "0x%zx", static_cast<size_t>(f.pc));
      if (k) s += ", ";
      s += "{\"pc\": " + JsonQuoted(pc) + ", \"function\": " + JsonQuoted(f.function) +
           ", \"file\": " + JsonQuoted(f.file) + ", \"line\": " + std::to_string(f.line) +
           ", \"inlined\": " + (f.inlined ? "true" : "false") + "}";
    }
    s += "]}";
  }
  s += edges.empty() ? "],\n  \"cycles\": [" : "\n  ],\n  \"cycles\": [";
  bool first_cycle = true;
  for (const ReportedCycle& c : reported) {
    if (c.kind != ReportKind::kLockOrderInversion) continue;
    s += first_cycle ? "\n    [" : ",\n    [";
    first_cycle = false;
    for (size_t k = 0; k < c.classes.size(); ++k) {
      if (k) s += ", ";
      s += JsonQuoted(classes[c.classes[k]].name);
    }
    s += "]";
  }
  s += first_cycle ? "],\n  \"reports\": [" : "\n  ],\n  \"reports\": [";
  for (size_t i = 0; i < reported.size(); ++i) {
    const ReportedCycle& c = reported[i];
    s += i ? ",\n    " : "\n    ";
    s += "{\"kind\": " + JsonQuoted(ReportKindName(c.kind)) + ", \"locks\": [";
    for (size_t k = 0; k < c.classes.size(); ++k) {
      if (k) s += ", ";
      s += JsonQuoted(classes[c.classes[k]].name);
    }
    s += "], \"count\": " + std::to_string(c.count) + "}";
  }
  s += reported.empty() ? "],\n" : "\n  ],\n";
  s += "  \"profile\": [";
  const std::vector<LockProfile> profile = ProfileOf(classes);
  for (size_t i = 0; i < profile.size(); ++i) {
    const LockProfile& p = profile[i];
    s += i ? ",\n    " : "\n    ";
    s += "{\"name\": " + JsonQuoted(p.name) + ", \"site\": " + JsonQuoted(p.site) +
         ", \"acquisitions\": " + std::to_string(p.acquisitions) +
         ", \"contended\": " + std::to_string(p.contended) +
         ", \"wait_total_ns\": " + std::to_string(p.wait_total_ns) +
         ", \"wait_max_ns\": " + std::to_string(p.wait_max_ns) +
         ", \"holds\": " + std::to_string(p.holds) +
         ", \"hold_total_ns\": " + std::to_string(p.hold_total_ns) +
         ", \"hold_max_ns\": " + std::to_string(p.hold_max_ns) +
         ", \"long_waits\": " + std::to_string(p.long_waits) +
         ", \"long_holds\": " + std::to_string(p.long_holds) + ", \"wait_histogram\": [";
    for (size_t k = 0; k < p.wait_histogram.size(); ++k) {
      s += (k ? ", " : "") + std::to_string(p.wait_histogram[k]);
    }
    s += "], \"hold_histogram\": [";
    for (size_t k = 0; k < p.hold_histogram.size(); ++k) {
      s += (k ? ", " : "") + std::to_string(p.hold_histogram[k]);
    }
    s += "]}";
  }
  s += profile.empty() ? "],\n" : "\n  ],\n";
  s += "  \"stats\": {\"live_nodes\": " + std::to_string(stats.live_nodes) +
       ", \"live_edges\": " + std::to_string(stats.live_edges) +
       ", \"stacks\": " + std::to_string(stats.stacks) +
       ", \"slow_path_calls\": " + std::to_string(stats.slow_path_calls) +
       ", \"dropped_edges\": " + std::to_string(stats.dropped_edges) +
       ", \"memory_bytes\": " + std::to_string(stats.memory_bytes) + "}\n}\n";
  *json = std::move(s);
  return true;
}

std::string Detector::GraphDot() {
  std::vector<ClassInfo> classes;
  std::vector<std::pair<uint64_t, uint8_t>> edges;
  absl::flat_hash_set<uint64_t> cyclic;
  {
    RawLockGuard guard(mu_);
    classes = classes_;
    for (const auto& [key, ce] : class_edges_) edges.emplace_back(key, ce.combos);
    for (const ReportedCycle& c : reported_) {
      if (c.kind != ReportKind::kLockOrderInversion) continue;
      for (size_t k = 0; k < c.classes.size(); ++k) {
        cyclic.insert(uint64_t{c.classes[k]} << 32 | c.classes[(k + 1) % c.classes.size()]);
      }
    }
  }
  std::sort(edges.begin(), edges.end());
  std::string s = "digraph lockgraph {\n  rankdir=LR;\n  node [shape=box];\n";
  for (size_t i = 0; i < classes.size(); ++i) {
    s += "  c" + std::to_string(i) +
         " [label=" + DotQuoted(classes[i].name + "\n" + classes[i].site) + "];\n";
  }
  for (const auto& [key, combos] : edges) {
    s += "  c" + std::to_string(key >> 32) + " -> c" + std::to_string(key & 0xFFFFFFFFu);
    if (cyclic.contains(key)) s += " [color=red, penwidth=2]";
    s += ";\n";
  }
  s += "}\n";
  return s;
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
  s.memory_bytes = graph_.memory_bytes() + depot_.memory_bytes() +
                   known_.capacity() * sizeof(uint64_t) +
                   class_edges_.capacity() * (sizeof(uint64_t) + sizeof(ClassEdge) + 1);
  return s;
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
  std::string json;
  if (!GraphJsonWithin(kExitLockTimeoutMs, &json)) {
    EmitText("lockgraph: graph_out: another thread kept the lock-order graph locked for " +
             std::to_string(kExitLockTimeoutMs / 1000) + " s; " + ExpandPid(path) +
             " not written\n");
    return;
  }
  // A process that recorded nothing does not replace another's graph: under
  // `lockgraph preload -- sh -c ...` or `timeout`, every process of the tree
  // writes graph_out, and the last to exit is often a wrapper with no locks.
  const std::string expanded = ExpandPid(path);
  if (GetStats().classes == 0 && access(expanded.c_str(), F_OK) == 0) return;
  std::string error;
  if (!WriteGraphFile(expanded, json, &error)) {
    EmitText("lockgraph: graph_out: " + error + "\n");
  }
}

}  // namespace lockgraph::internal
