// What a program run does not report: LOCKGRAPH_OPTIONS=suppressions=FILE
// (TSan-like entries, each with its reason) and baseline=FILE (the
// `lockgraph check` baseline's accepted cycles and blessed orders).
//
// Suppressions file: one entry per line, "TYPE:PATTERN # reason"; the reason
// is required. '#' lines are comments.
//
//   class:legacy.import.*     # the importer runs before any other thread starts
//   fun:ReplayJournal         # recovery is single-threaded
//   deadlock:stats            # TSan's spelling: a class or a function
//
// TYPE is `class` (a lock class on the report), `fun` (a function on any of
// the report's stacks) or `deadlock` (either). PATTERN matches anywhere in the
// name, as in TSan, with `*` for any run of characters and `^` / `$` to anchor
// it at the start / end.
//
// What can be suppressed: potential deadlocks (lock-order inversions), rank
// and declared-order violations, long waits and holds, failed assertions. Not
// what will hang for sure: an actual deadlock, a self-deadlock, a lock held at
// fork().
#ifndef LOCKGRAPH_SRC_INTERNAL_SUPPRESSIONS_H_
#define LOCKGRAPH_SRC_INTERNAL_SUPPRESSIONS_H_

#include <string>
#include <string_view>
#include <vector>

#include "internal/baseline_file.h"
#include "lockgraph/report.h"

namespace lockgraph::internal {

class Suppressions {
 public:
  // Adds the entries of a suppressions file; false with "PATH:LINE: what"
  // (nothing of the file is added then).
  bool LoadFile(const std::string& path, std::string* error);
  bool Parse(std::string_view text, const std::string& name, std::string* error);
  // Uses `baseline` (lockgraph check's) for cycles and blessed orders.
  void SetBaseline(Baseline baseline) { baseline_ = std::move(baseline); }

  // Why `report` is suppressed ("PATH:LINE", or "baseline"), or "" when not.
  std::string Match(const Report& report) const;
  bool empty() const { return entries_.empty() && baseline_.empty(); }

 private:
  enum class Kind { kClass, kFunction, kEither };
  struct Entry {
    Kind kind = Kind::kEither;
    std::string pattern;
    std::string where;  // "PATH:LINE"
  };
  // One non-comment line, "TYPE:PATTERN # reason"; `where` is "PATH:LINE".
  static bool ParseEntry(std::string_view line, const std::string& where, Entry* out,
                         std::string* error);
  std::vector<Entry> entries_;
  Baseline baseline_;
};

// TSan's pattern matching: `pattern` anywhere in `text`, '*' for any run of
// characters, a leading '^' / trailing '$' anchoring it.
bool PatternMatches(std::string_view pattern, std::string_view text);

}  // namespace lockgraph::internal

#endif  // LOCKGRAPH_SRC_INTERNAL_SUPPRESSIONS_H_
