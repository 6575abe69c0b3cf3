#include "graphs/graph_file.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace lockgraph::graphs {

namespace {

using nlohmann::json;

// Typed field access that reports the path of a missing or mistyped key.
class Reader {
 public:
  explicit Reader(std::string* error) : error_(error) {}

  const json* Array(const json& obj, const char* key, const std::string& where) {
    auto it = obj.find(key);
    if (it == obj.end() || !it->is_array()) {
      Fail(where + ": '" + key + "' is missing or not a list");
      return nullptr;
    }
    return &*it;
  }
  std::string String(const json& obj, const char* key, const std::string& where,
                     bool required = true) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) {
      if (required) Fail(where + ": '" + key + "' is missing");
      return {};
    }
    if (!it->is_string()) {
      Fail(where + ": '" + key + "' is not a string");
      return {};
    }
    return it->get<std::string>();
  }
  uint64_t Number(const json& obj, const char* key) {
    auto it = obj.find(key);
    return it != obj.end() && it->is_number_unsigned() ? it->get<uint64_t>()
           : it != obj.end() && it->is_number_integer()
               ? static_cast<uint64_t>(std::max<int64_t>(0, it->get<int64_t>()))
               : 0;
  }
  void Fail(const std::string& message) {
    if (ok_) *error_ = message;
    ok_ = false;
  }
  bool ok() const { return ok_; }

 private:
  std::string* error_;
  bool ok_ = true;
};

}  // namespace

bool LoadGraphFile(const std::string& path, GraphFile* out, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = path + ": cannot open the file";
    return false;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    *error = path + ": the file is empty (did the test process exit before writing it?)";
    return false;
  }
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    *error = path + ": not valid JSON (truncated? a process killed while writing it?)";
    return false;
  }
  if (!doc.is_object()) {
    *error = path + ": not a lockgraph graph (expected a JSON object)";
    return false;
  }
  auto version = doc.find("version");
  if (version == doc.end() || !version->is_number_integer()) {
    *error = path + ": not a lockgraph graph (no \"version\"; write graphs with graph_out=PATH)";
    return false;
  }
  if (version->get<int>() != kGraphVersion) {
    *error = path + ": graph format version " + std::to_string(version->get<int>()) +
             ", this lockgraph reads version " + std::to_string(kGraphVersion);
    return false;
  }

  Reader r(error);
  GraphFile g;
  g.path = path;
  g.program = r.String(doc, "program", path, false);
  if (auto it = doc.find("pid"); it != doc.end() && it->is_number_integer()) g.pid = *it;
  const json* classes = r.Array(doc, "classes", path);
  const json* edges = r.Array(doc, "edges", path);
  const json* cycles = r.Array(doc, "cycles", path);
  if (!r.ok()) return false;

  for (size_t i = 0; i < classes->size() && r.ok(); ++i) {
    const json& c = (*classes)[i];
    const std::string where = path + ": classes[" + std::to_string(i) + "]";
    if (!c.is_object()) {
      r.Fail(where + " is not an object");
      break;
    }
    g.classes.push_back(GraphClass{r.String(c, "name", where), r.String(c, "site", where, false)});
  }
  for (size_t i = 0; i < edges->size() && r.ok(); ++i) {
    const json& e = (*edges)[i];
    const std::string where = path + ": edges[" + std::to_string(i) + "]";
    if (!e.is_object()) {
      r.Fail(where + " is not an object");
      break;
    }
    GraphEdge edge;
    edge.from = r.String(e, "from", where);
    edge.to = r.String(e, "to", where);
    if (auto it = e.find("modes"); it != e.end() && it->is_array()) {
      for (const json& m : *it) {
        if (m.is_string()) edge.modes.push_back(m.get<std::string>());
      }
    }
    if (edge.modes.empty()) edge.modes.push_back("exclusive->exclusive");
    edge.same_class = e.value("same_class", edge.from == edge.to);
    edge.ranked = e.value("ranked", false);
    if (auto it = e.find("thread"); it != e.end() && it->is_object()) {
      edge.tid = it->value("tid", 0);
      edge.thread_name = it->value("name", "");
    }
    if (auto it = e.find("stack"); it != e.end() && it->is_array()) {
      for (const json& f : *it) {
        if (!f.is_object()) continue;
        edge.stack.push_back(Frame{f.value("pc", ""), f.value("function", ""), f.value("file", ""),
                                   f.value("line", 0)});
      }
    }
    g.edges.push_back(std::move(edge));
  }
  for (size_t i = 0; i < cycles->size() && r.ok(); ++i) {
    const json& c = (*cycles)[i];
    if (!c.is_array()) {
      r.Fail(path + ": cycles[" + std::to_string(i) + "] is not a list of class names");
      break;
    }
    std::vector<std::string> names;
    for (const json& n : c) {
      if (n.is_string()) names.push_back(n.get<std::string>());
    }
    g.cycles.push_back(std::move(names));
  }
  if (auto it = doc.find("profile"); it != doc.end() && it->is_array()) {
    for (const json& p : *it) {
      if (!p.is_object()) continue;
      ClassProfile cp;
      cp.name = p.value("name", "");
      cp.site = p.value("site", "");
      cp.acquisitions = r.Number(p, "acquisitions");
      cp.contended = r.Number(p, "contended");
      cp.wait_total_ns = r.Number(p, "wait_total_ns");
      cp.wait_max_ns = r.Number(p, "wait_max_ns");
      cp.holds = r.Number(p, "holds");
      cp.hold_total_ns = r.Number(p, "hold_total_ns");
      cp.hold_max_ns = r.Number(p, "hold_max_ns");
      cp.long_waits = r.Number(p, "long_waits");
      cp.long_holds = r.Number(p, "long_holds");
      g.profile.push_back(std::move(cp));
    }
  }
  if (!r.ok()) return false;
  *out = std::move(g);
  return true;
}

}  // namespace lockgraph::graphs
