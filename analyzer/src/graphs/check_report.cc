#include "graphs/check_report.h"

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "internal/escape.h"

namespace lockgraph::graphs {

using lockgraph::internal::DotQuoted;
using lockgraph::internal::XmlEscape;
using nlohmann::json;

namespace {

std::string RunLabel(const Run& run) {
  std::string s = run.path;
  if (!run.program.empty()) {
    const size_t slash = run.program.rfind('/');
    s += " (" + run.program.substr(slash == std::string::npos ? 0 : slash + 1);
    if (run.pid) s += ", pid " + std::to_string(run.pid);
    s += ")";
  }
  return s;
}

std::string FrameText(const Frame& f) {
  std::string s = f.function.empty() ? "??" : f.function;
  if (!f.file.empty()) s += " at " + f.file + ":" + std::to_string(f.line);
  return s;
}

std::string Quote(const std::string& s) { return "\"" + s + "\""; }

// The text block for one order: the runs it came from and its stack.
std::string EdgeText(const CheckResult& r, const MergedEdge* e) {
  std::string s;
  {
    s += "    " + Quote(e->to) + " taken while holding " + Quote(e->from) + "  [";
    for (auto it = e->modes.begin(); it != e->modes.end(); ++it) {
      s += (it == e->modes.begin() ? "" : ", ") + *it;
    }
    s += "]\n      in run" + std::string(e->runs.size() > 1 ? "s " : " ");
    for (size_t i = 0; i < e->runs.size() && i < 5; ++i) {
      s += (i ? ", " : "") + RunLabel(r.graph->runs()[e->runs[i]]);
    }
    if (e->runs.size() > 5) s += " and " + std::to_string(e->runs.size() - 5) + " more";
    s += "\n";
    if (e->example != nullptr) {
      if (e->example->thread.tid) {
        s += "      first by thread " + std::to_string(e->example->thread.tid);
        if (!e->example->thread.name.empty()) s += " " + Quote(e->example->thread.name);
        s += ":\n";
      }
      for (size_t i = 0; i < e->example->stack.size(); ++i) {
        s += "        #" + std::to_string(i) + " " + FrameText(e->example->stack[i]) + "\n";
      }
    }
  }
  return s;
}

// The text block for one cycle: each edge, the runs it came from, its stack.
std::string CycleText(const CheckResult& r, const Cycle& c) {
  std::string s;
  for (const MergedEdge* e : c.edges) s += EdgeText(r, e);
  return s;
}

std::string ViolationTitle(const OrderViolation& v) {
  return Quote(v.edge->to) + " taken while holding " + Quote(v.edge->from) +
         ", against the declared order " + v.declared;
}

json EdgeJson(const CheckResult& r, const MergedEdge* e) {
  json runs = json::array();
  for (size_t run : e->runs) runs.push_back(r.graph->runs()[run].path);
  json stack = json::array();
  if (e->example != nullptr) {
    for (const Frame& f : e->example->stack) {
      stack.push_back({{"function", f.function}, {"file", f.file}, {"line", f.line}});
    }
  }
  return {{"from", e->from}, {"to", e->to}, {"modes", e->modes}, {"runs", runs}, {"stack", stack}};
}

json SarifLocation(const Frame& f) {
  json loc = json::object();
  if (!f.file.empty()) {
    json physical = {{"artifactLocation", {{"uri", f.file}}}};
    if (f.line > 0) physical["region"] = {{"startLine", f.line}};
    loc["physicalLocation"] = physical;
  }
  loc["message"] = {{"text", f.function.empty() ? std::string("??") : f.function}};
  return loc;
}

}  // namespace

size_t CheckResult::new_count() const {
  size_t n = 0;
  for (bool b : is_new) n += b;
  return n;
}

std::string CheckText(const CheckResult& r) {
  std::string s;
  const size_t n_new = r.new_count();
  s += "lockgraph check: " + std::to_string(r.graph->runs().size()) + " graph file" +
       (r.graph->runs().size() == 1 ? "" : "s") + ", " + std::to_string(r.graph->classes().size()) +
       " lock classes, " + std::to_string(r.graph->edges().size()) + " orders; " +
       std::to_string(r.cycles.size()) + " cycle" + (r.cycles.size() == 1 ? "" : "s") + " (" +
       std::to_string(n_new) + " new, " + std::to_string(r.cycles.size() - n_new) +
       " accepted by the baseline)\n";
  for (size_t i = 0; i < r.cycles.size(); ++i) {
    s += "\n" + std::string(r.is_new[i] ? "NEW " : "accepted ") +
         "potential deadlock (lock-order inversion): " + r.cycles[i].Key() + "\n";
    if (r.is_new[i]) s += CycleText(r, r.cycles[i]);
  }
  for (const OrderViolation& v : r.violations) {
    s += "\nORDER VIOLATION: " + ViolationTitle(v) + "\n" + EdgeText(r, v.edge);
  }
  if (r.truncated) {
    s += "\nINCOMPLETE: the search stopped at its limit after " + std::to_string(r.cycles.size()) +
         " cycles; the graph may hold more.\nAccept the listed ones with --update-baseline, or "
         "bless the orders that are intended, and run\nagain.\n";
  }
  for (const std::string& why : r.skipped) s += "\nwarning: skipped " + why + "\n";
  if (!r.failed()) s += "\nOK: no new lock-order cycle.\n";
  return s;
}

std::string CheckJson(const CheckResult& r) {
  json doc = {{"files", r.graph->runs().size()},
              {"classes", r.graph->classes().size()},
              {"orders", r.graph->edges().size()},
              {"new", r.new_count()},
              {"truncated", r.truncated},
              {"skipped", r.skipped},
              {"cycles", json::array()},
              {"order_violations", json::array()}};
  for (size_t i = 0; i < r.cycles.size(); ++i) {
    json edges = json::array();
    for (const MergedEdge* e : r.cycles[i].edges) edges.push_back(EdgeJson(r, e));
    doc["cycles"].push_back(
        {{"classes", r.cycles[i].classes}, {"new", bool(r.is_new[i])}, {"edges", edges}});
  }
  for (const OrderViolation& v : r.violations) {
    json e = EdgeJson(r, v.edge);
    e["declared"] = v.declared;
    doc["order_violations"].push_back(std::move(e));
  }
  return doc.dump(2) + "\n";
}

std::string CheckSarif(const CheckResult& r, const std::string& version) {
  json rule = {
      {"id", "LG1001"},
      {"name", "LockOrderInversion"},
      {"shortDescription", {{"text", "Potential deadlock: locks taken in a cycle of orders"}}},
      {"fullDescription",
       {{"text",
         "The merged lock-order graph of the test runs has a cycle: each lock on it is taken "
         "while the previous one is held, somewhere. Threads running these paths at the same "
         "time can deadlock, although no single run hung."}}},
      {"defaultConfiguration", {{"level", "error"}}}};
  json order_rule = {
      {"id", "LG1002"},
      {"name", "LockOrderViolation"},
      {"shortDescription", {{"text", "A lock taken against a declared lock order"}}},
      {"fullDescription",
       {{"text",
         "A test run took a lock while holding one that the order file declares must come after "
         "it. Code that follows the declared order can deadlock with this path, even if none "
         "has run yet."}}},
      {"defaultConfiguration", {{"level", "error"}}}};
  json results = json::array();
  for (size_t i = 0; i < r.cycles.size(); ++i) {
    if (!r.is_new[i]) continue;
    const Cycle& c = r.cycles[i];
    json thread_flows = json::array();
    json first_location;
    for (const MergedEdge* e : c.edges) {
      json locations = json::array();
      if (e->example != nullptr) {
        for (const Frame& f : e->example->stack) {
          locations.push_back({{"location", SarifLocation(f)}});
          if (first_location.is_null() && !f.file.empty()) first_location = SarifLocation(f);
        }
      }
      if (locations.empty()) {
        locations.push_back({{"location", {{"message", {{"text", "no stack recorded"}}}}}});
      }
      thread_flows.push_back(
          {{"message", {{"text", Quote(e->to) + " taken while holding " + Quote(e->from)}}},
           {"locations", locations}});
    }
    json result = {
        {"ruleId", "LG1001"},
        {"ruleIndex", 0},
        {"level", "error"},
        {"message", {{"text", "Potential deadlock (lock-order inversion): " + c.Key()}}},
        {"partialFingerprints", {{"lockgraphCycle/v1", c.Key()}}},
        {"codeFlows", json::array({{{"message", {{"text", "the orders that form the cycle"}}},
                                    {"threadFlows", thread_flows}}})}};
    if (!first_location.is_null()) result["locations"] = json::array({first_location});
    results.push_back(std::move(result));
  }
  for (const OrderViolation& v : r.violations) {
    json locations = json::array();
    json first_location;
    if (v.edge->example != nullptr) {
      for (const Frame& f : v.edge->example->stack) {
        locations.push_back({{"location", SarifLocation(f)}});
        if (first_location.is_null() && !f.file.empty()) first_location = SarifLocation(f);
      }
    }
    if (locations.empty()) {
      locations.push_back({{"location", {{"message", {{"text", "no stack recorded"}}}}}});
    }
    const std::string key = v.edge->from + " -> " + v.edge->to;
    json result = {
        {"ruleId", "LG1002"},
        {"ruleIndex", 1},
        {"level", "error"},
        {"message", {{"text", "Lock order violation: " + ViolationTitle(v)}}},
        {"partialFingerprints", {{"lockgraphOrder/v1", key}}},
        {"codeFlows",
         json::array({{{"message", {{"text", "the order taken"}}},
                       {"threadFlows", json::array({{{"message", {{"text", key}}},
                                                     {"locations", locations}}})}}})}};
    if (!first_location.is_null()) result["locations"] = json::array({first_location});
    results.push_back(std::move(result));
  }
  json doc = {
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs",
       json::array(
           {{{"tool",
              {{"driver",
                {{"name", "lockgraph"},
                 {"version", version},
                 {"rules", json::array({rule, order_rule})}}}}},
             {"results", results}}})}};
  return doc.dump(2) + "\n";
}

