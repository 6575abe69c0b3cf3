// JSON output. Top level: `cycles` (a list of cycles, each a list of
// {lwp, lock, ...}; `lock` is the address the thread waits for as text, or
// null for a join or an unknown address), `verdict`, `deadlock`, `threads`,
// `blocked_behind`, `unknown_owner`, `long_holders` (threads waited for that
// wait for nothing themselves), `groups`, and `dump`. With several input
// files, `cycles` holds every file's cycles (each step names its `dump`),
// `dumps` holds the per-file objects, and `stuck_across_dumps` the threads
// blocked in the same place in all of them (dump_compare.h).
#include <algorithm>
#include <nlohmann/json.hpp>

#include "dump_compare.h"
#include "dump_parser.h"
#include "hex.h"
#include "render/render.h"

namespace lockgraph::analyzer {
namespace {

using nlohmann::json;

json AddressOrNull(const std::optional<uint64_t>& a) { return a ? json(Hex(*a)) : json(nullptr); }

json FrameJson(const Frame& f) {
  json j = {{"index", f.index}, {"function", f.function}};
  if (f.pc) j["pc"] = Hex(*f.pc);
  if (!f.file.empty()) j["file"] = f.file;
  if (f.line > 0) j["line"] = f.line;
  if (!f.library.empty()) j["library"] = f.library;
  return j;
}

json OwnersJson(const OwnerEvidence& e) {
  json owners = json::array();
  for (const Owner& o : e.owners) owners.push_back(o.lwp);
  return owners;
}

json HeldJson(const std::vector<HeldLock>& held) {
  json out = json::array();
  for (const HeldLock& h : held) {
    out.push_back(
        {{"lock", Hex(h.address)}, {"name", h.name}, {"mode", h.shared ? "shared" : "exclusive"}});
  }
  return out;
}

json CycleJson(const Analysis& a, const Cycle& c) {
  json steps = json::array();
  const size_t len = c.steps.size();
  for (size_t k = 0; k < len; ++k) {
    const CycleStep& s = c.steps[k];
    const Thread& t = a.dump.threads[s.thread];
    const Wait& w = a.waits[s.thread];
    const OwnerEvidence& e = a.owners[s.thread];
    json frames = json::array();
    for (int i : RelevantFrames(t, w)) frames.push_back(FrameJson(t.frames[i]));
    json step = {{"lwp", t.lwp},
                 {"lock", AddressOrNull(s.waits_for)},
                 {"holds", AddressOrNull(s.holds)},
                 {"kind", WaitKindName(w.kind)},
                 {"waits_for_lwp", a.dump.threads[c.steps[s.next].thread].lwp},
                 {"evidence", EvidenceSourceName(e.source)},
                 {"confidence", ConfidenceName(e.confidence)},
                 {"detail", e.detail},
                 {"name", t.name},
                 {"thread", t.number},
                 {"frames", frames},
                 {"dump", a.dump.source}};
    if (!w.lock_symbol.empty()) step["lock_symbol"] = w.lock_symbol;
    if (!w.lock_name.empty()) step["lock_name"] = w.lock_name;
    if (!w.libc_lock.empty()) step["libc_lock"] = w.libc_lock;
    if (!t.id_known) step["id_known"] = false;
    if (!e.reasons.empty()) step["reasons"] = e.reasons;
    const Wait& prev = a.waits[c.steps[(k + len - 1) % len].thread];
    if (s.holds && !prev.lock_name.empty()) step["holds_name"] = prev.lock_name;
    steps.push_back(std::move(step));
  }
  return steps;
}

json DumpJson(const Analysis& a) {
  const Dump& d = a.dump;
  json cycles = json::array();
  for (const Cycle& c : a.cycles) cycles.push_back(CycleJson(a, c));

  json threads = json::array();
  for (size_t i = 0; i < d.threads.size(); ++i) {
    const Thread& t = d.threads[i];
    const Wait& w = a.waits[i];
    json j = {{"lwp", t.lwp},
              {"thread", t.number},
              {"name", t.name},
              {"state", WaitKindName(w.kind)},
              {"frame_count", t.frames.size()}};
    if (t.pthread) j["pthread"] = Hex(*t.pthread);
    if (t.current) j["current"] = true;
    if (t.truncated) j["truncated"] = true;
    if (!t.id_known) j["id_known"] = false;
    if (t.stack != StackSource::kBacktrace) {
      j["stack"] = t.stack == StackSource::kCurrentFrame ? "current-frame" : "none";
    }
    if (w.kind != WaitKind::kNone) {
      j["lock"] = AddressOrNull(w.lock);
      if (!w.lock_name.empty()) j["lock_name"] = w.lock_name;
      if (!w.libc_lock.empty()) j["libc_lock"] = w.libc_lock;
      j["api"] = w.api;
      if (WaitsForHolder(w.kind)) {
        const OwnerEvidence& e = a.owners[i];
        j["owners"] = OwnersJson(e);
        j["evidence"] = EvidenceSourceName(e.source);
        j["confidence"] = ConfidenceName(e.confidence);
        j["detail"] = e.detail;
      }
      if (w.call_site >= 0) j["call_site"] = FrameJson(t.frames[w.call_site]);
    }
    if (!a.registry_held[i].empty()) j["holds_locks"] = HeldJson(a.registry_held[i]);
    if (a.reaching_cycle[i] >= 0) j["cycle"] = a.reaching_cycle[i];
    threads.push_back(std::move(j));
  }

  json blocked = json::array();
  for (int i : a.blocked_behind) {
    blocked.push_back({{"lwp", d.threads[i].lwp},
                       {"cycle", a.reaching_cycle[i]},
                       {"waits_for", OwnersJson(a.owners[i])},
                       {"lock", AddressOrNull(a.waits[i].lock)}});
  }
  json holders = json::array();
  for (const LongHolder& h : a.long_holders) {
    json waiters = json::array();
    for (int i : h.waiters) waiters.push_back(d.threads[i].lwp);
    holders.push_back({{"lwp", d.threads[h.thread].lwp},
                       {"state", WaitKindName(a.waits[h.thread].kind)},
                       {"waiters", waiters}});
  }
  json unknown = json::array();
  for (int i : a.unknown_owner) unknown.push_back(d.threads[i].lwp);

  json groups = json::array();
  for (const StackGroup& g : a.groups) {
    const Thread& t = d.threads[g.threads.front()];
    json lwps = json::array();
    for (int i : g.threads) lwps.push_back(d.threads[i].lwp);
    json frames = json::array();
    for (const Frame& f : t.frames) frames.push_back(FrameJson(f));
    groups.push_back({{"count", g.threads.size()},
                      {"state", WaitKindName(a.waits[g.threads.front()].kind)},
                      {"lwps", lwps},
                      {"frames", frames}});
  }
  json out = {{"verdict", a.Verdict()},
              {"deadlock", a.deadlock()},
              {"cycles", cycles},
              {"cycles_truncated", a.cycles_truncated},
              {"blocked_behind", blocked},
              {"unknown_owner", unknown},
              {"long_holders", holders},
              {"threads", threads},
              {"groups", groups},
              {"dump",
               {{"source", d.source},
                {"format", DumpFormatName(d.format)},
                {"threads", d.threads.size()},
                {"lines", d.lines},
                {"ignored_lines", d.ignored_lines}}}};
  if (!d.warnings.empty()) out["dump"]["warnings"] = d.warnings;
  // Present only when there is something to say, like `warnings`.
  if (std::any_of(a.cycles.begin(), a.cycles.end(),
                  [](const Cycle& c) { return c.likely || c.signal_reentry; })) {
    json verdicts = json::array();
    for (const Cycle& c : a.cycles) {
      verdicts.push_back({{"likely", c.likely},
                          {"self_deadlock", c.self_deadlock()},
                          {"signal_reentry", c.signal_reentry},
                          {"reasons", c.reasons}});
    }
    out["cycle_verdicts"] = verdicts;
  }
  if (!a.absent_owners.empty()) {
    json absent = json::array();
    for (const AbsentOwner& o : a.absent_owners) {
      json waiters = json::array();
      for (int i : o.waiters) waiters.push_back(d.threads[i].lwp);
      absent.push_back({{"lwp", o.lwp}, {"waiters", waiters}, {"note", AbsentOwnerNote(d)}});
    }
    out["absent_owners"] = absent;
  }
  if (!a.gaps.empty()) {
    json missing = json::array();
    for (const PasteGap& g : a.gaps) {
      json lwps = json::array();
      for (int i : g.threads) {
        if (d.threads[i].lwp != 0) lwps.push_back(d.threads[i].lwp);
      }
      missing.push_back(
          {{"what", GapKindName(g.kind)}, {"count", g.count}, {"lwps", lwps}, {"text", g.text}});
    }
    out["missing"] = missing;
  }
  if (!d.all_threads) out["dump"]["all_threads"] = false;
  if (!d.registry_deadlocks.empty()) {
    json lines = json::array();
    for (const RegistryDeadlock& r : d.registry_deadlocks) lines.push_back(r.lwps);
    out["dump"]["gdb_extension_deadlocks"] = lines;
  }
  if (d.pid) out["dump"]["pid"] = *d.pid;
  return out;
}

}  // namespace

void RenderJson(const std::vector<Analysis>& analyses, std::ostream& out) {
  json result;
  if (analyses.size() == 1) {
    result = DumpJson(analyses.front());
  } else {
    json cycles = json::array(), dumps = json::array();
    bool deadlock = false;
    for (const Analysis& a : analyses) {
      json d = DumpJson(a);
      for (const json& c : d["cycles"]) cycles.push_back(c);
      deadlock = deadlock || a.deadlock();
      dumps.push_back(std::move(d));
    }
    json stuck = json::array();
    const Analysis& last = analyses.back();
    for (const StuckThread& s : StuckAcrossDumps(analyses)) {
      const Wait& w = last.waits[s.thread];
      stuck.push_back({{"lwp", s.lwp},
                       {"state", WaitKindName(w.kind)},
                       {"lock", AddressOrNull(w.lock)},
                       {"owners", OwnersJson(last.owners[s.thread])}});
    }
    result = {{"cycles", cycles},
              {"deadlock", deadlock},
              {"dumps", dumps},
              {"stuck_across_dumps", stuck}};
  }
  // Thread names may hold bytes that are not UTF-8; replace them rather than throw.
  out << result.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
}

}  // namespace lockgraph::analyzer
