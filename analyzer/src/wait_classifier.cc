// Wait classification; the rules are described in wait_classifier.h.
#include "wait_classifier.h"

#include <array>
#include <vector>

#include "line_grammar.h"
#include "text_scan.h"

namespace lockgraph::analyzer {
namespace {

// How deep into a stack the wait chain may reach. Real chains are at most
// about ten frames (std::unique_lock -> std::mutex -> gthread -> pthread ->
// lll -> futex); the bound keeps a corrupt 10,000-frame stack cheap.
constexpr int kMaxChainDepth = 32;

struct CPattern {
  std::string_view prefix;
  WaitKind kind;
};

// Matched against normalized C names as prefixes, so `_full`, `64`, `_ex`,
// `_common` and `_private` variants of every glibc era match too.
constexpr std::array kCPatterns = {
    CPattern{"pthread_mutex_lock", WaitKind::kMutex},
    CPattern{"pthread_mutex_timedlock", WaitKind::kMutex},
    CPattern{"pthread_mutex_clocklock", WaitKind::kMutex},
    CPattern{"pthread_mutex_cond_lock", WaitKind::kMutex},
    CPattern{"lll_lock_wait", WaitKind::kMutex},
    CPattern{"lll_mutex_lock", WaitKind::kMutex},
    CPattern{"lll_timedlock", WaitKind::kMutex},
    CPattern{"lll_clocklock", WaitKind::kMutex},
    CPattern{"gthread_mutex_lock", WaitKind::kMutex},
    CPattern{"gthread_recursive_mutex_lock", WaitKind::kMutex},
    CPattern{"pthread_rwlock_rdlock", WaitKind::kRwlockRead},
    CPattern{"pthread_rwlock_timedrdlock", WaitKind::kRwlockRead},
    CPattern{"pthread_rwlock_clockrdlock", WaitKind::kRwlockRead},
    CPattern{"pthread_rwlock_wrlock", WaitKind::kRwlockWrite},
    CPattern{"pthread_rwlock_timedwrlock", WaitKind::kRwlockWrite},
    CPattern{"pthread_rwlock_clockwrlock", WaitKind::kRwlockWrite},
    CPattern{"pthread_join", WaitKind::kJoin},
    CPattern{"pthread_clockjoin", WaitKind::kJoin},
    CPattern{"pthread_timedjoin", WaitKind::kJoin},
    CPattern{"pthread_cond_wait", WaitKind::kCondvar},
    CPattern{"pthread_cond_timedwait", WaitKind::kCondvar},
    CPattern{"pthread_cond_clockwait", WaitKind::kCondvar},
    CPattern{"futex_wait", WaitKind::kFutex},
    CPattern{"futex_abstimed_wait", WaitKind::kFutex},
    CPattern{"futex_lock_pi", WaitKind::kFutex},
};

using scan::IsOneOf;

// Splits `a::b::c` into components.
std::vector<std::string_view> SplitScope(std::string_view name) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t pos; (pos = name.find("::", start)) != std::string_view::npos; start = pos + 2) {
    parts.push_back(name.substr(start, pos - start));
  }
  parts.push_back(name.substr(start));
  return parts;
}

