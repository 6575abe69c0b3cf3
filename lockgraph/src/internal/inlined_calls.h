// The calls that the compiler inlined at one address, read from the DWARF
// scopes of the address (what `addr2line -i` shows). In an optimized build the
// wrappers' fast path is inlined into lock(), lock() into std::lock_guard and
// that into the user's function, so a single program counter stands for a
// chain of source-level frames.
#ifndef LOCKGRAPH_SRC_INTERNAL_INLINED_CALLS_H_
#define LOCKGRAPH_SRC_INTERNAL_INLINED_CALLS_H_

#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace lockgraph::internal {

// One inlined function whose code is at the address, and the place its caller
// called it from.
struct InlinedCall {
  std::string function;   // demangled, qualified
  std::string call_file;  // the call site, in the caller (the next call, or
  int call_line = 0;      // the out-of-line function after the last one)
};

// Finds the inlined calls at an address. Remembers, per compilation unit, the
// address ranges of its functions, so that each address costs a binary search
// and a walk down one function's scopes rather than a walk of the whole unit.
//
// Not thread-safe: the symbolizer calls it under its lock. The modules it was
// given must stay loaded in their Dwfl until Forget().
class InlinedCallFinder {
 public:
  // The inlined calls whose code contains `address` (an address of this
  // process, inside `module`), innermost first. Empty when nothing is inlined
  // there or the module has no DWARF for it.
  std::vector<InlinedCall> At(Dwfl_Module* module, Dwarf_Addr address);

  // Drops what was learnt about the modules (they may have been unloaded).
  void Forget() { functions_.clear(); }

 private:
  struct FunctionRange {
    Dwarf_Addr low, high;  // [low, high) in the unit's own addresses
    Dwarf_Die die;         // the out-of-line function (DW_TAG_subprogram)
  };
  // The functions with code in unit `cu` of `module`, sorted by `low`.
  const std::vector<FunctionRange>& FunctionsOf(Dwfl_Module* module, Dwarf_Die* cu);
  // Adds the functions with code under `parent`.
  static void Collect(Dwarf_Die* parent, bool in_function, std::vector<FunctionRange>* out,
                      int depth);

  absl::flat_hash_map<std::pair<Dwfl_Module*, Dwarf_Off>, std::vector<FunctionRange>> functions_;
};

}  // namespace lockgraph::internal

#endif  // LOCKGRAPH_SRC_INTERNAL_INLINED_CALLS_H_