std::string CheckJunit(const CheckResult& r) {
  const size_t failures = r.new_count() + r.violations.size();
  const size_t tests =
      r.cycles.empty() && r.violations.empty() ? 1 : r.cycles.size() + r.violations.size();
  std::string s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n";
  s += "  <testsuite name=\"lockgraph check\" tests=\"" + std::to_string(tests) + "\" failures=\"" +
       std::to_string(failures) + "\" errors=\"0\" skipped=\"0\">\n";
  if (r.cycles.empty() && r.violations.empty()) {
    s += "    <testcase classname=\"lockgraph.check\" name=\"no lock-order cycles\"/>\n";
  }
  for (const OrderViolation& v : r.violations) {
    s += "    <testcase classname=\"lockgraph.check\" name=\"" +
         XmlEscape("order: " + v.edge->from + " -> " + v.edge->to) +
         "\">\n      <failure type=\"LockOrderViolation\" message=\"" +
         XmlEscape("lock order violation: " + ViolationTitle(v)) + "\">" +
         XmlEscape(EdgeText(r, v.edge)) + "</failure>\n    </testcase>\n";
  }
  for (size_t i = 0; i < r.cycles.size(); ++i) {
    const Cycle& c = r.cycles[i];
    s += "    <testcase classname=\"lockgraph.check\" name=\"" + XmlEscape("cycle: " + c.Key()) +
         "\"";
    if (!r.is_new[i]) {
      s += "/>\n";
      continue;
    }
    s += ">\n      <failure type=\"LockOrderInversion\" message=\"" +
         XmlEscape("new potential deadlock: " + c.Key()) + "\">" + XmlEscape(CycleText(r, c)) +
         "</failure>\n    </testcase>\n";
  }
  s += "  </testsuite>\n</testsuites>\n";
  return s;
}

