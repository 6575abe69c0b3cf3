#include "internal/symbolizer.h"

#include <cxxabi.h>
#include <elfutils/libdwfl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "internal/raw_mutex.h"

namespace lockgraph::internal {

namespace {

RawMutex g_mu;
Dwfl* g_dwfl = nullptr;  // guarded by g_mu

char* g_debuginfo_path = nullptr;
const Dwfl_Callbacks kCallbacks = {
    .find_elf = dwfl_linux_proc_find_elf,
    .find_debuginfo = dwfl_standard_find_debuginfo,
    .section_address = nullptr,
    .debuginfo_path = &g_debuginfo_path,
};

// (Re)reads this process's module list.
bool ReportModulesLocked() {
  if (g_dwfl == nullptr) {
    g_dwfl = dwfl_begin(&kCallbacks);
    if (g_dwfl == nullptr) return false;
  }
  dwfl_report_begin(g_dwfl);
  const int rc = dwfl_linux_proc_report(g_dwfl, getpid());
  dwfl_report_end(g_dwfl, nullptr, nullptr);
  return rc == 0;
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
  const Dwarf_Addr addr = is_return_address && pc > 0 ? pc - 1 : pc;
  RawLockGuard lock(g_mu);
  if (g_dwfl == nullptr && !ReportModulesLocked()) return frame;
  Dwfl_Module* module = dwfl_addrmodule(g_dwfl, addr);
  if (module == nullptr) {
    // Perhaps loaded after the module list was read.
    if (!ReportModulesLocked()) return frame;
    module = dwfl_addrmodule(g_dwfl, addr);
    if (module == nullptr) return frame;
  }
  const char* module_name =
      dwfl_module_info(module, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr);
  if (module_name != nullptr) frame.module = module_name;
  if (const char* sym = dwfl_module_addrname(module, addr)) frame.function = Demangle(sym);
  if (Dwfl_Line* line = dwfl_module_getsrc(module, addr)) {
    int lineno = 0;
    if (const char* file = dwfl_lineinfo(line, nullptr, &lineno, nullptr, nullptr, nullptr)) {
      frame.file = file;
      frame.line = lineno;
    }
  }
  return frame;
}

bool ModuleOffset(uintptr_t pc, std::string* module, uintptr_t* offset) {
  RawLockGuard lock(g_mu);
  if (g_dwfl == nullptr && !ReportModulesLocked()) return false;
  Dwfl_Module* m = dwfl_addrmodule(g_dwfl, pc);
  if (m == nullptr) {
    if (!ReportModulesLocked()) return false;
    m = dwfl_addrmodule(g_dwfl, pc);
    if (m == nullptr) return false;
  }
  Dwarf_Addr start = 0;
  const char* name = dwfl_module_info(m, nullptr, &start, nullptr, nullptr, nullptr, nullptr,
                                      nullptr);
  *module = name != nullptr ? name : "";
  *offset = pc - start;
  return true;
}

void LockSymbolizerForFork() { g_mu.lock(); }
void UnlockSymbolizerAfterFork() { g_mu.unlock(); }

}  // namespace lockgraph::internal
