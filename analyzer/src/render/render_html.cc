// One self-contained HTML page: no scripts, no external files. The verdict,
// each cycle as a table, the graph (inline SVG), blocked threads, and the
// stack groups as collapsible sections.
#include <sstream>

#include "hex.h"
#include "internal/escape.h"
#include "render/render.h"

namespace lockgraph::analyzer {
namespace {

using lockgraph::internal::HtmlEscape;

std::string FramesHtml(const Thread& t, const std::vector<int>& indices) {
  std::string out = "<pre>";
  for (int i : indices) {
    out +=
        "#" + std::to_string(t.frames[i].index) + "  " + HtmlEscape(FrameText(t.frames[i])) + "\n";
  }
  return out + "</pre>";
}

std::string OwnersHtml(const OwnerEvidence& e) {
  std::string who;
  for (const Owner& o : e.owners) {
    if (!who.empty()) who += ", ";
    who += "LWP " + std::to_string(o.lwp) + (o.thread < 0 ? " (not in dump)" : "");
  }
  if (who.empty()) who = "unknown";
  for (const std::string& reason : e.reasons)
    who += "<br><span class=ev>" + HtmlEscape(reason) + "</span>";
  return who + " <span class=ev>" + HtmlEscape(EvidenceSourceName(e.source)) + ", " +
         ConfidenceName(e.confidence) + (e.detail.empty() ? "" : ": " + HtmlEscape(e.detail)) +
         "</span>";
}

void RenderOne(const Analysis& a, std::ostream& out) {
  const Dump& d = a.dump;
  out << "<section><h2>" << HtmlEscape(d.source) << "</h2>\n<p class=\""
      << (a.deadlock() ? "bad" : "ok") << "\">" << HtmlEscape(a.Verdict()) << "</p>\n";
  if (!a.gaps.empty()) {
    out << "<h3>What the paste lacks</h3>\n<ul>\n";
    for (const PasteGap& g : a.gaps) out << "<li>" << HtmlEscape(g.text) << "</li>\n";
    out << "</ul>\n";
  }
  for (size_t c = 0; c < a.cycles.size(); ++c) {
    if (c == 100) {
      out << "<p>&hellip; " << a.cycles.size() - c
          << " more cycles (all of them: --format json)</p>\n";
      break;
    }
    const Cycle& cycle = a.cycles[c];
    out << "<h3>"
        << (cycle.self_deadlock()
                ? (cycle.signal_reentry ? "Self-deadlock by signal re-entry " : "Self-deadlock ")
                : "Cycle ")
        << c + 1 << (cycle.likely ? " (likely)" : "") << "</h3>\n";
    for (const std::string& reason : cycle.reasons) {
      out << "<p>Likely because " << HtmlEscape(reason) << "</p>\n";
    }
    out << "<table><tr><th>thread</th><th>holds</th><th>waits for</th><th>held by</th>"
           "<th>frames</th></tr>\n";
    for (size_t k = 0; k < cycle.steps.size(); ++k) {
      const CycleStep& s = cycle.steps[k];
      const Thread& t = d.threads[s.thread];
      const Wait& w = a.waits[s.thread];
      out << "<tr><td>" << HtmlEscape(ThreadLabel(t)) << "</td><td>"
          << (s.holds ? HtmlEscape(HeldText(a, cycle, k)) : std::string("&mdash;")) << "</td><td>"
          << HtmlEscape(LockText(w)) << "</td><td>" << OwnersHtml(a.owners[s.thread]) << "</td><td>"
          << FramesHtml(t, RelevantFrames(t, w)) << "</td></tr>\n";
    }
    out << "</table>\n";
  }
  if (!a.blocked_behind.empty()) {
    out << "<h3>Blocked behind (" << a.blocked_behind.size() << ")</h3>\n<table>"
        << "<tr><th>thread</th><th>waits for</th><th>held by</th><th>cycle</th></tr>\n";
    for (int i : a.blocked_behind) {
      out << "<tr><td>" << HtmlEscape(ThreadLabel(d.threads[i])) << "</td><td>"
          << HtmlEscape(LockText(a.waits[i])) << "</td><td>" << OwnersHtml(a.owners[i])
          << "</td><td>" << a.reaching_cycle[i] + 1 << "</td></tr>\n";
    }
    out << "</table>\n";
  }
  if (!a.long_holders.empty()) {
    out << "<h3>Waited for, not waiting (" << a.long_holders.size() << ")</h3>\n<table>"
        << "<tr><th>thread</th><th>state</th><th>waiters</th><th>frames</th></tr>\n";
    for (const LongHolder& h : a.long_holders) {
      const Thread& t = d.threads[h.thread];
      std::string waiters;
      for (int w : h.waiters) waiters += (waiters.empty() ? "" : ", ") + ThreadLabel(d.threads[w]);
      out << "<tr><td>" << HtmlEscape(ThreadLabel(t)) << "</td><td>"
          << WaitKindName(a.waits[h.thread].kind) << "</td><td>" << HtmlEscape(waiters)
          << "</td><td>" << FramesHtml(t, RelevantFrames(t, a.waits[h.thread])) << "</td></tr>\n";
    }
    out << "</table>\n";
  }
  out << "<h3>Stack groups (" << a.groups.size() << " distinct, " << d.threads.size()
      << " threads)</h3>\n";
  for (const StackGroup& g : a.groups) {
    const Thread& t = d.threads[g.threads.front()];
    std::vector<int> all;
    for (int i = 0; i < static_cast<int>(t.frames.size()) && i < 64; ++i) all.push_back(i);
    out << "<details><summary>" << g.threads.size() << " &times; "
        << WaitKindName(a.waits[g.threads.front()].kind) << ": LWP ";
    for (size_t k = 0; k < g.threads.size() && k < 20; ++k) {
      out << (k ? ", " : "") << d.threads[g.threads[k]].lwp;
    }
    if (g.threads.size() > 20) out << ", &hellip;";
    out << "</summary>" << FramesHtml(t, all) << "</details>\n";
  }
  out << "</section>\n";
}

}  // namespace

void RenderHtml(const std::vector<Analysis>& analyses, const std::string& svg, std::ostream& out) {
  out << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
         "<title>lockgraph analyze</title>\n<style>\n"
         "body{font-family:sans-serif;margin:2em;max-width:80em}"
         "pre{margin:0;font-size:12px}"
         "table{border-collapse:collapse;margin:.5em 0}"
         "td,th{border:1px solid #ccc;padding:.3em .6em;vertical-align:top;text-align:left}"
         ".bad{color:#b00;font-weight:bold}.ok{color:#070;font-weight:bold}"
         ".ev{color:#666;font-size:90%}summary{cursor:pointer;font-family:monospace}"
         ".graph svg{max-width:100%;height:auto}\n"
         "</style></head><body>\n<h1>lockgraph analyze</h1>\n";
  if (!svg.empty()) {
    // Drop the XML prolog and DOCTYPE dot puts before <svg>.
    size_t at = svg.find("<svg");
    out << "<div class=graph>" << (at == std::string::npos ? svg : svg.substr(at)) << "</div>\n";
  }
  for (const Analysis& a : analyses) RenderOne(a, out);
  out << "</body></html>\n";
}

}  // namespace lockgraph::analyzer
