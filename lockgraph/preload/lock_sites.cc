#include "lock_sites.h"

#include <elf.h>
#include <link.h>

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "internal/raw_mutex.h"
#include "internal/stack_depot.h"
#include "internal/symbolizer.h"

// The ELF header of this library, placed by the linker at its load address.
extern "C" const ElfW(Ehdr) __ehdr_start __attribute__((visibility("hidden")));

namespace lockgraph::preload {

using internal::RawLockGuard;
using internal::RawMutex;

namespace {

struct Range {
  uintptr_t begin = 0, end = 0;
};

// This library's address range, from its own program headers (no loader
// call, so no loader lock).
Range SelfRange() {
  const auto base = reinterpret_cast<uintptr_t>(&__ehdr_start);
  const auto* phdr = reinterpret_cast<const ElfW(Phdr)*>(base + __ehdr_start.e_phoff);
  uintptr_t lo = UINTPTR_MAX, hi = 0;
  for (int i = 0; i < __ehdr_start.e_phnum; ++i) {
    if (phdr[i].p_type != PT_LOAD) continue;
    lo = std::min<uintptr_t>(lo, phdr[i].p_vaddr);
    hi = std::max<uintptr_t>(hi, phdr[i].p_vaddr + phdr[i].p_memsz);
  }
  if (lo > hi) return {};
  // The header sits at the start of the first loadable segment.
  const uintptr_t bias = base - lo;
  return {bias + lo, bias + hi};
}

const char* Intern(const std::string& s) {
  // Lives as long as every lock of the site: forever.
  return (new std::string(s))->c_str();
}

std::string Basename(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// A function whose job is to take a lock for its caller: the standard
// library's (std::mutex::lock, __gthread_*, real frames at -O0) and a
// library's own (OpenSSL's CRYPTO_THREAD_write_lock, a program's
// mutex_lock()). Naming a lock after one of these would put every lock it
// takes in one class, and unrelated locks in one class make false cycles in
// `lockgraph check`; the class is named after its caller instead.
//
// Decided by the function's name, which is the outermost function of the pc
// even where the standard wrappers are inlined into it (and the line is then
// in a header).
bool IsLockWrapper(const StackFrame& f) {
  if (f.function.rfind("std::", 0) == 0 || f.function.rfind("__gthread", 0) == 0) return true;
  // The function's own name: no parameters, templates or qualifiers.
  std::string name = f.function.substr(0, f.function.find_first_of("(<"));
  if (const size_t colon = name.rfind("::"); colon != std::string::npos) {
    name = name.substr(colon + 2);
  }
  for (char& c : name) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  auto ends_with = [&](std::string_view suffix) {
    return name.size() >= suffix.size() &&
           name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends_with("block") || ends_with("clock") || ends_with("unlock")) return false;
  if (ends_with("lock") || name.find("mutex") != std::string::npos ||
      name.find("rwlock") != std::string::npos || ends_with("mtx")) {
    return true;
  }
  // Inlined code of the standard library's or lockgraph's headers.
  return f.inlined && (f.file.rfind("/usr/include/", 0) == 0 ||
                       f.file.find("include/lockgraph/") != std::string::npos);
}

// The innermost frame of `pc`'s inline chain that is not a lock wrapper;
// nullptr when all are (the pc is inside a wrapper function).
const StackFrame* UserFrame(const std::vector<StackFrame>& chain) {
  for (const StackFrame& f : chain) {
    if (!IsLockWrapper(f)) return &f;
  }
  return nullptr;
}

class Sites {
 public:
  const LockSite* ForGlobal(const std::string& symbol, uintptr_t caller) {
    {
      RawLockGuard guard(mu_);
      if (auto it = by_symbol_.find(symbol); it != by_symbol_.end()) return it->second;
    }
    const LockSite* made = Make(caller, symbol);
    RawLockGuard guard(mu_);
    return by_symbol_.try_emplace(symbol, made).first->second;
  }

  const LockSite* ForCode(uintptr_t caller) {
    const uintptr_t pc = UserPc(caller);
    {
      RawLockGuard guard(mu_);
      if (auto it = by_pc_.find(pc); it != by_pc_.end()) return it->second;
    }
    const LockSite* made = Make(pc, "");
    RawLockGuard guard(mu_);
    return by_pc_.try_emplace(pc, made).first->second;
  }

  RawMutex& mu() LOCKGRAPH_RETURN_CAPABILITY(mu_) { return mu_; }

 private:
  // The first frame of user code: `caller` itself unless it is a lock
  // wrapper; then the stack above it is walked.
  uintptr_t UserPc(uintptr_t caller) {
    if (!IsWrapperPc(caller)) return caller;
    internal::CapturedStack stack;
    internal::StackDepot::Capture(0, 16, &stack);
    for (int i = 0; i < stack.depth; ++i) {
      if (InPreloadLibrary(stack.pcs[i]) || IsWrapperPc(stack.pcs[i])) continue;
      return stack.pcs[i];
    }
    return caller;
  }

  bool IsWrapperPc(uintptr_t pc) {
    {
      RawLockGuard guard(mu_);
      if (auto it = wrapper_pc_.find(pc); it != wrapper_pc_.end()) return it->second;
    }
    const bool wrapper =
        UserFrame(internal::SymbolizeInlined(pc, /*is_return_address=*/true, true)) == nullptr;
    RawLockGuard guard(mu_);
    wrapper_pc_.try_emplace(pc, wrapper);
    return wrapper;
  }

  static const LockSite* Make(uintptr_t pc, const std::string& symbol) {
    // In an optimized build the lock call is inlined wrapper code inside the
    // user's function: the site is the user's line that called it.
    const std::vector<StackFrame> chain = internal::SymbolizeInlined(pc, true, true);
    const StackFrame* user = UserFrame(chain);
    const StackFrame& f = user != nullptr ? *user : chain.back();
    auto* site = new LockSite{};
    site->name = symbol.empty() ? nullptr : Intern(symbol);
    site->function = Intern(f.function);
    site->line = static_cast<uint32_t>(f.line);
    if (!f.file.empty()) {
      site->file = Intern(f.file);
      return site;
    }
    // No line information: module+offset of the call, the same in every run
    // of this binary (so `lockgraph check` can merge runs).
    std::string module;
    uintptr_t offset = 0;
    if (!internal::ModuleOffset(pc - 1, &module, &offset)) module = f.module;
    char where[32];
    std::snprintf(where, sizeof(where), "+0x%zx", static_cast<size_t>(offset));
    site->file = Intern(module.empty() ? "?" : module);
    if (site->name == nullptr) site->name = Intern(Basename(module) + where);
    return site;
  }

  RawMutex mu_;
  absl::flat_hash_map<std::string, const LockSite*> by_symbol_ LOCKGRAPH_GUARDED_BY(mu_);
  absl::flat_hash_map<uintptr_t, const LockSite*> by_pc_ LOCKGRAPH_GUARDED_BY(mu_);
  absl::flat_hash_map<uintptr_t, bool> wrapper_pc_ LOCKGRAPH_GUARDED_BY(mu_);
};

Sites& TheSites() {
  static Sites* sites = new Sites;
  return *sites;
}

}  // namespace

bool InPreloadLibrary(uintptr_t pc) {
  static const Range self = SelfRange();
  return pc >= self.begin && pc < self.end;
}

const LockSite* SiteOfLock(const void* address, uintptr_t caller) {
  const std::string symbol = internal::SymbolStartingAt(reinterpret_cast<uintptr_t>(address));
  return symbol.empty() ? TheSites().ForCode(caller) : TheSites().ForGlobal(symbol, caller);
}

// Held across fork(): taken in the prepare handler, released in the parent's
// or the child's, which the analysis cannot connect.
void LockSitesForFork() LOCKGRAPH_NO_THREAD_SAFETY_ANALYSIS { TheSites().mu().lock(); }
void UnlockSitesAfterFork() LOCKGRAPH_NO_THREAD_SAFETY_ANALYSIS { TheSites().mu().unlock(); }

}  // namespace lockgraph::preload
