// One ReadValue per object of the file, in the schema's order of keys; each
// checks what the schema requires beyond types (json_reader.h checks those).
#include "graphs/graph_file_json.h"

#include <algorithm>
#include <set>

#include "internal/graph_file_spec.h"

namespace lockgraph::graphs {

using internal::kEdgeModeNames;
using internal::kGraphFileFormat;
using internal::kGraphFileVersion;
using internal::kGraphHistogramMaxBuckets;
using nlohmann::json;

namespace {

// What tells a graph file from other JSON (a baseline, a report): checked
// before anything else, with messages that say so.
bool CheckIdentity(const json& doc, std::string* error) {
  JsonReader r;
  const JsonPath root;
  if (!doc.is_object()) {
    *error = "not a lockgraph graph (expected a JSON object)";
    return false;
  }
  const auto format = doc.find("format");
  if (format != doc.end() &&
      !(format->is_string() && format->get<std::string>() == kGraphFileFormat)) {
    r.Mismatch(JsonPath(root, "format"), "\"" + std::string(kGraphFileFormat) + "\"", *format);
    *error = "not a lockgraph graph: " + r.error();
    return false;
  }
  const auto version = doc.find("version");
  if (version == doc.end()) {
    *error = "not a lockgraph graph (no \"version\"; write graphs with graph_out=PATH)";
    return false;
  }
  if (!version->is_number_integer()) {
    r.Mismatch(JsonPath(root, "version"), std::to_string(kGraphFileVersion), *version);
    *error = r.error();
    return false;
  }
  if (*version != kGraphFileVersion) {
    *error = "graph format version " + version->dump() + ", this lockgraph reads version " +
             std::to_string(kGraphFileVersion) +
             (*version > kGraphFileVersion ? " (written by a newer lockgraph)" : "");
    return false;
  }
  return true;
}

std::string ModeChoices() {
  std::string s = "one of";
  for (size_t i = 0; i < kEdgeModeNames.size(); ++i) {
    s += (i ? ", \"" : " \"") + std::string(kEdgeModeNames[i]) + "\"";
  }
  return s;
}

void CheckModes(JsonReader* r, const JsonPath& where, const std::vector<std::string>& modes) {
  if (!r->ok()) return;
  if (modes.empty()) return r->Fail(where, "expected at least one mode, found []");
  std::set<std::string> seen;
  for (size_t i = 0; i < modes.size(); ++i) {
    const JsonPath at(where, i);
    if (std::find(kEdgeModeNames.begin(), kEdgeModeNames.end(), modes[i]) == kEdgeModeNames.end()) {
      return r->Mismatch(at, ModeChoices(), modes[i]);
    }
    if (!seen.insert(modes[i]).second) return r->Fail(at, "\"" + modes[i] + "\" appears twice");
  }
}

void CheckHistogram(JsonReader* r, const JsonPath& where, const std::vector<uint64_t>& buckets) {
  if (r->ok() && buckets.size() > kGraphHistogramMaxBuckets) {
    r->Fail(where, "expected at most " + std::to_string(kGraphHistogramMaxBuckets) +
                       " buckets, found " + std::to_string(buckets.size()));
  }
}

bool IsHexPc(const std::string& pc) {
  return pc.size() > 2 && pc.starts_with("0x") && std::all_of(pc.begin() + 2, pc.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

void ReadGraph(JsonReader* r, const json& j, GraphFile* out) {
  const JsonPath root;
  ReadOptionalField(r, j, root, "format", &out->format);
  ReadField(r, j, root, "version", &out->version);
  ReadField(r, j, root, "pid", &out->pid);
  ReadField(r, j, root, "program", &out->program);
  ReadField(r, j, root, "classes", &out->classes);
  ReadField(r, j, root, "edges", &out->edges);
  ReadField(r, j, root, "cycles", &out->cycles);
  const JsonPath cycles(root, "cycles");
  for (size_t i = 0; i < out->cycles.size() && r->ok(); ++i) {
    if (out->cycles[i].empty()) {
      r->Fail(JsonPath(cycles, i), "expected at least one class name, found []");
    }
  }
  ReadField(r, j, root, "reports", &out->reports);
  ReadOptionalField(r, j, root, "profile", &out->profile);
  ReadField(r, j, root, "stats", &out->stats);
}

}  // namespace

void ReadValue(JsonReader* r, const json& j, const JsonPath& where, GraphClass* out) {
  if (!ExpectObject(r, j, where)) return;
  ReadField(r, j, where, "name", &out->name);
  ReadField(r, j, where, "site", &out->site);
  ReadField(r, j, where, "function", &out->function);
  ReadField(r, j, where, "instances", &out->instances);
  ReadOptionalField(r, j, where, "writer_preferring", &out->writer_preferring);
}

void ReadValue(JsonReader* r, const json& j, const JsonPath& where, Frame* out) {
  if (!ExpectObject(r, j, where)) return;
  ReadField(r, j, where, "pc", &out->pc);
  if (r->ok() && !IsHexPc(out->pc)) {
    r->Mismatch(JsonPath(where, "pc"), "\"0x\" and lowercase hexadecimal digits", out->pc);
  }
  ReadField(r, j, where, "function", &out->function);
  ReadField(r, j, where, "file", &out->file);
  ReadField(r, j, where, "line", &out->line);
  if (r->ok() && out->line < 0) r->Mismatch(JsonPath(where, "line"), "a line >= 0", out->line);
  ReadOptionalField(r, j, where, "inlined", &out->inlined);
}

void ReadValue(JsonReader* r, const json& j, const JsonPath& where, GraphThread* out) {
  if (!ExpectObject(r, j, where)) return;
  ReadField(r, j, where, "tid", &out->tid);
  ReadField(r, j, where, "name", &out->name);
}

void ReadValue(JsonReader* r, const json& j, const JsonPath& where, GraphEdge* out) {
  if (!ExpectObject(r, j, where)) return;
  ReadField(r, j, where, "from", &out->from);
  ReadField(r, j, where, "to", &out->to);
  ReadField(r, j, where, "modes", &out->modes);
  CheckModes(r, JsonPath(where, "modes"), out->modes);
  ReadField(r, j, where, "instance_edges", &out->instance_edges);
  // Written together, on same-class edges only.
  out->same_class = out->from == out->to;
  const bool same_class = ReadOptionalField(r, j, where, "same_class", &out->same_class);
  const bool ranked = ReadOptionalField(r, j, where, "ranked", &out->ranked);
  if (r->ok() && same_class != ranked) {
    r->Fail(where, same_class ? "\"ranked\" is missing (expected true or false with \"same_class\")"
                              : "\"same_class\" is missing (expected true with \"ranked\")");
  }
  ReadField(r, j, where, "thread", &out->thread);
  ReadField(r, j, where, "stack", &out->stack);
}

void ReadValue(JsonReader* r, const json& j, const JsonPath& where, GraphReport* out) {
  if (!ExpectObject(r, j, where)) return;
  ReadField(r, j, where, "kind", &out->kind);
  ReadField(r, j, where, "locks", &out->locks);
  ReadField(r, j, where, "count", &out->count);
}

void ReadValue(JsonReader* r, const json& j, const JsonPath& where, ClassProfile* out) {
  if (!ExpectObject(r, j, where)) return;
  ReadField(r, j, where, "name", &out->name);
  ReadField(r, j, where, "site", &out->site);
  ReadField(r, j, where, "acquisitions", &out->acquisitions);
  ReadField(r, j, where, "contended", &out->contended);
  ReadField(r, j, where, "wait_total_ns", &out->wait_total_ns);
  ReadField(r, j, where, "wait_max_ns", &out->wait_max_ns);
  ReadField(r, j, where, "holds", &out->holds);
  ReadField(r, j, where, "hold_total_ns", &out->hold_total_ns);
  ReadField(r, j, where, "hold_max_ns", &out->hold_max_ns);
  ReadField(r, j, where, "long_waits", &out->long_waits);
  ReadField(r, j, where, "long_holds", &out->long_holds);
  ReadField(r, j, where, "wait_histogram", &out->wait_histogram);
  CheckHistogram(r, JsonPath(where, "wait_histogram"), out->wait_histogram);
  ReadField(r, j, where, "hold_histogram", &out->hold_histogram);
  CheckHistogram(r, JsonPath(where, "hold_histogram"), out->hold_histogram);
}

void ReadValue(JsonReader* r, const json& j, const JsonPath& where, GraphStats* out) {
  if (!ExpectObject(r, j, where)) return;
  ReadField(r, j, where, "live_nodes", &out->live_nodes);
  ReadField(r, j, where, "live_edges", &out->live_edges);
  ReadField(r, j, where, "stacks", &out->stacks);
  ReadField(r, j, where, "slow_path_calls", &out->slow_path_calls);
  ReadField(r, j, where, "dropped_edges", &out->dropped_edges);
  ReadField(r, j, where, "memory_bytes", &out->memory_bytes);
}

bool ReadGraphJson(const json& doc, GraphFile* out, std::string* error) {
  if (!CheckIdentity(doc, error)) return false;
  JsonReader r;
  GraphFile g;
  ReadGraph(&r, doc, &g);
  if (!r.ok()) {
    *error = r.error();
    return false;
  }
  *out = std::move(g);
  return true;
}

}  // namespace lockgraph::graphs
