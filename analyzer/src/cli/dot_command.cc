// lockgraph dot [--format dot|svg] [-o FILE] [--keep-going] GRAPH.json...
//
// Draws the merged lock-order graph of one or more runs; edges on a cycle are
// red. Exit status: 0, or 2 for unreadable input and usage errors.
#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/command_line.h"
#include "cli/graph_args.h"
#include "graphs/check_report.h"
#include "graphs/merged_graph.h"
#include "render/render.h"

namespace lockgraph::cli {
namespace {

constexpr char kDotSynopsis[] =
    "lockgraph dot [--format dot|svg] [-o FILE] [--keep-going] GRAPH.json...";

constexpr char kDotText[] =
    "Draws the lock-order graph merged from the given graph files (Graphviz DOT, or SVG\n"
    "through Graphviz `dot`). Orders on a cycle are drawn red.";

struct DotArgs {
  std::vector<std::string> paths;
  std::string format = "dot";
  std::string output;
  bool keep_going = false;
};

int FailDot(const std::string& message) { return FailCommand("dot", message); }

int RunDot(const DotArgs& args) {
  std::string error;
  std::vector<graphs::GraphFile> files;
  std::vector<std::string> skipped;
  if (!LoadGraphs(args.paths, args.keep_going, &files, &skipped, &error)) {
    return FailDot(error);
  }
  graphs::MergedGraph graph;
  for (const graphs::GraphFile& f : files) graph.Add(f);
  graphs::CheckResult result;
  result.graph = &graph;
  result.cycles = graph.Cycles({}, &result.truncated);
  result.is_new.assign(result.cycles.size(), true);
  std::string text = graphs::MergedDot(graph, &result);
  if (args.format == "svg") {
    std::string svg;
    if (!analyzer::DotToSvg(text, &svg, &error)) return FailDot(error);
    text = std::move(svg);
  }
  if (!WriteOutput(args.output, text, &error)) return FailDot(error);
  return kExitOk;
}

}  // namespace

CommandRun DefineDot(CLI::App* app) {
  auto args = std::make_shared<DotArgs>();
  DescribeCommand(app, kDotSynopsis, kDotText, "");
  app->add_option("--format", args->format, "dot (default) or svg")
      ->check(CLI::IsMember({"dot", "svg"}))
      ->option_text("F");
  app->add_option("-o,--output", args->output, "write the graph to FILE instead of stdout")
      ->option_text("FILE");
  AddGraphFiles(app, &args->paths, &args->keep_going);
  return [args] { return RunDot(*args); };
}

}  // namespace lockgraph::cli