// The kind of a C++ wait wrapper from its class and method.
WaitKind MatchCxx(std::string_view name) {
  std::vector<std::string_view> parts = SplitScope(name);
  if (parts.size() < 2) return WaitKind::kNone;
  std::string_view ns = parts.front();
  std::string_view cls = parts[parts.size() - 2];
  std::string_view method = parts.back();
  const bool lock_method = IsOneOf(method, {"lock", "try_lock_for", "try_lock_until"});
  const bool shared_method =
      IsOneOf(method, {"lock_shared", "try_lock_shared_for", "try_lock_shared_until"});
  if (ns == "std") {
    if (IsOneOf(cls, {"mutex", "recursive_mutex", "timed_mutex", "recursive_timed_mutex"}) &&
        lock_method) {
      return WaitKind::kMutex;
    }
    if (IsOneOf(cls, {"shared_mutex", "shared_timed_mutex", "__shared_mutex_pthread",
                      "__shared_mutex_cv"})) {
      if (lock_method) return WaitKind::kRwlockWrite;
      if (shared_method) return WaitKind::kRwlockRead;
    }
    if (IsOneOf(cls, {"unique_lock", "lock_guard", "scoped_lock"}) &&
        (method == "lock" || method == cls)) {
      return WaitKind::kMutex;
    }
    if (cls == "shared_lock" && (method == "lock" || method == cls)) return WaitKind::kRwlockRead;
    if (cls == "thread" && method == "join") return WaitKind::kJoin;
    if (IsOneOf(cls, {"condition_variable", "condition_variable_any", "__condvar"}) &&
        method.starts_with("wait")) {
      return WaitKind::kCondvar;
    }
    return WaitKind::kNone;
  }
  if (ns == "absl") {
    if (cls == "Mutex") {
      if (IsOneOf(method, {"ReaderLock", "ReaderLockWhen", "ReaderLockSlow"})) {
        return WaitKind::kRwlockRead;
      }
      if (method.starts_with("LockSlow") ||
          IsOneOf(method, {"Lock", "WriterLock", "LockWhen", "LockWhenWithTimeout"})) {
        return WaitKind::kMutex;
      }
    }
    // The RAII guards' constructors: their `mu` argument is the mutex.
    if (method == cls &&
        IsOneOf(cls, {"MutexLock", "WriterMutexLock", "MutexLockMaybe", "ReleasableMutexLock"})) {
      return WaitKind::kMutex;
    }
    if (method == cls && cls == "ReaderMutexLock") return WaitKind::kRwlockRead;
    if (cls == "CondVar" && method.starts_with("Wait")) return WaitKind::kCondvar;
    return WaitKind::kNone;
  }
  if (ns == "lockgraph") {
    if (IsOneOf(cls, {"Mutex", "RecursiveMutex", "TimedMutex"}) && lock_method) {
      return WaitKind::kMutex;
    }
    if (cls == "SharedMutex") {
      if (lock_method) return WaitKind::kRwlockWrite;
      if (shared_method) return WaitKind::kRwlockRead;
    }
    if (cls == "ConditionVariable" && method.starts_with("wait")) return WaitKind::kCondvar;
  }
  return WaitKind::kNone;
}

WaitKind MatchFrame(std::string_view normalized) {
  if (normalized.find("::") != std::string_view::npos) return MatchCxx(normalized);
  for (const CPattern& p : kCPatterns) {
    if (normalized.starts_with(p.prefix)) return p.kind;
  }
  return WaitKind::kNone;
}

// Frames that may sit between the futex and the recognized wait, or between
// two recognized frames, without ending the chain.
bool IsMachinery(const Frame& frame, std::string_view raw, std::string_view normalized) {
  if (raw == "??" || raw.starts_with("__") || raw.starts_with("_dl_")) return true;
  for (std::string_view p :
       {"futex", "lll_", "pthread_", "syscall", "sem_", "clone", "start_thread",
        "std::", "absl::", "lockgraph::", "__gnu_cxx::", "AbslInternal"}) {
    if (normalized.starts_with(p) || raw.starts_with(p)) return true;
  }
  // glibc's own sources, as Debian's libc6-dbg names them: a lock taken by
  // dlopen, stdio, malloc or fork is reported at the program's call.
  for (std::string_view dir : {"./nptl/", "../sysdeps/", "nptl/", "./dlfcn/", "./elf/", "./libio/",
                               "./malloc/", "./posix/", "./stdio-common/"}) {
    if (frame.file.starts_with(dir)) return true;
  }
  return frame.library.find("libc.so") != std::string::npos ||
         frame.library.find("libpthread") != std::string::npos;
}

