// Locks glibc takes inside its own functions; the rules are in libc_locks.h.
#include "libc_locks.h"

#include <algorithm>
#include <initializer_list>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "hex.h"
#include "line_grammar.h"
#include "text_scan.h"

namespace lockgraph::analyzer {
namespace {

// Only the innermost frames can be inside a libc lock's critical section in
// a way these rules know; deeper frames are the program's.
constexpr int kMaxScanDepth = 64;

using scan::IsOneOf;

bool IsLoaderFunction(std::string_view n) {
  return IsOneOf(n, {"dl_open", "dl_open_worker", "dl_open_worker_begin", "dl_addr", "dl_close",
                     "dl_close_worker"});
}
bool IsDlopen(std::string_view n) {
  return IsOneOf(n, {"dlopen", "dlmopen", "dlopen_implementation", "dlmopen_implementation",
                     "libc_dlopen_mode"});
}
bool IsLoaderLibrary(const Frame& f) {
  return f.library.find("/ld-linux") != std::string::npos ||
         f.library.find("/ld-2.") != std::string::npos ||
         f.library.find("/ld.so") != std::string::npos;
}

// stdio functions that take their FILE's lock (`_unlocked` ones do not).
bool IsStdioFunction(std::string_view n) {
  if (n.find("unlocked") != std::string_view::npos) return false;
  if (n.starts_with("IO_")) {
    return !IsOneOf(n, {"IO_list_lock", "IO_list_unlock", "IO_list_resetlock", "IO_cleanup",
                        "IO_flush_all", "IO_flush_all_lockp", "IO_lock_lock"});
  }
  return IsOneOf(n, {"fwrite",        "fputs",
                     "puts",          "printf",
                     "fprintf",       "vfprintf",
                     "vprintf",       "vfprintf_internal",
                     "printf_chk",    "fprintf_chk",
                     "vfprintf_chk",  "fflush",
                     "fgets",         "fgetc",
                     "getc",          "putc",
                     "fputc",         "putchar",
                     "fclose",        "flockfile",
                     "fread",         "getline",
                     "getdelim",      "fscanf",
                     "isoc99_fscanf", "vfscanf_internal",
                     "fseek",         "fseeko",
                     "ftell",         "ftello",
                     "rewind",        "new_do_write",
                     "overflow",      "uflow",
                     "perror",        "vfwprintf",
                     "fwprintf",      "wprintf",
                     "fputws",        "fgetws"});
}
// The FILE a stdio function works on without saying so.
std::string ImplicitFile(std::string_view n) {
  if (IsOneOf(n, {"printf", "vprintf", "puts", "IO_puts", "putchar", "printf_chk", "wprintf"})) {
    return "stdout";
  }
  if (n == "perror") return "stderr";
  return "";
}

// `stdout` for `0x7f.. <_IO_2_1_stdout_>` or `<stdout>`, else the address.
std::string FileObject(std::string_view value) {
  for (auto [symbol, name] :
       {std::pair<std::string_view, std::string_view>{"_IO_2_1_stdout_", "stdout"},
        {"_IO_2_1_stderr_", "stderr"},
        {"_IO_2_1_stdin_", "stdin"},
        {"_IO_stdfile_1_lock", "stdout"},
        {"_IO_stdfile_2_lock", "stderr"},
        {"_IO_stdfile_0_lock", "stdin"}}) {
    if (value.find(symbol) != std::string_view::npos) return std::string(name);
  }
  if (auto a = ParseAddress(value); a && *a != 0) return Hex(*a);
  return "";
}

// The FILE stdio function `name` in `frame` works on.
std::string StdioFile(const Frame& frame, std::string_view name) {
  for (std::string_view arg : {"fp", "s", "stream", "f", "file", "fs"}) {
    if (auto v = frame.FindArg(arg)) {
      std::string object = FileObject(v->value);
      if (!object.empty()) return object;
    }
  }
  return ImplicitFile(name);
}

bool IsMallocFunction(std::string_view n) {
  return IsOneOf(n, {"malloc",          "libc_malloc",
                     "int_malloc",      "free",
                     "libc_free",       "int_free",
                     "calloc",          "libc_calloc",
                     "realloc",         "libc_realloc",
                     "int_realloc",     "arena_get2",
                     "arena_get_retry", "reused_arena",
                     "tcache_init",     "libc_memalign",
                     "mid_memalign",    "int_memalign",
                     "libc_valloc",     "libc_pvalloc",
                     "posix_memalign",  "libc_posix_memalign",
                     "malloc_trim",     "malloc_consolidate",
                     "sysmalloc",       "malloc_info",
                     "malloc_stats",    "malloc_fork_lock_parent",
                     "libc_mallinfo2",  "libc_mallinfo"});
}
// malloc's internals that run with their arena locked; `av=` names it.
bool IsArenaLockedFunction(std::string_view n) {
  return IsOneOf(n, {"int_malloc", "int_free", "int_realloc", "int_memalign", "sysmalloc",
                     "malloc_consolidate", "mtrim", "int_mallinfo"});
}

// The arena a malloc function works on (`av=0x7f.. <main_arena>`): its
// address, and the name gdb gave it in `*label`.
std::string ArenaObject(const Frame& f, std::string* label) {
  for (std::string_view arg : {"av", "ar_ptr", "arena"}) {
    if (auto v = f.FindArg(arg)) {
      if (auto a = ParseAddress(v->value); a && *a != 0) {
        const size_t open = v->value.find('<'), close = v->value.rfind('>');
        if (open != std::string::npos && close != std::string::npos && close > open) {
          *label = v->value.substr(open + 1, close - open - 1);
        }
        return Hex(*a);
      }
    }
  }
  return "";
}

bool IsForkFunction(std::string_view n) { return IsOneOf(n, {"libc_fork", "fork", "Fork"}); }
bool IsForkHandlerRunner(std::string_view n) {
  return IsOneOf(n, {"run_prefork_handlers", "run_postfork_handlers", "run_fork_handlers"});
}

// What a function is, for the rules below; computed once per distinct name.
enum NameFlag : unsigned {
  kLoaderFunction = 1u << 0,
  kDlopen = 1u << 1,
  kDlCatchException = 1u << 2,
  kIteratePhdr = 1u << 3,
  kStdio = 1u << 4,
  kArenaLocked = 1u << 5,
  kForkFunction = 1u << 6,
  kForkHandlerRunner = 1u << 7,
  kForkClone = 1u << 8,
  kForkLockingArenas = 1u << 9,
};

struct NameInfo {
  std::string name;  // normalized: glibc's `__GI_`, underscores and versions taken off
  unsigned flags = 0;
};

NameInfo Classify(const std::string& function) {
  NameInfo info{NormalizeFunction(function), 0};
  const std::string& n = info.name;
  if (IsLoaderFunction(n)) info.flags |= kLoaderFunction;
  if (IsDlopen(n)) info.flags |= kDlopen;
  if (n == "dl_catch_exception") info.flags |= kDlCatchException;
  if (n == "dl_iterate_phdr") info.flags |= kIteratePhdr;
  if (IsStdioFunction(n)) info.flags |= kStdio;
  if (IsArenaLockedFunction(n)) info.flags |= kArenaLocked;
  if (IsForkFunction(n)) info.flags |= kForkFunction;
  if (IsForkHandlerRunner(n)) info.flags |= kForkHandlerRunner;
  if (IsOneOf(n, {"Fork", "arch_fork"})) info.flags |= kForkClone;
  if (n == "malloc_fork_lock_parent") info.flags |= kForkLockingArenas;
  return info;
}

struct Named {
  const NameInfo& info;
  const Frame* frame;
  const std::string& name = info.name;
};

// A dump repeats the same few functions thousands of times.
class NameCache {
 public:
  const NameInfo& Get(const std::string& function) {
    auto it = names_.find(function);
    if (it == names_.end()) it = names_.emplace(function, Classify(function)).first;
    return it->second;
  }

