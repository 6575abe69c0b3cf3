// Suppressions and the baseline at run time; see suppressions.h.
#include "internal/suppressions.h"

#include <fstream>
#include <sstream>

namespace lockgraph::internal {
namespace {

std::string_view Trim(std::string_view s) {
  const size_t begin = s.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) return {};
  return s.substr(begin, s.find_last_not_of(" \t\r") - begin + 1);
}

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

bool Suppressions::Parse(std::string_view text, const std::string& name, std::string* error) {
  std::vector<Entry> parsed;
  int line_no = 0;
  while (!text.empty()) {
    const size_t eol = text.find('\n');
    std::string_view line = Trim(text.substr(0, eol));
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    ++line_no;
    if (line.empty() || line.front() == '#') continue;
    const std::string where = name + ":" + std::to_string(line_no);
    const size_t hash = line.find('#');
    const std::string_view reason = hash == std::string_view::npos ? "" : Trim(line.substr(hash + 1));
    const std::string_view entry = Trim(line.substr(0, hash));
    const size_t colon = entry.find(':');
    if (colon == std::string_view::npos) {
      *error = where + ": expected TYPE:PATTERN (class:, fun: or deadlock:)";
      return false;
    }
    const std::string_view type = entry.substr(0, colon);
    const std::string_view pattern = Trim(entry.substr(colon + 1));
    Kind kind;
    if (type == "class") {
      kind = Kind::kClass;
    } else if (type == "fun") {
      kind = Kind::kFunction;
    } else if (type == "deadlock") {
      kind = Kind::kEither;
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
    parsed.push_back(Entry{kind, std::string(pattern), where});
  }
  entries_.insert(entries_.end(), parsed.begin(), parsed.end());
  return true;
}

bool Suppressions::LoadFile(const std::string& path, std::string* error) {
  std::ifstream in(path);
  if (!in) {
    *error = path + ": cannot open the suppressions file";
    return false;
  }
  std::stringstream text;
  text << in.rdbuf();
  return Parse(text.str(), path, error);
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