std::optional<NamedValue> FindNamed(const Frame& f, std::initializer_list<std::string_view> names) {
  for (std::string_view n : names) {
    if (auto v = f.FindArg(n)) return v;
  }
  return std::nullopt;
}

// Looks for a recorded owner field (`__owner = N`, `__cur_writer = N`) in the
// text of a printed value, e.g. a `bt full` local holding the mutex itself.
std::optional<int64_t> FindOwnerField(std::string_view text, std::string_view field) {
  size_t at = text.find(field);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = text.substr(at + field.size());
  size_t end = rest.find_first_of(",}");
  auto v = ParseInteger(rest.substr(0, end));
  if (!v || *v <= 0) return std::nullopt;
  return v;
}

}  // namespace

const char* WaitKindName(WaitKind kind) {
  switch (kind) {
    case WaitKind::kNone:
      return "none";
    case WaitKind::kMutex:
      return "mutex";
    case WaitKind::kRwlockRead:
      return "rwlock-read";
    case WaitKind::kRwlockWrite:
      return "rwlock-write";
    case WaitKind::kJoin:
      return "join";
    case WaitKind::kCondvar:
      return "condvar";
    case WaitKind::kFutex:
      return "futex";
  }
  return "none";
}

bool WaitsForHolder(WaitKind kind) {
  // A bare futex wait (a semaphore, std::atomic::wait, an event) has no
  // holder to point at; idle pools wait like this by the thousand, so it is
  // a state, like a condvar wait, not an edge with an unknown owner.
  return kind == WaitKind::kMutex || kind == WaitKind::kRwlockRead ||
         kind == WaitKind::kRwlockWrite || kind == WaitKind::kJoin;
}

std::string NormalizeFunction(std::string_view function) {
  std::string_view s = function;
  if (size_t at = s.find('@'); at != std::string_view::npos) s = s.substr(0, at);
  // A demangled signature `f(int)` (no debug info) ends the name, except in
  // `operator()`.
  if (s.ends_with(")")) {
    size_t open = s.find('(');
    while (open != std::string_view::npos && open >= 8 && s.substr(open - 8, 8) == "operator") {
      open = s.find('(', open + 2);
    }
    if (open != std::string_view::npos && open > 0) s = s.substr(0, open);
  }
  std::string out;
  out.reserve(s.size());
  int angle = 0;
  int bracket = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '<' && !(i >= 8 && s.substr(i - 8, 8) == "operator")) {
      ++angle;
    } else if (c == '>' && angle > 0) {
      --angle;
    } else if (c == '[') {  // [abi:cxx11]
      ++bracket;
    } else if (c == ']' && bracket > 0) {
      --bracket;
    } else if (angle == 0 && bracket == 0) {
      out.push_back(c);
    }
  }
  // Inline namespaces that vary by build: absl's lts_YYYYMMDD, libc++'s __1,
  // libstdc++'s __cxx11.
  for (std::string_view inl : {"::__1::", "::__cxx11::"}) {
    for (size_t at; (at = out.find(inl)) != std::string::npos;) out.erase(at, inl.size() - 2);
  }
  for (size_t at; (at = out.find("::lts_")) != std::string::npos;) {
    size_t end = out.find("::", at + 2);
    if (end == std::string::npos) break;
    out.erase(at, end - at);
  }
  if (out.starts_with("__GI_")) out.erase(0, 5);
  size_t underscores = 0;
  while (underscores < out.size() && out[underscores] == '_') ++underscores;
  out.erase(0, underscores);
  return out;
}

