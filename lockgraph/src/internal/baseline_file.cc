// The CI baseline; see baseline_file.h.
#include "internal/baseline_file.h"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "internal/text_file.h"

namespace lockgraph::internal {

using nlohmann::json;

std::vector<std::string> CanonicalCycle(std::vector<std::string> cycle) {
  if (cycle.empty()) return cycle;
  auto smallest = std::min_element(cycle.begin(), cycle.end());
  std::rotate(cycle.begin(), smallest, cycle.end());
  return cycle;
}

bool Baseline::Accepts(const std::vector<std::string>& cycle) const {
  const std::vector<std::string> key = CanonicalCycle(cycle);
  for (const Accepted& a : accepted) {
    if (a.cycle == key) return true;
  }
  return false;
}

bool Baseline::Blesses(std::string_view from, std::string_view to) const {
  for (const Blessed& b : blessed) {
    if (b.from == from && b.to == to) return true;
  }
  return false;
}

bool LoadBaseline(const std::string& path, Baseline* out, std::string* error) {
  std::string text;
  if (!ReadTextFile(path, &text)) {
    *error = "baseline " + path + ": cannot open the file";
    return false;
  }
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    *error = "baseline " + path + ": not a JSON object";
    return false;
  }
  if (doc.value("version", 0) != 1) {
    *error = "baseline " + path + ": \"version\": 1 expected";
    return false;
  }
  Baseline b;
  auto need_reason = [&](const json& entry, const std::string& what) {
    if (!entry.contains("reason") || !entry["reason"].is_string() ||
        entry["reason"].get<std::string>().find_first_not_of(" \t") == std::string::npos) {
      *error = "baseline " + path + ": " + what + " has no \"reason\" (say why it is safe)";
      return false;
    }
    if (entry["reason"].get<std::string>().rfind("TODO", 0) == 0) {
      *error = "baseline " + path + ": " + what +
               " still has the placeholder reason written by --update-baseline; say why it "
               "is safe";
      return false;
    }
    return true;
  };
  if (auto it = doc.find("accepted"); it != doc.end()) {
    if (!it->is_array()) {
      *error = "baseline " + path + ": \"accepted\" is not a list";
      return false;
    }
    for (size_t i = 0; i < it->size(); ++i) {
      const json& e = (*it)[i];
      const std::string what = "accepted[" + std::to_string(i) + "]";
      if (!e.is_object() || !e.contains("cycle") || !e["cycle"].is_array() || e["cycle"].empty()) {
        *error = "baseline " + path + ": " + what + " needs a non-empty \"cycle\" list";
        return false;
      }
      if (!need_reason(e, what)) return false;
      Baseline::Accepted a;
      for (const json& n : e["cycle"]) {
        if (!n.is_string()) {
          *error = "baseline " + path + ": " + what + ": class names must be strings";
          return false;
        }
        a.cycle.push_back(n.get<std::string>());
      }
      a.cycle = CanonicalCycle(std::move(a.cycle));
      a.reason = e["reason"].get<std::string>();
      b.accepted.push_back(std::move(a));
    }
  }
  if (auto it = doc.find("blessed"); it != doc.end()) {
    if (!it->is_array()) {
      *error = "baseline " + path + ": \"blessed\" is not a list";
      return false;
    }
    for (size_t i = 0; i < it->size(); ++i) {
      const json& e = (*it)[i];
      const std::string what = "blessed[" + std::to_string(i) + "]";
      if (!e.is_object() || !e.contains("from") || !e.contains("to") || !e["from"].is_string() ||
          !e["to"].is_string()) {
        *error = "baseline " + path + ": " + what + " needs \"from\" and \"to\" class names";
        return false;
      }
      if (!need_reason(e, what)) return false;
      b.blessed.push_back(Baseline::Blessed{e["from"], e["to"], e["reason"]});
    }
  }
  *out = std::move(b);
  return true;
}

bool SaveBaseline(const std::string& path, const Baseline& baseline, std::string* error) {
  json doc = {{"version", 1}, {"accepted", json::array()}, {"blessed", json::array()}};
  for (const Baseline::Accepted& a : baseline.accepted) {
    doc["accepted"].push_back(
        {{"cycle", a.cycle},
         {"reason", a.reason.empty() ? "TODO: say why this cycle cannot deadlock" : a.reason}});
  }
  for (const Baseline::Blessed& b : baseline.blessed) {
    doc["blessed"].push_back({{"from", b.from}, {"to", b.to}, {"reason", b.reason}});
  }
  std::ofstream out(path);
  out << doc.dump(2) << "\n";
  if (!out) {
    *error = "baseline " + path + ": cannot write the file";
    return false;
  }
  return true;
}

}  // namespace lockgraph::internal