 private:
  std::unordered_map<std::string_view, NameInfo> names_;
};

std::vector<Named> NormalizeAll(const Thread& t, int depth, NameCache* cache) {
  std::vector<Named> out;
  out.reserve(depth);
  for (int i = 0; i < depth; ++i) out.push_back({cache->Get(t.frames[i].function), &t.frames[i]});
  return out;
}

// The address the wait is for, as gdb showed it with its symbol.
std::string WaitedSymbol(const Wait& w) { return w.lock_symbol; }

std::string FrameRef(const Frame& f) {
  return "`" + f.function + "` at #" + std::to_string(f.index);
}

// What the thread's lock wait is for, in libc's terms.
LibcLock WaitedLock(const Wait& w, const std::vector<Named>& names) {
  LibcLock out;
  if (w.kind != WaitKind::kMutex || w.wait_frame < 0) return out;
  const std::string symbol = WaitedSymbol(w);
  const bool loader_symbol = symbol.starts_with("_rtld_global+") ||
                             symbol.starts_with("_rtld_local+") || symbol.starts_with("_dl_load_");
  // The callers of the lock functions: the first frames past the wait.
  const int n = static_cast<int>(names.size());
  const int from = w.wait_frame + 1;
  const int to = std::min(n, from + 4);
  for (int i = from; i < to; ++i) {
    const std::string& name = names[i].name;
    if (IsOneOf(name, {"dl_iterate_phdr", "dl_add_to_namespace_list"}) ||
        symbol == "_dl_load_write_lock") {
      out.kind = LibcLockKind::kLoaderWrite;
      return out;
    }
    if (IsOneOf(name, {"dl_open", "dl_addr", "dl_close", "dl_close_worker"}) ||
        symbol == "_dl_load_lock") {
      out.kind = LibcLockKind::kLoader;
      return out;
    }
    if (IsForkHandlerRunner(name) || IsOneOf(name, {"register_atfork", "unregister_atfork"}) ||
        symbol == "atfork_lock") {
      out.kind = LibcLockKind::kAtfork;
      return out;
    }
    if (IsOneOf(name, {"IO_list_lock", "IO_flush_all", "IO_cleanup", "IO_link_in", "IO_un_link"}) ||
        symbol == "list_all_lock") {
      out.kind = LibcLockKind::kStdioList;
      return out;
    }
    if (IsStdioFunction(name) || symbol.starts_with("_IO_stdfile_")) {
      out.kind = LibcLockKind::kStdioFile;
      out.object = symbol.starts_with("_IO_stdfile_") ? FileObject(symbol)
                                                      : StdioFile(*names[i].frame, names[i].name);
      return out;
    }
    if (IsMallocFunction(name) || symbol == "main_arena") {
      out.kind = LibcLockKind::kMallocArena;
      if (w.lock) out.object = Hex(*w.lock);  // an arena's mutex is its first member
      out.label = w.lock_symbol;
      return out;
    }
    if (loader_symbol) break;
    // ld.so without symbols: `pthread_mutex_lock` called from `??` in ld.so.
    if (IsLoaderLibrary(*names[i].frame)) {
      for (int k = i; k < n; ++k) {
        if (IsDlopen(names[k].name) || names[k].name == "dl_catch_error") {
          out.kind = LibcLockKind::kLoaderAny;
          return out;
        }
      }
    }
    // Only the frames of libc's own machinery stand between a wait and its caller.
    const Frame& f = *names[i].frame;
    if (!(f.function == "??" || f.function.starts_with("_") ||
          f.library.find("libc.so") != std::string::npos)) {
      break;
    }
  }
  if (loader_symbol) out.kind = LibcLockKind::kLoaderAny;
  return out;
}

void AddHold(std::vector<LibcHold>* holds, LibcLockKind kind, std::string object, int frame,
             std::string reason, bool interrupted) {
  for (const LibcHold& h : *holds) {
    if (h.lock.kind == kind && h.lock.object == object && h.interrupted == interrupted) return;
  }
  holds->push_back(
      LibcHold{LibcLock{kind, std::move(object)}, frame, std::move(reason), interrupted});
}

// The libc locks frames [lo, hi) of a thread imply it holds.
void HoldsIn(const std::vector<Named>& names, int lo, int hi, bool interrupted,
             std::vector<LibcHold>* holds) {
  int dl_catch = 0, dlopen_frame = -1, fork_frame = -1;
  unsigned any = 0;
  for (int i = lo; i < hi; ++i) {
    const unsigned flags = names[i].info.flags;
    any |= flags;
    if (flags & kDlCatchException) ++dl_catch;
    if ((flags & kDlopen) && dlopen_frame < 0) dlopen_frame = i;
    if ((flags & kForkFunction) && fork_frame < 0) fork_frame = i;
  }
  if (any == 0) return;  // most threads: nothing of glibc's locks
  for (int i = lo; i < hi; ++i) {
    const Named& f = names[i];
    const std::string& n = f.name;
    const unsigned flags = f.info.flags;
    if (flags == 0) continue;
    if (flags & kLoaderFunction) {
      const bool open = n.starts_with("dl_open");
      AddHold(holds, LibcLockKind::kLoader, "", i,
              "inside " +
                  std::string(open             ? "dlopen"
                              : n == "dl_addr" ? "dladdr"
                                               : "dlclose") +
                  " (" + FrameRef(*f.frame) + "), which holds the loader lock (_dl_load_lock)" +
                  (open ? " while it maps the objects and runs their constructors" : ""),
              interrupted);
    } else if (flags & kIteratePhdr) {
      AddHold(holds, LibcLockKind::kLoaderWrite, "", i,
              "inside dl_iterate_phdr (" + FrameRef(*f.frame) +
                  "), which holds the loader's write lock (_dl_load_write_lock) while it calls "
                  "its callback",
              interrupted);
    } else if (flags & kStdio) {
      std::string file = StdioFile(*f.frame, n);
      if (!file.empty()) {
        AddHold(holds, LibcLockKind::kStdioFile, file, i,
                "inside " + FrameRef(*f.frame) + " on " + file +
                    ": a stdio call holds its FILE's lock until it returns",
                interrupted);
      }
    } else if (flags & kArenaLocked) {
      std::string label;
      std::string arena = ArenaObject(*f.frame, &label);
      AddHold(holds, LibcLockKind::kMallocArena, arena, i,
              "inside " + FrameRef(*f.frame) + ", which runs with its malloc arena (" +
                  (arena.empty()   ? std::string("av")
                   : label.empty() ? arena
                                   : label) +
                  ") locked",
              interrupted);
    }
  }
  // ld.so without symbols: inside dlopen, and past the first
  // `_dl_catch_exception` (the one dlopen itself calls) means inside
  // `_dl_open`'s worker.
  if (dlopen_frame >= 0 && dl_catch >= 2) {
    const bool named = std::any_of(holds->begin(), holds->end(), [](const LibcHold& h) {
      return h.lock.kind == LibcLockKind::kLoader;
    });
    if (!named) {
      AddHold(holds, LibcLockKind::kLoader, "", dlopen_frame,
              "inside dlopen (" + FrameRef(*names[dlopen_frame].frame) + ", " +
                  std::to_string(dl_catch) +
                  " `_dl_catch_exception` frames: past the loader lock), which holds the loader "
                  "lock (_dl_load_lock) while it maps the objects and runs their constructors",
              interrupted);
    }
  }
  if (fork_frame >= 0) {
    // glibc 2.34+ runs the atfork handlers without its atfork lock; between
    // them, and from the prepare handlers to the parent ones, fork holds it,
    // and around the clone itself the stdio list and every arena.
    bool in_handler = false, in_clone = false, locking_arenas = false;
    for (int i = lo; i < fork_frame; ++i) {
      const unsigned flags = names[i].info.flags;
      if ((flags & kForkHandlerRunner) && i > lo) {
        const Frame& inner = *names[i - 1].frame;
        const bool libc = inner.function.starts_with("_") || inner.function == "??" ||
                          inner.library.find("libc.so") != std::string::npos;
        if (!libc) in_handler = true;
      }
      if (flags & kForkClone) in_clone = true;
      if (flags & kForkLockingArenas) locking_arenas = true;
    }
    const Frame& fork = *names[fork_frame].frame;
    if (!in_handler) {
      AddHold(holds, LibcLockKind::kAtfork, "", fork_frame,
              "inside fork (" + FrameRef(fork) +
                  "), between its atfork handlers, which holds "
                  "the atfork lock",
              interrupted);
    }
    if (in_clone || locking_arenas) {
      AddHold(holds, LibcLockKind::kStdioList, "", fork_frame,
              "inside fork (" + FrameRef(fork) +
                  "), which holds the stdio list lock around the "
                  "clone",
              interrupted);
      AddHold(holds, LibcLockKind::kMallocArena, "", fork_frame,
              "inside fork (" + FrameRef(fork) + "), which holds " +
                  (in_clone ? "every malloc arena's lock" : "the malloc arena locks taken so far") +
                  " around the clone",
              interrupted);
    }
  }
}

}  // namespace

std::string LibcLockName(const LibcLock& lock) {
  switch (lock.kind) {
    case LibcLockKind::kLoader:
      return "the loader lock (_dl_load_lock)";
    case LibcLockKind::kLoaderWrite:
      return "the loader's write lock (_dl_load_write_lock)";
    case LibcLockKind::kLoaderAny:
      return "a loader lock (_dl_load_lock or _dl_load_write_lock)";
    case LibcLockKind::kStdioFile:
      return (lock.object.empty() ? std::string("a FILE") : lock.object) + "'s FILE lock";
    case LibcLockKind::kAtfork:
      return "the atfork lock";
    case LibcLockKind::kStdioList:
      return "the stdio list lock";
    case LibcLockKind::kMallocArena:
      return "the malloc arena lock" + (lock.object.empty() ? std::string()
                                        : lock.label.empty()
                                            ? " of " + lock.object
                                            : " of " + lock.label + " (" + lock.object + ")");
    case LibcLockKind::kNone:
      break;
  }
  return "";
}

bool LibcLockMatches(const LibcLock& waited, const LibcLock& held) {
  if (waited.kind == LibcLockKind::kNone) return false;
  const bool loader = [](LibcLockKind k) {
    return k == LibcLockKind::kLoader || k == LibcLockKind::kLoaderWrite ||
           k == LibcLockKind::kLoaderAny;
  }(waited.kind);
  if (loader) {
    return held.kind == waited.kind ||
           (waited.kind == LibcLockKind::kLoaderAny &&
            (held.kind == LibcLockKind::kLoader || held.kind == LibcLockKind::kLoaderWrite));
  }
  if (held.kind != waited.kind) return false;
  if (waited.kind == LibcLockKind::kStdioFile) {
    return !waited.object.empty() && waited.object == held.object;
  }
  if (waited.kind == LibcLockKind::kMallocArena) {
    // `main_arena` stands for the arena fork locks first.
    return held.object.empty() || waited.object.empty() || held.object == waited.object;
  }
  return true;
}

LibcLocks FindLibcLocks(const Dump& dump, const std::vector<Wait>& waits) {
  LibcLocks out;
  const size_t n = dump.threads.size();
  out.waits.resize(n);
  out.holds.resize(n);
  NameCache cache;
  for (size_t i = 0; i < n; ++i) {
    const Thread& t = dump.threads[i];
    const Wait& w = waits[i];
    const int depth = std::min<int>(static_cast<int>(t.frames.size()), kMaxScanDepth);
    if (depth == 0) continue;
    const std::vector<Named> names = NormalizeAll(t, depth, &cache);
    out.waits[i] = WaitedLock(w, names);
    int signal = -1;
    for (int k = std::max(0, w.wait_frame); k < depth; ++k) {
      if (t.frames[k].function == "<signal handler called>") {
        signal = k;
        break;
      }
    }
    std::vector<LibcHold>& holds = out.holds[i];
    if (signal >= 0) {
      HoldsIn(names, 0, signal, false, &holds);
      HoldsIn(names, signal + 1, depth, true, &holds);
    } else {
      HoldsIn(names, 0, depth, false, &holds);
    }
    // A thread does not hold what it waits for, except what the code a
    // signal handler interrupted holds.
    const LibcLock& waited = out.waits[i];
    holds.erase(std::remove_if(holds.begin(), holds.end(),
                               [&](const LibcHold& h) {
                                 return !h.interrupted && LibcLockMatches(waited, h.lock);
                               }),
                holds.end());
  }
  return out;
}

}  // namespace lockgraph::analyzer
