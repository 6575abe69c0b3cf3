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

int Fail(const std::string& message) {
  std::fprintf(stderr, "lockgraph dot: %s\n", message.c_str());
  return kExitBadInput;
}

}  // namespace

int RunDot(int argc, char** argv) {
  std::string format = "dot", output;
  bool keep_going = false;
  std::vector<std::string> paths;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return kExitOk;
    } else if ((arg == "--format" || arg == "-o" || arg == "--output") && i + 1 < argc) {
      (arg == "--format" ? format : output) = argv[++i];
    } else if (arg == "--keep-going") {
      keep_going = true;
    } else if (arg.size() > 1 && arg[0] == '-') {
      return Fail("unknown or incomplete option '" + arg + "'\n\n" + kUsage);
    } else {
      paths.push_back(arg);
    }
  }
  if (format != "dot" && format != "svg") return Fail("unknown format '" + format + "' (dot, svg)");
  if (paths.empty()) return Fail("no graph files given\n\n" + std::string(kUsage));
  std::vector<graphs::GraphFile> files;
  std::vector<std::string> skipped;
  std::string error;
  if (!LoadGraphs(paths, keep_going, &files, &skipped, &error)) return Fail(error);
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
