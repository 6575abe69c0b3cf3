// Suppressions and the baseline at run time; see suppressions.h.
#include "internal/suppressions.h"

#include "internal/text_file.h"

namespace lockgraph::internal {
namespace {

// Glob with '*' only, over the whole of `text` (the classic two-pointer walk
// that backtracks to the last '*').
bool Glob(std::string_view p, std::string_view t) {
  size_t pi = 0, ti = 0, star = std::string_view::npos, mark = 0;
  while (ti < t.size()) {
    if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = ti;
    } else if (pi < p.size() && p[pi] == t[ti]) {
      ++pi;
      ++ti;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

bool AnyFrame(const std::vector<StackFrame>& frames, std::string_view pattern) {
  for (const StackFrame& f : frames) {
    if (PatternMatches(pattern, f.function)) return true;
  }
  return false;
}

// The classes of the cycle an inversion report is about, in cycle order.
std::vector<std::string> CycleClasses(const Report& report) {
  std::vector<std::string> classes;
  for (const LockInfo& l : report.locks) classes.push_back(l.name);
  return classes;
}

}  // namespace

bool PatternMatches(std::string_view pattern, std::string_view text) {
  std::string glob;
  if (!pattern.empty() && pattern.front() == '^') {
    pattern.remove_prefix(1);
  } else {
    glob += '*';
  }
  const bool anchored_end = !pattern.empty() && pattern.back() == '$';
  if (anchored_end) pattern.remove_suffix(1);
  glob += pattern;
  if (!anchored_end) glob += '*';
  return Glob(glob, text);
}

bool Suppressions::ParseEntry(std::string_view line, const std::string& where, Entry* out,
                              std::string* error) {
  const size_t hash = line.find('#');
  const std::string_view reason =
      hash == std::string_view::npos ? "" : TrimBlanks(line.substr(hash + 1));
  const std::string_view entry = TrimBlanks(line.substr(0, hash));
  const size_t colon = entry.find(':');
  if (colon == std::string_view::npos) {
    *error = where + ": expected TYPE:PATTERN (class:, fun: or deadlock:)";
    return false;
  }
  const std::string_view type = entry.substr(0, colon);
  const std::string_view pattern = TrimBlanks(entry.substr(colon + 1));
  if (type == "class") {
    out->kind = Kind::kClass;
  } else if (type == "fun") {
    out->kind = Kind::kFunction;
  } else if (type == "deadlock") {
    out->kind = Kind::kEither;
  } else {
    *error = where + ": unknown type \"" + std::string(type) + "\" (class, fun or deadlock)";
    return false;
  }
  if (pattern.empty() || pattern == "^" || pattern == "$") {
    *error = where + ": empty pattern";
    return false;
  }
  if (reason.empty()) {
    *error = where + ": no reason; say why after '#' (\"" + std::string(entry) +
             " # why this cannot deadlock\")";
    return false;
  }
  out->pattern = std::string(pattern);
  out->where = where;
  return true;
}

bool Suppressions::Parse(std::string_view text, const std::string& name, std::string* error) {
  std::vector<Entry> parsed;
  const bool ok = ForEachLine(text, [&](int line_no, std::string_view line) {
    line = TrimBlanks(line);
    if (line.empty() || line.front() == '#') return true;
    Entry entry;
    if (!ParseEntry(line, name + ":" + std::to_string(line_no), &entry, error)) return false;
    parsed.push_back(std::move(entry));
    return true;
  });
  if (!ok) return false;  // nothing of a file with a bad line is used
  entries_.insert(entries_.end(), parsed.begin(), parsed.end());
  return true;
}

bool Suppressions::LoadFile(const std::string& path, std::string* error) {
  std::string text;
  if (!ReadTextFile(path, &text)) {
    *error = path + ": cannot open the suppressions file";
    return false;
  }
  return Parse(text, path, error);
}

std::string Suppressions::Match(const Report& report) const {
  switch (report.kind) {
    case ReportKind::kDeadlock:
    case ReportKind::kSelfDeadlock:
    case ReportKind::kHeldAtFork:
      return "";  // these hang for sure: never hidden
    default:
      break;
  }
  if (report.kind == ReportKind::kLockOrderInversion && !baseline_.empty()) {
    if (baseline_.Accepts(CycleClasses(report))) return "baseline";
    for (const OrderEdge& e : report.edges) {
      if (e.from < report.locks.size() && e.to < report.locks.size() &&
          baseline_.Blesses(report.locks[e.from].name, report.locks[e.to].name)) {
        return "baseline";
      }
    }
  }
  for (const Entry& entry : entries_) {
    if (entry.kind != Kind::kFunction) {
      for (const LockInfo& l : report.locks) {
        if (PatternMatches(entry.pattern, l.name)) return entry.where;
      }
    }
    if (entry.kind != Kind::kClass) {
      for (const OrderEdge& e : report.edges) {
        if (AnyFrame(e.stack, entry.pattern)) return entry.where;
      }
      for (const ThreadSnapshot& t : report.threads) {
        if (AnyFrame(t.stack, entry.pattern)) return entry.where;
      }
      if (AnyFrame(report.acquired_at, entry.pattern)) return entry.where;
    }
  }
  return "";
}

}  // namespace lockgraph::internal
