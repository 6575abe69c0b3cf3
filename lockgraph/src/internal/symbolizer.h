// Turns program counters of this process into function, file and line, using
// the DWARF debug information of each loaded module (elfutils libdwfl).
// Built lazily on the first report, refreshed when a pc falls in a module
// loaded since. Thread-safe (one internal lock).
#ifndef LOCKGRAPH_SRC_INTERNAL_SYMBOLIZER_H_
#define LOCKGRAPH_SRC_INTERNAL_SYMBOLIZER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "lockgraph/report.h"

namespace lockgraph::internal {

// `is_return_address`: the pc is a return address (every frame but a signal
// frame or the innermost), so the call instruction is looked up instead.
// One frame: the function that holds the code at `pc` (from the symbol
// table), with the line table's file:line, which in optimized code is often a
// line of a function inlined there.
StackFrame Symbolize(uintptr_t pc, bool is_return_address, bool with_debug_info);

// The source-level frames at `pc`, as `addr2line -i -f -C` lists them:
// innermost first, each function inlined at `pc` (`inlined` set) with its own
// file:line, then the out-of-line function, named as Symbolize() names it, at
// the line where it made the outermost inlined call. One frame when nothing
// is inlined there (the same as Symbolize()), or without debug info.
// Remembered per pc, so symbolizing many stacks that share frames stays cheap.
std::vector<StackFrame> SymbolizeInlined(uintptr_t pc, bool is_return_address,
                                         bool with_debug_info);

// The demangled name of the symbol that starts exactly at `address` (a global
// variable, say), or "" if none does.
std::string SymbolStartingAt(uintptr_t address);

// Demangles a C++ symbol; returns the input when it is not mangled.
std::string Demangle(const char* name);

// The module (path) that `pc` lies in and `pc`'s offset from the module's
// load address: a name for code without debug information that is the same
// in every run. False when `pc` is in no module.
bool ModuleOffset(uintptr_t pc, std::string* module, uintptr_t* offset);

// fork(): the forking thread holds the symbolizer's lock across it.
void LockSymbolizerForFork();
void UnlockSymbolizerAfterFork();

}  // namespace lockgraph::internal

#endif  // LOCKGRAPH_SRC_INTERNAL_SYMBOLIZER_H_