std::string MergedDot(const MergedGraph& graph, const CheckResult* result) {
  std::map<std::pair<std::string, std::string>, std::string> color;
  if (result != nullptr) {
    for (size_t i = 0; i < result->cycles.size(); ++i) {
      for (const MergedEdge* e : result->cycles[i].edges) {
        std::string& c = color[{e->from, e->to}];
        if (c != "red") c = result->is_new[i] ? "red" : "orange";
      }
    }
  }
  std::string s =
      "digraph lockgraph {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n";
  std::map<std::string, size_t> id;
  for (const auto& [name, site] : graph.classes()) {
    id[name] = id.size();
    s += "  c" + std::to_string(id[name]) +
         " [label=" + DotQuoted(site.empty() ? name : name + "\n" + site) + "];\n";
  }
  for (const auto& [key, e] : graph.edges()) {
    s += "  c" + std::to_string(id[e.from]) + " -> c" + std::to_string(id[e.to]) + " [label=" +
         DotQuoted(std::to_string(e.runs.size()) + (e.runs.size() == 1 ? " run" : " runs"));
    if (auto it = color.find(key); it != color.end()) {
      s += ", color=" + it->second + ", penwidth=2";
    }
    s += "];\n";
  }
  return s + "}\n";
}

}  // namespace lockgraph::graphs
