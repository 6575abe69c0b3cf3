#include "internal/symbolizer.h"

#include <cxxabi.h>
#include <elfutils/libdwfl.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "internal/inlined_calls.h"
#include "internal/raw_mutex.h"

namespace lockgraph::internal {

namespace {

RawMutex g_mu;
Dwfl* g_dwfl LOCKGRAPH_GUARDED_BY(g_mu) = nullptr;

// SymbolizeInlined's results by (pc, is_return_address). Never destroyed:
// graph_out is written, and the watchdog may report, during exit. Bounded:
// emptied when full, and when the module list is read again (a module may
// have been replaced at the same addresses).
using FrameCache = absl::flat_hash_map<std::pair<uintptr_t, bool>, std::vector<StackFrame>>;
FrameCache* g_frames LOCKGRAPH_GUARDED_BY(g_mu) = nullptr;
InlinedCallFinder* g_inlined LOCKGRAPH_GUARDED_BY(g_mu) = nullptr;
constexpr size_t kMaxCachedPcs = size_t{1} << 15;

// Separate debug information, found locally only: by build ID under
// /usr/lib/debug (Debian's -dbgsym and -dbg packages), then by the
// .gnu_debuglink name beside the module and under /usr/lib/debug. Never
// through debuginfod: dwfl_standard_find_debuginfo falls back to it, which
// dlopens libdebuginfod (and curl, TLS and Kerberos behind it) from inside
// whatever lock operation needed a symbol. Loading libraries there takes the
// dynamic loader's lock, which a thread inside dlopen holds while it waits
// for a lock this thread may hold.
int FindLocalDebuginfo(Dwfl_Module* module, void** userdata, const char* module_name,
                       Dwarf_Addr base, const char* file_name, const char* debuglink_file,
                       GElf_Word debuglink_crc, char** debuginfo_file_name) {
  const int fd = dwfl_build_id_find_debuginfo(module, userdata, module_name, base, file_name,
                                              debuglink_file, debuglink_crc, debuginfo_file_name);
  if (fd >= 0 || debuglink_file == nullptr || file_name == nullptr) return fd;
  std::string dir = file_name;
  dir.erase(dir.rfind('/') == std::string::npos ? 0 : dir.rfind('/'));
  for (const std::string& candidate :
       {dir + "/" + debuglink_file, dir + "/.debug/" + debuglink_file,
        "/usr/lib/debug" + dir + "/" + debuglink_file}) {
    if (candidate == file_name) continue;
    const int found = open(candidate.c_str(), O_RDONLY | O_CLOEXEC);
    if (found < 0) continue;
    *debuginfo_file_name = strdup(candidate.c_str());
    return found;
  }
  return -1;
}

char* g_debuginfo_path = nullptr;
const Dwfl_Callbacks kCallbacks = {
    .find_elf = dwfl_linux_proc_find_elf,
    .find_debuginfo = FindLocalDebuginfo,
    .section_address = nullptr,
    .debuginfo_path = &g_debuginfo_path,
};

// (Re)reads this process's module list.
bool ReportModulesLocked() LOCKGRAPH_REQUIRES(g_mu) {
  if (g_dwfl == nullptr) {
    g_dwfl = dwfl_begin(&kCallbacks);
    if (g_dwfl == nullptr) return false;
  }
  if (g_frames != nullptr) g_frames->clear();
  if (g_inlined != nullptr) g_inlined->Forget();
  dwfl_report_begin(g_dwfl);
  const int rc = dwfl_linux_proc_report(g_dwfl, getpid());
  dwfl_report_end(g_dwfl, nullptr, nullptr);
  return rc == 0;
}

// The module that holds `addr`, or null.
Dwfl_Module* ModuleAtLocked(Dwarf_Addr addr) LOCKGRAPH_REQUIRES(g_mu) {
  if (g_dwfl == nullptr && !ReportModulesLocked()) return nullptr;
  Dwfl_Module* module = dwfl_addrmodule(g_dwfl, addr);
  if (module == nullptr) {
    // Perhaps loaded after the module list was read.
    if (!ReportModulesLocked()) return nullptr;
    module = dwfl_addrmodule(g_dwfl, addr);
  }
  return module;
}

// Fills in the module, the function from the symbol table and the line
// table's file:line for `addr`.
void DescribeLocked(Dwfl_Module* module, Dwarf_Addr addr, StackFrame* frame)
    LOCKGRAPH_REQUIRES(g_mu) {
  const char* module_name =
      dwfl_module_info(module, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr);
  if (module_name != nullptr) frame->module = module_name;
  if (const char* sym = dwfl_module_addrname(module, addr)) frame->function = Demangle(sym);
  if (Dwfl_Line* line = dwfl_module_getsrc(module, addr)) {
    int lineno = 0;
    if (const char* file = dwfl_lineinfo(line, nullptr, &lineno, nullptr, nullptr, nullptr)) {
      frame->file = file;
      frame->line = lineno;
    }
  }
}

Dwarf_Addr LookupAddress(uintptr_t pc, bool is_return_address) {
  return is_return_address && pc > 0 ? pc - 1 : pc;
}

}  // namespace

std::string Demangle(const char* name) {
  if (name == nullptr) return {};
  int status = 0;
  char* out = abi::__cxa_demangle(name, nullptr, nullptr, &status);
  if (status != 0 || out == nullptr) return name;
  std::string result(out);
  std::free(out);
  return result;
}

std::string SymbolStartingAt(uintptr_t address) {
  RawLockGuard lock(g_mu);
  if (g_dwfl == nullptr && !ReportModulesLocked()) return {};
  Dwfl_Module* module = dwfl_addrmodule(g_dwfl, address);
  if (module == nullptr) return {};
  GElf_Off offset = 0;
  GElf_Sym sym;
  const char* name =
      dwfl_module_addrinfo(module, address, &offset, &sym, nullptr, nullptr, nullptr);
  if (name == nullptr || offset != 0) return {};
  return Demangle(name);
}

StackFrame Symbolize(uintptr_t pc, bool is_return_address, bool with_debug_info) {
  StackFrame frame;
  frame.pc = pc;
  if (!with_debug_info) return frame;
  const Dwarf_Addr addr = LookupAddress(pc, is_return_address);
  RawLockGuard lock(g_mu);
  if (Dwfl_Module* module = ModuleAtLocked(addr)) DescribeLocked(module, addr, &frame);
  return frame;
}

std::vector<StackFrame> SymbolizeInlined(uintptr_t pc, bool is_return_address,
                                         bool with_debug_info) {
  StackFrame outer;
  outer.pc = pc;
  if (!with_debug_info) return {outer};
  const Dwarf_Addr addr = LookupAddress(pc, is_return_address);
  RawLockGuard lock(g_mu);
  if (g_frames == nullptr) {
    g_frames = new FrameCache();
    g_inlined = new InlinedCallFinder();
  }
  const std::pair<uintptr_t, bool> key(pc, is_return_address);
  if (auto it = g_frames->find(key); it != g_frames->end()) return it->second;

  std::vector<StackFrame> frames;
  Dwfl_Module* module = ModuleAtLocked(addr);
  if (module != nullptr) {
    DescribeLocked(module, addr, &outer);
    const std::vector<InlinedCall> calls = g_inlined->At(module, addr);
    // The line table's file:line belongs to the innermost function; each
    // inlined call's call site belongs to the function after it.
    std::string file = outer.file;
    int line = outer.line;
    for (const InlinedCall& call : calls) {
      StackFrame f;
      f.pc = pc;
      f.function = call.function;
      f.file = std::move(file);
      f.line = line;
      f.module = outer.module;
      f.inlined = true;
      frames.push_back(std::move(f));
      file = call.call_file;
      line = call.call_line;
    }
    outer.file = std::move(file);
    outer.line = line;
  }
  frames.push_back(std::move(outer));
  if (g_frames->size() >= kMaxCachedPcs) g_frames->clear();
  g_frames->emplace(key, frames);
  return frames;
}

bool ModuleOffset(uintptr_t pc, std::string* module, uintptr_t* offset) {
  RawLockGuard lock(g_mu);
  Dwfl_Module* m = ModuleAtLocked(pc);
  if (m == nullptr) return false;
  Dwarf_Addr start = 0;
  const char* name =
      dwfl_module_info(m, nullptr, &start, nullptr, nullptr, nullptr, nullptr, nullptr);
  *module = name != nullptr ? name : "";
  *offset = pc - start;
  return true;
}

// Held across fork() (fork_gate.cc); g_mu is private to this file, so the
// declarations cannot name it.
void LockSymbolizerForFork() LOCKGRAPH_NO_THREAD_SAFETY_ANALYSIS { g_mu.lock(); }
void UnlockSymbolizerAfterFork() LOCKGRAPH_NO_THREAD_SAFETY_ANALYSIS { g_mu.unlock(); }

}  // namespace lockgraph::internal
