// lockgraph check [--baseline FILE] [--update-baseline] [--order-file FILE]
//                 [--format text|sarif|junit|json] [-o FILE] [--same-class]
//                 [--prefer-writers]
//                 [--keep-going] GRAPH.json...
//
// Merges the lock-order graphs of many processes by lock class and fails on
// any cycle not accepted by the baseline, and on any order against the order
// file. Exit status: 0 nothing new, 1 a new cycle or an order violation, 2
// unreadable or incompatible input, or a usage error.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/command_line.h"
#include "cli/graph_args.h"
#include "graphs/baseline.h"
#include "graphs/check_report.h"
#include "graphs/merged_graph.h"
#include "graphs/order_check.h"

#ifndef LOCKGRAPH_VERSION
#define LOCKGRAPH_VERSION "unknown"
#endif

namespace lockgraph::cli {
namespace {

constexpr char kCheckSynopsis[] =
    "lockgraph check [--baseline FILE] [--update-baseline] [--order-file FILE]\n"
    "                [--format text|sarif|junit|json] [-o FILE]\n"
    "                [--same-class] [--prefer-writers] [--keep-going] GRAPH.json|DIR...";

constexpr char kCheckText[] =
    "Merges the lock-order graphs written by many processes (LOCKGRAPH_OPTIONS=graph_out=PATH)\n"
    "by lock class and reports every cycle: inversions that no single run shows. A directory\n"
    "stands for the *.json files in it. A cycle\n"
    "accepted in the baseline (with its reason) does not fail; a blessed pair is ignored.\n"
    "With --order-file, every order taken against the declared orders fails too.";

constexpr char kCheckFooter[] =
    "exit status: 0 nothing new, 1 a new cycle or an order violation, 2 unreadable input or\n"
    "usage error";

struct CheckArgs {
  std::vector<std::string> paths;
  std::string baseline_path;
  std::string order_file;
  bool update = false;
  std::string format = "text";
  std::string output;
  bool same_class = false;
  bool prefer_writers = false;
  bool keep_going = false;
};

int FailCheck(const std::string& message) { return FailCommand("check", message); }

int RunCheck(const CheckArgs& args) {
  const std::string& baseline_path = args.baseline_path;
  const std::string& format = args.format;
  const std::string& output = args.output;
  const bool update = args.update;
  std::string error;

  graphs::Baseline baseline;
  if (!baseline_path.empty()) {
    FILE* exists = std::fopen(baseline_path.c_str(), "r");
    if (exists != nullptr) {
      std::fclose(exists);
      if (!graphs::LoadBaseline(baseline_path, &baseline, &error)) return FailCheck(error);
    } else if (!update) {
      return FailCheck("baseline " + baseline_path + ": cannot open the file");
    }
  }

  std::vector<graphs::GraphFile> files;
  graphs::CheckResult result;
  if (!LoadGraphs(args.paths, args.keep_going, &files, &result.skipped, &error)) {
    return FailCheck(error);
  }
  for (const std::string& why : result.skipped) {
    std::fprintf(stderr, "lockgraph check: warning: skipped %s\n", why.c_str());
  }
  graphs::MergedGraph graph;
  for (const graphs::GraphFile& f : files) graph.Add(f);
  for (const auto& b : baseline.blessed) graph.Bless(b.from, b.to);
  graphs::MergedGraph::CycleOptions options;
  options.same_class = args.same_class;
  options.prefer_writers = args.prefer_writers;
  result.graph = &graph;
  result.cycles = graph.Cycles(options, &result.truncated);
  for (const graphs::Cycle& c : result.cycles)
    result.is_new.push_back(!baseline.Accepts(c.classes));
  if (!args.order_file.empty() &&
      !graphs::FindOrderViolations(graph, args.order_file, &result.violations, &error)) {
    return FailCheck(error);
  }

  if (update) {
    size_t added = 0;
    for (size_t i = 0; i < result.cycles.size(); ++i) {
      if (!result.is_new[i]) continue;
      baseline.accepted.push_back({graphs::CanonicalCycle(result.cycles[i].classes), ""});
      ++added;
    }
    if (!graphs::SaveBaseline(baseline_path, baseline, &error)) return FailCheck(error);
    std::fprintf(stderr,
                 "lockgraph check: added %zu cycle(s) to %s; give each a reason before "
                 "committing it\n",
                 added, baseline_path.c_str());
    return kExitOk;
  }

  std::string text = format == "sarif"   ? graphs::CheckSarif(result, LOCKGRAPH_VERSION)
                     : format == "junit" ? graphs::CheckJunit(result)
                     : format == "json"  ? graphs::CheckJson(result)
                                         : graphs::CheckText(result);
  if (!WriteOutput(output, text, &error)) return FailCheck(error);
  if (!output.empty() && output != "-" && (result.new_count() > 0 || !result.violations.empty())) {
    // Whatever the format, a failing CI log says why.
    std::fprintf(stderr,
                 "lockgraph check: %zu new lock-order cycle(s), %zu order violation(s); see %s\n",
                 result.new_count(), result.violations.size(), output.c_str());
  }
  // A search cut short proves nothing about the cycles it did not reach, so a
  // CI gate must not pass on it (failed() counts it); say why when it is the
  // only reason.
  if (result.truncated && result.new_count() == 0) {
    std::fprintf(stderr,
                 "lockgraph check: the cycle search stopped at its limit before covering the "
                 "graph; failing rather than passing an unchecked graph\n");
  }
  return result.failed() ? kExitFound : kExitOk;
}

}  // namespace

CommandRun DefineCheck(CLI::App* app) {
  auto args = std::make_shared<CheckArgs>();
  DescribeCommand(app, kCheckSynopsis, kCheckText, kCheckFooter);
  app->add_option("--baseline", args->baseline_path,
                  "accepted cycles and blessed pairs (JSON, see the user guide)")
      ->option_text("FILE");
  app->add_flag("--update-baseline", args->update,
                "add the cycles found to --baseline FILE and exit 0");
  app->add_option("--order-file", args->order_file,
                  "declared lock orders (\"a -> b -> c\" per line, as order_file= at run time);\n"
                  "an order taken against them fails")
      ->option_text("FILE");
  app->add_option("--format", args->format, "text (default), sarif (2.1.0), junit (XML), json")
      ->check(CLI::IsMember({"text", "sarif", "junit", "json"}))
      ->option_text("F");
  app->add_option("-o,--output", args->output, "write the result to FILE instead of stdout")
      ->option_text("FILE");
  app->add_flag("--same-class", args->same_class,
                "also count unranked nesting within one lock class as a cycle");
  app->add_flag("--prefer-writers", args->prefer_writers,
                "assume every lock's readers wait behind a queued writer, so orders between "
                "shared acquisitions count (by default only for classes the graphs mark "
                "writer_preferring)");
  AddGraphFiles(app, &args->paths, &args->keep_going);
  app->callback([args] {
    if (args->update && args->baseline_path.empty()) {
      throw CLI::ValidationError("--update-baseline needs --baseline FILE");
    }
  });
  return [args] { return RunCheck(*args); };
}

}  // namespace lockgraph::cli
