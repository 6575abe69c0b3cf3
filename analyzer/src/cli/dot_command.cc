// lockgraph dot [--format dot|svg] [-o FILE] [--keep-going] GRAPH.json...
//
// Draws the merged lock-order graph of one or more runs; edges on a cycle are
// red. Exit status: 0, or 2 for unreadable input and usage errors.
#include <cstdio>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/graph_args.h"
#include "graphs/check_report.h"
#include "graphs/merged_graph.h"
#include "render/render.h"

namespace lockgraph::cli {
namespace {

constexpr char kUsage[] =
    "usage: lockgraph dot [--format dot|svg] [-o FILE] [--keep-going] GRAPH.json...\n"
    "\n"
    "Draws the lock-order graph merged from the given graph files (Graphviz DOT, or SVG\n"
    "through Graphviz `dot`). Orders on a cycle are drawn red.\n";

int Fail(const std::string& message) { return FailCommand("dot", message); }

}  // namespace

int RunDot(int argc, char** argv) {
  GraphCommandLine cl;
  std::string error;
  if (!ParseGraphCommandLine(argc, argv, {"--format", "--output"}, {"--keep-going"}, &cl, &error)) {
    return Fail(error + "\n\n" + kUsage);
  }
  if (cl.help) {
    std::fputs(kUsage, stdout);
    return kExitOk;
  }
  const std::string format = cl.values.contains("--format") ? cl.values["--format"] : "dot";
  const std::string output = cl.values["--output"];
  const std::vector<std::string>& paths = cl.paths;
  if (format != "dot" && format != "svg") return Fail("unknown format '" + format + "' (dot, svg)");
  if (paths.empty()) return Fail("no graph files given\n\n" + std::string(kUsage));
  std::vector<graphs::GraphFile> files;
  std::vector<std::string> skipped;
  if (!LoadGraphs(paths, cl.flags.contains("--keep-going"), &files, &skipped, &error)) {
    return Fail(error);
  }
  graphs::MergedGraph graph;
  for (const graphs::GraphFile& f : files) graph.Add(f);
  graphs::CheckResult result;
  result.graph = &graph;
  result.cycles = graph.Cycles({}, &result.truncated);
  result.is_new.assign(result.cycles.size(), true);
  std::string text = graphs::MergedDot(graph, &result);
  if (format == "svg") {
    std::string svg;
    if (!analyzer::DotToSvg(text, &svg, &error)) return Fail(error);
    text = std::move(svg);
  }
  if (!WriteOutput(output, text, &error)) return Fail(error);
  return kExitOk;
}

}  // namespace lockgraph::cli
