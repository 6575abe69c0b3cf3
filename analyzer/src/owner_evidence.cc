// Owner evidence; the ranking is documented in owner_evidence.h.
#include "owner_evidence.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>

#include "hex.h"
#include "line_grammar.h"

namespace lockgraph::analyzer {
namespace {

// A live RAII guard: which thread, and where, so the report can say where
// the holder took the lock.
struct GuardSite {
  int thread;
  int frame;
  const std::string* local;
};

// Addresses of locks a live RAII guard in one of `thread`'s frames holds.
// The waited-for lock is skipped in the call-site frame: a lock_guard whose
// constructor is still blocked already looks initialized there.
void CollectGuards(const Thread& thread, const Wait& wait, int thread_index,
                   std::unordered_map<uint64_t, std::vector<GuardSite>>* held) {
  int first = wait.call_site >= 0 ? wait.call_site : wait.wait_frame + 1;
  for (int i = first; i < static_cast<int>(thread.frames.size()); ++i) {
    for (const NamedValue& local : thread.frames[i].locals) {
      std::string_view v = local.value;
      if (v.find("_M_owns = false") != std::string_view::npos) continue;
      // libstdc++'s lock_guard/unique_lock, shared_lock, and absl's MutexLock family.
      for (std::string_view field : {"_M_device = ", "_M_pm = ", "mu_ = "}) {
        size_t at = v.find(field);
        if (at == std::string_view::npos) continue;
        std::string_view rest = v.substr(at + field.size());
        // lock_guard holds a reference, which gdb prints as `@0x...`.
        if (rest.starts_with("@")) rest.remove_prefix(1);
        auto addr = ParseAddress(rest);
        if (!addr || (i == wait.call_site && wait.lock == addr)) continue;
        std::vector<GuardSite>& holders = (*held)[*addr];
        if (holders.empty() || holders.back().thread != thread_index) {
          holders.push_back({thread_index, i, &local.name});
        }
      }
    }
  }
}

// A waiter names a few of the threads glibc's rules say hold its lock, not
// thousands (a hostile dump could make every thread a candidate).
constexpr size_t kMaxImpliedHolders = 16;

std::string LibcKey(LibcLockKind kind, const std::string& object) {
  return std::to_string(static_cast<int>(kind)) + '\x1f' + object;
}

}  // namespace

const char* EvidenceSourceName(EvidenceSource source) {
  switch (source) {
    case EvidenceSource::kRegistry:
      return "lockgraph-registry";
    case EvidenceSource::kRecordedOwner:
      return "recorded-owner";
    case EvidenceSource::kPrintedOwner:
      return "gdb-print";
    case EvidenceSource::kImpliedHolder:
      return "implied-holder";
    case EvidenceSource::kJoinTarget:
      return "join-target";
    case EvidenceSource::kHeldGuard:
      return "held-guard";
    case EvidenceSource::kUnknown:
      break;
  }
  return "unknown";
}

const char* ConfidenceName(Confidence confidence) {
  switch (confidence) {
    case Confidence::kHigh:
      return "high";
    case Confidence::kMedium:
      return "medium";
    case Confidence::kUnknown:
      break;
  }
  return "unknown";
}

std::vector<OwnerEvidence> FindOwners(const Dump& dump, const std::vector<Wait>& waits) {
  const RegistryIndex registry = IndexRegistry(dump);
  std::vector<Wait> copy = waits;
  const SessionFacts session = ReadSession(dump, &copy);
  const LibcLocks libc = FindLibcLocks(dump, waits);
  return FindOwners(dump, waits, EvidenceSources{registry, session, libc});
}

std::vector<OwnerEvidence> FindOwners(const Dump& dump, const std::vector<Wait>& waits,
                                      const EvidenceSources& sources) {
  const RegistryIndex& registry = sources.registry;
  const int n = static_cast<int>(dump.threads.size());
  std::unordered_map<int64_t, int> by_lwp;
  std::unordered_map<uint64_t, int> by_pthread;
  std::unordered_map<uint64_t, const LockRecord*> records;
  std::unordered_map<uint64_t, std::vector<GuardSite>> guards;
  for (int i = 0; i < n; ++i) {
    const Thread& t = dump.threads[i];
    if (t.lwp != 0) by_lwp.emplace(t.lwp, i);
    if (t.pthread) by_pthread.emplace(*t.pthread, i);
    CollectGuards(t, waits[i], i, &guards);
  }
  // The last record for an address wins: a capture may re-read a lock.
  for (const LockRecord& r : dump.locks) records[r.address] = &r;

  auto owner_of = [&](int64_t lwp) {
    auto it = by_lwp.find(lwp);
    return Owner{lwp, it == by_lwp.end() ? -1 : it->second};
  };

  // glibc's locks by what they are: built on the first wait for one.
  std::unordered_map<std::string, std::vector<std::pair<int, const LibcHold*>>> libc_holders;
  bool libc_index_built = false;

  std::vector<OwnerEvidence> out(n);
  for (int i = 0; i < n; ++i) {
    const Wait& w = waits[i];
    OwnerEvidence& e = out[i];
    if (!WaitsForHolder(w.kind)) continue;

    if (w.kind == WaitKind::kJoin) {
      if (w.join_target) {
        if (auto it = by_pthread.find(*w.join_target); it != by_pthread.end()) {
          e.owners.push_back(Owner{dump.threads[it->second].lwp, it->second});
          e.source = EvidenceSource::kJoinTarget;
          e.confidence = Confidence::kHigh;
          e.detail =
              "threadid=" + std::to_string(*w.join_target) + " is Thread " + Hex(*w.join_target);
          continue;
        }
      }
      if (w.join_target) {
        if (auto it = sources.session.pthread_tids.find(*w.join_target);
            it != sources.session.pthread_tids.end()) {
          e.owners.push_back(owner_of(it->second));
          e.source = EvidenceSource::kJoinTarget;
          e.confidence = Confidence::kHigh;
          e.detail = "threadid=" + std::to_string(*w.join_target) + " is " + Hex(*w.join_target) +
                     ": " + sources.session.tid_evidence.at(*w.join_target);
          continue;
        }
      }
      if (w.join_tid) {
        e.owners.push_back(owner_of(*w.join_tid));
        e.source = EvidenceSource::kJoinTarget;
        e.confidence = Confidence::kHigh;
        e.detail = "join futex expects tid " + std::to_string(*w.join_tid);
        continue;
      }
      e.detail = "joined thread not identified (no threadid= argument)";
      continue;
    }

    if (!registry.empty) {
      const std::string quoted = "\"" + w.lock_name + "\"";
      if (const RegistryFact* f = registry.waits[i]) {
        if (auto it = registry.holders.find(f->address); it != registry.holders.end()) {
          for (int64_t lwp : it->second) e.owners.push_back(owner_of(lwp));
          e.detail = quoted + " is held by LWP ";
          for (size_t k = 0; k < it->second.size(); ++k) {
            e.detail += (k ? ", " : "") + std::to_string(it->second[k]);
          }
          e.detail += " (lockgraph registry, read by the gdb extension)";
        } else if (f->owner) {
          e.owners.push_back(owner_of(*f->owner));
          e.detail = "owner field of " + quoted + " = " + std::to_string(*f->owner) +
                     " (read by the gdb extension)";
        }
      }
      if (e.owners.empty() && registry.deadlock_next[i]) {
        e.owners.push_back(owner_of(*registry.deadlock_next[i]));
        e.detail = "next on the gdb extension's deadlock cycle";
      }
      if (!e.owners.empty()) {
        e.source = EvidenceSource::kRegistry;
        e.confidence = Confidence::kHigh;
        continue;
      }
    }
    if (w.lock) {
      if (auto it = records.find(*w.lock); it != records.end()) {
        const LockRecord& r = *it->second;
        if (r.owner && *r.owner > 0) {
          e.owners.push_back(owner_of(*r.owner));
          e.source = EvidenceSource::kRecordedOwner;
          e.confidence = Confidence::kHigh;
          e.detail = std::string(r.kind == "rwlock" ? "__cur_writer" : "__owner") + " = " +
                     std::to_string(*r.owner) + " (read by lockgraph capture)";
          if (w.lock_from_register) {
            // The owner field is exact, but which lock the thread waits for
            // was inferred from a register.
            e.confidence = Confidence::kMedium;
            e.detail += "; lock address from the waiter's registers";
          }
          continue;
        }
        if (r.readers && *r.readers > 0) {
          e.detail = "held by " + std::to_string(*r.readers) + " reader(s) (read by capture)";
        } else if (r.owner && *r.owner == 0) {
          e.lock_free = true;
          e.detail = "free when captured (owner field 0)";
        }
      }
    }
    if (w.lock) {
      if (auto it = sources.session.locks.find(*w.lock); it != sources.session.locks.end()) {
        const PrintedLock& p = it->second;
        if (p.owner && *p.owner > 0) {
          e.owners.push_back(owner_of(*p.owner));
          e.source = EvidenceSource::kPrintedOwner;
          e.confidence = p.exact && !w.lock_from_register ? Confidence::kHigh : Confidence::kMedium;
          e.detail = p.evidence;
          if (w.lock_from_register) e.detail += "; lock address from the waiter's registers";
          if (w.mutex_from_futex) {
            e.confidence = Confidence::kMedium;
            e.detail += "; the waiter's frames show only a futex wait on this mutex's lock word";
          }
          e.lock_free = false;
          continue;
        }
        if (p.readers && *p.readers > 0) {
          e.detail = p.evidence + ": held by " + std::to_string(*p.readers) +
                     " reader(s), which it does not name";
        } else if (p.owner && *p.owner == 0) {
          e.lock_free = true;
          e.detail = p.evidence + ": free when printed";
        }
      }
    }
    if (w.recorded_owner) {
      e.owners.push_back(owner_of(*w.recorded_owner));
      e.source = EvidenceSource::kRecordedOwner;
      e.confidence = Confidence::kHigh;
      e.detail = "owner field " + std::to_string(*w.recorded_owner) + " printed by bt full";
      e.lock_free = false;
      continue;
    }
    if (w.lock) {
      if (auto it = guards.find(*w.lock); it != guards.end()) {
        e.detail.clear();
        for (const GuardSite& site : it->second) {
          const Thread& holder = dump.threads[site.thread];
          e.owners.push_back(Owner{holder.lwp, site.thread});
          const Frame& f = holder.frames[site.frame];
          if (!e.detail.empty()) e.detail += "; ";
          e.detail += "guard `" + *site.local + "` of LWP " + std::to_string(holder.lwp) + " in " +
                      f.function;
          if (!f.file.empty()) e.detail += " at " + f.file + ":" + std::to_string(f.line);
        }
        e.source = EvidenceSource::kHeldGuard;
        e.confidence = Confidence::kMedium;
        e.lock_free = false;
        continue;
      }
    }
    if (const LibcLock& waited = sources.libc.waits[i]; waited.kind != LibcLockKind::kNone) {
      if (!libc_index_built) {
        libc_index_built = true;
        for (int h = 0; h < n; ++h) {
          for (const LibcHold& hold : sources.libc.holds[h]) {
            libc_holders[LibcKey(hold.lock.kind, hold.lock.object)].push_back({h, &hold});
          }
        }
      }
      // The lists a waiter's lock can be held in: its own, fork's "every
      // arena", and either loader lock when ld.so has no symbols.
      std::vector<std::string> keys = {LibcKey(waited.kind, waited.object)};
      if (waited.kind == LibcLockKind::kMallocArena) keys.push_back(LibcKey(waited.kind, ""));
      if (waited.kind == LibcLockKind::kLoaderAny) {
        keys = {LibcKey(LibcLockKind::kLoader, ""), LibcKey(LibcLockKind::kLoaderWrite, "")};
      }
      for (const std::string& key : keys) {
        auto it = libc_holders.find(key);
        if (it == libc_holders.end()) continue;
        for (const auto& [h, hold] : it->second) {
          if (e.owners.size() >= kMaxImpliedHolders) break;
          // Only the code a signal handler interrupted holds what the thread waits for.
          if ((h == i && !hold->interrupted) || !LibcLockMatches(waited, hold->lock)) continue;
          if (std::any_of(e.owners.begin(), e.owners.end(),
                          [h = h](const Owner& o) { return o.thread == h; })) {
            continue;
          }
          e.owners.push_back(Owner{dump.threads[h].lwp, h});
          e.reasons.push_back(hold->reason);
        }
      }
      if (!e.owners.empty()) {
        e.source = EvidenceSource::kImpliedHolder;
        e.confidence = Confidence::kMedium;
        e.lock_free = false;
        e.detail = "waits for " + LibcLockName(waited) + "; ";
        for (size_t k = 0; k < e.owners.size(); ++k) {
          const Thread& holder = dump.threads[e.owners[k].thread];
          e.detail +=
              (k ? "; " : "") +
              (e.owners[k].thread == i ? std::string("the code its signal handler "
                                                     "interrupted is ")
                                       : (holder.lwp != 0 ? "LWP " + std::to_string(holder.lwp)
                                                          : std::string("a thread")) +
                                             " is ") +
              e.reasons[k];
        }
        continue;
      }
      if (e.detail.empty())
        e.detail = "waits for " + LibcLockName(waited) + "; no thread shown holds it";
    }
    if (e.detail.empty()) {
      e.detail = w.lock ? "no owner recorded for this lock" : "lock address not in the dump";
    }
  }
  return out;
}

}  // namespace lockgraph::analyzer