Wait ClassifyWait(const Thread& thread) {
  Wait wait;
  const int depth = std::min<int>(static_cast<int>(thread.frames.size()), kMaxChainDepth);
  // Recognized frames of the chain, innermost first.
  std::vector<std::pair<int, WaitKind>> hits;
  int chain_end = depth;
  for (int i = 0; i < depth; ++i) {
    const Frame& f = thread.frames[i];
    std::string normalized = NormalizeFunction(f.function);
    WaitKind kind = MatchFrame(normalized);
    if (kind != WaitKind::kNone) {
      hits.emplace_back(i, kind);
      wait.api = normalized;
    } else if (!IsMachinery(f, f.function, normalized)) {
      chain_end = i;
      break;
    }
  }
  if (hits.empty()) return wait;
  wait.wait_frame = hits.back().first;
  wait.kind = hits.back().second;
  // pthread_cond_wait re-taking its mutex is a mutex wait.
  for (auto [index, kind] : hits) {
    if (kind == WaitKind::kMutex && wait.kind == WaitKind::kCondvar) wait.kind = WaitKind::kMutex;
    if (kind != WaitKind::kFutex && wait.kind == WaitKind::kFutex) wait.kind = kind;
  }
  if (chain_end < static_cast<int>(thread.frames.size())) wait.call_site = chain_end;

  // The lock's address: the libc-level argument first (what owner records are
  // keyed by), then futex words (a mutex's futex word is its first member),
  // then a C++ wrapper's `this`.
  auto address_from = [&](std::initializer_list<std::string_view> names) -> bool {
    for (auto [index, kind] : hits) {
      if (auto v = FindNamed(thread.frames[index], names)) {
        if (auto a = ParseAddress(v->value)) {
          wait.lock = a;
          size_t open = v->value.find('<'), close = v->value.rfind('>');
          if (open != std::string::npos && close != std::string::npos && close > open) {
            wait.lock_symbol = v->value.substr(open + 1, close - open - 1);
          }
          return true;
        }
      }
    }
    return false;
  };
  switch (wait.kind) {
    case WaitKind::kMutex:
      address_from({"mutex"}) || address_from({"futex", "futex_word"}) || address_from({"mu"}) ||
          address_from({"this"});
      break;
    case WaitKind::kRwlockRead:
    case WaitKind::kRwlockWrite:
      address_from({"rwlock"}) || address_from({"mu"}) || address_from({"this"});
      break;
    case WaitKind::kCondvar:
      address_from({"cond"}) || address_from({"this"});
      break;
    case WaitKind::kFutex:
      address_from({"futex_word", "futex", "uaddr"});
      break;
    case WaitKind::kJoin:
      for (auto [index, kind] : hits) {
        const Frame& f = thread.frames[index];
        if (auto v = FindNamed(f, {"threadid", "th", "thread"})) {
          if (auto id = ParseInteger(v->value))
            wait.join_target = static_cast<uint64_t>(*id);
          else if (auto a = ParseAddress(v->value))
            wait.join_target = a;
        }
        // The join futex is the joined thread's tid field: the kernel clears
        // it when that thread exits, so its expected value is that tid.
        if (kind == WaitKind::kFutex) {
          if (auto v = f.FindArg("expected")) {
            if (auto tid = ParseInteger(v->value); tid && *tid > 0) wait.join_tid = tid;
          }
        }
      }
      break;
    case WaitKind::kNone:
      break;
  }

  // A `bt full` that printed the lock itself shows who holds it.
  std::string_view field =
      (wait.kind == WaitKind::kRwlockRead || wait.kind == WaitKind::kRwlockWrite)
          ? "__cur_writer = "
          : "__owner = ";
  if (wait.kind != WaitKind::kJoin && wait.kind != WaitKind::kCondvar) {
    for (auto [index, kind] : hits) {
      const Frame& f = thread.frames[index];
      const std::vector<NamedValue> args = f.Args();
      for (const auto* list : {&args, &f.locals}) {
        for (const NamedValue& nv : *list) {
          if (auto owner = FindOwnerField(nv.value, field)) {
            wait.recorded_owner = owner;
            break;
          }
        }
        if (wait.recorded_owner) break;
      }
      if (wait.recorded_owner) break;
    }
  }
  return wait;
}

}  // namespace lockgraph::analyzer
