// Renderings of a Report: text for people, JSON and DOT for tools.
#include <cstdio>
#include <string>

#include "internal/escape.h"
#include "lockgraph/report.h"

namespace lockgraph {

using internal::AppendJsonQuoted;
using internal::DotQuoted;
using internal::JsonQuoted;

namespace {

std::string ModeName(bool shared) { return shared ? "shared" : "exclusive"; }

std::string FrameText(const StackFrame& f) {
  char pc[32];
  std::snprintf(pc, sizeof(pc), "0x%zx", static_cast<size_t>(f.pc));
  std::string s = pc;
  s += " in ";
  s += f.function.empty() ? "??" : f.function;
  if (!f.file.empty()) {
    s += " at " + f.file + ":" + std::to_string(f.line);
  } else if (!f.module.empty()) {
    s += " from " + f.module;
  }
  // Same pc as the next frame: the compiler inlined this one into it.
  if (f.inlined) s += " (inlined)";
  return s;
}

std::string ThreadText(const OrderEdge& e) {
  std::string s = "thread " + std::to_string(e.thread_id);
  if (!e.thread_name.empty()) s += " \"" + e.thread_name + "\"";
  return s;
}

std::string LockLabel(const LockInfo& l) { return "\"" + l.name + "\""; }

// Locks of one class in one report are told apart by instance.
std::vector<std::string> LockLabels(const Report& r) {
  std::vector<std::string> labels;
  for (size_t i = 0; i < r.locks.size(); ++i) {
    bool shared_name = false;
    for (size_t k = 0; k < r.locks.size(); ++k) {
      shared_name |= k != i && r.locks[k].name == r.locks[i].name;
    }
    labels.push_back(shared_name ? "\"" + r.locks[i].name + "\" #" + std::to_string(i + 1)
                                 : LockLabel(r.locks[i]));
  }
  return labels;
}

void AppendFrameJson(std::string* out, const StackFrame& f) {
  char pc[32];
  std::snprintf(pc, sizeof(pc), "0x%zx", static_cast<size_t>(f.pc));
  *out += "{\"pc\":";
  AppendJsonQuoted(out, pc);
  *out += ",\"function\":";
  AppendJsonQuoted(out, f.function);
  *out += ",\"file\":";
  AppendJsonQuoted(out, f.file);
  *out += ",\"line\":" + std::to_string(f.line) + ",\"module\":";
  AppendJsonQuoted(out, f.module);
  *out += f.inlined ? ",\"inlined\":true}" : ",\"inlined\":false}";
}

}  // namespace

const char* ReportKindName(ReportKind kind) {
  switch (kind) {
    case ReportKind::kLockOrderInversion:
      return "lock-order-inversion";
    case ReportKind::kSelfDeadlock:
      return "self-deadlock";
    case ReportKind::kRankViolation:
      return "rank-violation";
    case ReportKind::kDeadlock:
      return "deadlock";
    case ReportKind::kLongWait:
      return "long-wait";
    case ReportKind::kLongHold:
      return "long-hold";
    case ReportKind::kHeldAtFork:
      return "held-at-fork";
    case ReportKind::kAssertionFailed:
      return "assertion-failed";
    case ReportKind::kOrderViolation:
      return "order-violation";
    case ReportKind::kBlockedWhileHolding:
      return "blocked-while-holding";
  }
  return "unknown";
}

namespace {

std::string ThreadsText(const Report& r) {
  const std::vector<std::string> labels = LockLabels(r);
  std::string s;
  for (const ThreadSnapshot& t : r.threads) {
    s += "    thread " + std::to_string(t.thread_id);
    if (!t.thread_name.empty()) s += " \"" + t.thread_name + "\"";
    if (!t.holds.empty()) {
      s += " holds";
      for (size_t k = 0; k < t.holds.size(); ++k) {
        s += (k ? ", " : " ") + labels[t.holds[k]];
      }
    } else if (t.sampled) {
      s += " holds no lockgraph lock";
    }
    if (t.waits_for >= 0) {
      char ms[32];
      std::snprintf(ms, sizeof(ms), "%.0f", t.waited_ms);
      s += (t.holds.empty() && !t.sampled ? " waits" : " and waits") + std::string(" for ") +
           labels[t.waits_for];
      if (t.waits_for_owner != 0)
        s += " (held by thread " + std::to_string(t.waits_for_owner) + ")";
      if (t.waited_ms > 0) s += std::string(" for ") + ms + " ms";
    }
    s += "\n";
  }
  for (const ThreadSnapshot& t : r.threads) {
    s += "\n  Thread " + std::to_string(t.thread_id);
    if (!t.thread_name.empty()) s += " \"" + t.thread_name + "\"";
    if (!t.sampled) {
      s += ": did not answer; no current stack\n";
      continue;
    }
    s += r.kind == ReportKind::kLongHold              ? ", released it here:\n"
         : r.kind == ReportKind::kAssertionFailed     ? ", asserted here:\n"
         : r.kind == ReportKind::kBlockedWhileHolding ? ", made the call here:\n"
                                                      : ", now:\n";
    for (size_t k = 0; k < t.stack.size(); ++k) {
      s += "    #" + std::to_string(k) + " " + FrameText(t.stack[k]) + "\n";
    }
  }
  return s;
}

std::string WatchdogText(const Report& r) {
  std::string s = "lockgraph: " + r.title + "\n\n";
  if (r.kind == ReportKind::kDeadlock) {
    s += "  These threads wait for each other and none can go on:\n";
  } else if (r.kind == ReportKind::kLongWait) {
    s += "  The waiter, and what the holder is doing while it holds the lock:\n";
  } else if (r.kind == ReportKind::kAssertionFailed) {
    s += "  The thread, the lockgraph locks it holds, and where it asserted:\n";
  } else if (r.kind == ReportKind::kBlockedWhileHolding) {
    s += "  Every thread that wants these locks waits for this call too. Make the call\n"
         "  after releasing them, or copy what it needs under the lock first:\n";
  } else if (r.kind == ReportKind::kHeldAtFork) {
    s += "  fork() copies a lock in whatever state it is, but only the thread that called\n"
         "  fork(); the thread that held this lock does not exist here, so it stays locked.\n"
         "  Take the lock in a pthread_atfork() prepare handler, or call exec() right after\n"
         "  fork() and only async-signal-safe functions before it.\n\n";
  } else {
    s += "  Taken at:\n";
    for (const StackFrame& f : r.acquired_at) s += "    " + FrameText(f) + "\n";
    s += "  Holder:\n";
  }
  s += ThreadsText(r);
  s += "\n  Locks:\n";
  const std::vector<std::string> labels = LockLabels(r);
  for (size_t i = 0; i < r.locks.size(); ++i) {
    s += "    " + labels[i] + " constructed at " + r.locks[i].site + "\n";
  }
  s += "\n";
  return s;
}

}  // namespace

std::string FormatText(const Report& r) {
  if (r.kind == ReportKind::kDeadlock || r.kind == ReportKind::kLongWait ||
      r.kind == ReportKind::kLongHold || r.kind == ReportKind::kHeldAtFork ||
      r.kind == ReportKind::kAssertionFailed || r.kind == ReportKind::kBlockedWhileHolding) {
    return WatchdogText(r);
  }
  std::string s = "lockgraph: " + r.title + "\n";
  const std::vector<std::string> labels = LockLabels(r);
  const size_t n = r.locks.size();
  if (r.kind == ReportKind::kLockOrderInversion) {
    s += "\n  Cycle: ";
    for (size_t i = 0; i < n; ++i) s += labels[i] + " -> ";
    if (n > 0) s += labels[0];
    s += "\n\n  How this deadlocks: if these run at the same time,\n";
    for (size_t i = 0; i < r.edges.size(); ++i) {
      const OrderEdge& e = r.edges[i];
      s += "    thread " + std::to_string(i + 1) + " holds " + labels[e.from] + " (" +
           ModeName(e.from_shared) + ") and waits for " + labels[e.to] + " (" +
           ModeName(e.to_shared) + ")\n";
    }
    s += "    and no thread can go on. This run did not need to hang for it to be found.\n";
    // The one false positive users meet most (one thread taking both orders,
    // at start-up say) is still reported: whether another thread can run one
    // of these paths is not something lockgraph can know. It says so.
    bool one_thread = r.edges.size() > 1;
    for (const OrderEdge& e : r.edges) one_thread &= e.thread_id == r.edges[0].thread_id;
    if (one_thread && r.edges[0].thread_id != 0) {
      s += "\n  Every order of this cycle was first taken by one thread (" +
           std::to_string(r.edges[0].thread_id) +
           "). It deadlocks only if two threads can run\n"
           "  these paths at the same time; if they cannot (single-threaded start-up, say),\n"
           "  suppress it with its reason (suppressions=) or accept it in the baseline.\n";
    }
    // A gate lock: lockdep and Helgrind stay silent here, lockgraph reports
    // and says why it may be safe (it has seen the gate only so far).
    if (!r.gate.empty()) {
      s += "\n  Every order of this cycle was taken while holding \"" + r.gate +
           "\", exclusively. If every\n"
           "  path that takes these locks holds it first, it serializes them and the cycle\n"
           "  cannot deadlock; then accept the cycle with that reason (suppressions= or the\n"
           "  baseline). A path that takes them without it deadlocks.\n";
    }
  } else if (r.kind == ReportKind::kSelfDeadlock) {
    s += "\n  The lock is not recursive: the second acquisition waits for the first, which\n"
         "  the same thread would have to release. Use lockgraph::RecursiveMutex or release\n"
         "  the lock before calling the code that takes it again.\n";
  } else if (r.kind == ReportKind::kOrderViolation) {
    s += "\n  The program declared the order (DeclareOrder or order_file); taking the locks\n"
         "  the other way round is what a deadlock with code that follows it needs. No\n"
         "  such code has to have run yet.\n";
  } else {
    s += "\n  Locks of one class with declared ranks must be taken in increasing rank order.\n";
  }

  for (size_t i = 0; i < r.edges.size(); ++i) {
    const OrderEdge& e = r.edges[i];
    s += "\n  ";
    if (r.kind == ReportKind::kSelfDeadlock) {
      s += labels[e.to] + " acquired again by " + ThreadText(e) + ":\n";
    } else {
      s += "Edge " + std::to_string(i + 1) + ": " + labels[e.to] + " acquired while holding " +
           labels[e.from] + ", first by " + ThreadText(e) + ":\n";
    }
    if (e.stack.empty()) s += "    (no stack recorded)\n";
    for (size_t k = 0; k < e.stack.size(); ++k) {
      s += "    #" + std::to_string(k) + " " + FrameText(e.stack[k]) + "\n";
    }
  }
  s += "\n  Locks:\n";
  for (size_t i = 0; i < r.locks.size(); ++i) {
    const LockInfo& l = r.locks[i];
    s += "    " + labels[i] + " constructed at " + l.site;
    if (!l.function.empty()) s += " in " + l.function;
    if (l.rank != INT32_MIN) s += ", rank " + std::to_string(l.rank);
    s += "\n";
  }
  s += "\n";
  return s;
}

std::string FormatJson(const Report& r) {
  std::string s = "{\"kind\":";
  AppendJsonQuoted(&s, ReportKindName(r.kind));
  s += ",\"title\":";
  AppendJsonQuoted(&s, r.title);
  s += ",\"pid\":" + std::to_string(r.pid);
  if (!r.gate.empty()) {
    s += ",\"gate\":";
    AppendJsonQuoted(&s, r.gate);
  }
  s += ",\"cycle\":[";
  for (size_t i = 0; i < r.locks.size(); ++i) {
    if (i) s += ",";
    AppendJsonQuoted(&s, r.locks[i].name);
  }
  s += "],\"locks\":[";
  for (size_t i = 0; i < r.locks.size(); ++i) {
    const LockInfo& l = r.locks[i];
    if (i) s += ",";
    s += "{\"name\":" + JsonQuoted(l.name) + ",\"site\":" + JsonQuoted(l.site) +
         ",\"function\":" + JsonQuoted(l.function) + ",\"instance\":" + std::to_string(l.instance);
    if (l.rank != INT32_MIN) s += ",\"rank\":" + std::to_string(l.rank);
    s += "}";
  }
  s += "],\"edges\":[";
  for (size_t i = 0; i < r.edges.size(); ++i) {
    const OrderEdge& e = r.edges[i];
    if (i) s += ",";
    s += "{\"from\":" + JsonQuoted(r.locks[e.from].name) +
         ",\"to\":" + JsonQuoted(r.locks[e.to].name) +
         ",\"from_mode\":" + JsonQuoted(ModeName(e.from_shared)) +
         ",\"to_mode\":" + JsonQuoted(ModeName(e.to_shared)) +
         ",\"thread\":{\"tid\":" + std::to_string(e.thread_id) +
         ",\"name\":" + JsonQuoted(e.thread_name) + "},\"stack\":[";
    for (size_t k = 0; k < e.stack.size(); ++k) {
      if (k) s += ",";
      AppendFrameJson(&s, e.stack[k]);
    }
    s += "]}";
  }
  s += "],\"threads\":[";
  for (size_t i = 0; i < r.threads.size(); ++i) {
    const ThreadSnapshot& t = r.threads[i];
    if (i) s += ",";
    s += "{\"tid\":" + std::to_string(t.thread_id) + ",\"name\":" + JsonQuoted(t.thread_name) +
         ",\"holds\":[";
    for (size_t k = 0; k < t.holds.size(); ++k) {
      if (k) s += ",";
      AppendJsonQuoted(&s, r.locks[t.holds[k]].name);
    }
    s += "],\"waits_for\":";
    s += t.waits_for >= 0 ? JsonQuoted(r.locks[t.waits_for].name) : std::string("null");
    s += ",\"owner\":" + std::to_string(t.waits_for_owner) +
         ",\"waited_ms\":" + std::to_string(t.waited_ms) +
         ",\"sampled\":" + (t.sampled ? "true" : "false") + ",\"stack\":[";
    for (size_t k = 0; k < t.stack.size(); ++k) {
      if (k) s += ",";
      AppendFrameJson(&s, t.stack[k]);
    }
    s += "]}";
  }
  s += "],\"duration_ms\":" + std::to_string(r.duration_ms) + "}";
  return s;
}

std::string FormatDot(const Report& r) {
  std::string s =
      "digraph lockgraph_report {\n  rankdir=LR;\n  label=" + DotQuoted("lockgraph: " + r.title) +
      ";\n  node [shape=box];\n";
  for (size_t i = 0; i < r.locks.size(); ++i) {
    s += "  n" + std::to_string(i) +
         " [label=" + DotQuoted(r.locks[i].name + "\n" + r.locks[i].site) + "];\n";
  }
  for (const OrderEdge& e : r.edges) {
    std::string label = ThreadText(e);
    if (!e.stack.empty()) {
      const StackFrame& f = e.stack.front();
      label += "\n" + (f.function.empty() ? std::string("??") : f.function);
      if (!f.file.empty()) label += "\n" + f.file + ":" + std::to_string(f.line);
    }
    s += "  n" + std::to_string(e.from) + " -> n" + std::to_string(e.to) +
         " [color=red, label=" + DotQuoted(label) + "];\n";
  }
  s += "}\n";
  return s;
}

}  // namespace lockgraph
