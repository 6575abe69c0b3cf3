// lockgraph analyze [--format text|json|dot|svg|html] [-o FILE] FILE...|-
// lockgraph analyze --pid PID [...]      (capture, then analyze)
//
// Exit status: 0 no deadlock, 1 deadlock in any input, 2 an input that cannot
// be read (the message says which and why) or a usage error.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "analysis.h"
#include "capture.h"
#include "cli/command.h"
#include "cli/command_line.h"
#include "dump_parser.h"
#include "dump_reader.h"
#include "install_paths.h"
#include "render/render.h"

namespace lockgraph::cli {
namespace {

using analyzer::Analysis;
using analyzer::OutputFormat;

constexpr char kSynopsis[] =
    "lockgraph analyze [--format text|json|dot|svg|html] [-o FILE] FILE...|-\n"
    "lockgraph analyze --pid PID [--format ...] [-o FILE]";

constexpr char kText[] =
    "Reads thread dumps (gdb `thread apply all bt` or `bt full` of a live process or core,\n"
    "pstack, eu-stack, `lockgraph capture`, the `lockgraph-gdb:` lines of lockgraph's gdb\n"
    "extension; plain or gzip-compressed; `-` is stdin) and what people paste of a gdb\n"
    "session (a bare `bt`, `thread N` + `bt`, `info threads`, `frame N` + `p *mutex`,\n"
    "`x/8wx`, quoted, fenced, wrapped or cut), builds the wait-for graph and reports every\n"
    "deadlock cycle, the threads blocked behind it, the threads a queue of waiters is stuck\n"
    "behind, the stack groups, and what a partial paste lacks.\n"
    "--pid captures the process with gdb first (see `lockgraph capture`).";

constexpr char kFooter[] =
    "exit status: 0 no deadlock, 1 deadlock found (or likely), 2 input with no frame at all";

struct AnalyzeArgs {
  std::vector<std::string> inputs;
  std::string format = "text";
  std::string output;
  long pid = 0;
};

constexpr size_t kMaxHtmlGraphEdges = 500;

int Fail(const std::string& message) {
  std::fprintf(stderr, "lockgraph analyze: %s\n", message.c_str());
  return kExitBadInput;
}

int RunAnalyze(const AnalyzeArgs& args) {
  OutputFormat format = OutputFormat::kText;
  analyzer::ParseOutputFormat(args.format, &format);  // one of them: checked when parsed
  const long pid = args.pid;
  const std::string& output = args.output;
  std::vector<Analysis> analyses;
  if (pid > 0) {
    analyzer::CaptureTarget target;
    target.pid = pid;
    target.gdb_extension = analyzer::FindGdbExtension();
    std::string text, error;
    if (!analyzer::Capture(target, &text, &error)) return Fail(error);
    analyzer::Dump dump;
    if (!analyzer::ParseDump(text, "pid " + std::to_string(pid), &dump, &error)) {
      return Fail(error);
    }
    analyses.push_back(analyzer::Analyze(std::move(dump)));
  }
  for (const std::string& path : args.inputs) {
    analyzer::Dump dump;
    std::string error;
    if (!analyzer::ReadDumpFile(path, "", &dump, &error)) return Fail(error);
    for (const std::string& w : dump.warnings) {
      std::fprintf(stderr, "lockgraph analyze: %s: warning: %s\n", path.c_str(), w.c_str());
    }
    analyses.push_back(analyzer::Analyze(std::move(dump)));
  }

  std::ostringstream rendered;
  switch (format) {
    case OutputFormat::kText:
      analyzer::RenderText(analyses, rendered);
      break;
    case OutputFormat::kJson:
      analyzer::RenderJson(analyses, rendered);
      break;
    case OutputFormat::kDot:
      analyzer::RenderDot(analyses, rendered);
      break;
    case OutputFormat::kSvg:
    case OutputFormat::kHtml: {
      std::ostringstream dot;
      analyzer::RenderDot(analyses, dot);
      std::string svg, error;
      // Graphviz needs minutes for thousands of edges; a page without the
      // picture is better than no page.
      size_t edges = 0;
      for (size_t at = 0; (at = dot.str().find("->", at)) != std::string::npos; at += 2) ++edges;
      if (format == OutputFormat::kHtml && edges > kMaxHtmlGraphEdges) {
        std::fprintf(stderr,
                     "lockgraph analyze: no graph in the page: %zu edges is too many to lay out\n",
                     edges);
      } else if (!analyzer::DotToSvg(dot.str(), &svg, &error)) {
        if (format == OutputFormat::kSvg) return Fail(error);
        // The page is still useful without the picture.
        std::fprintf(stderr, "lockgraph analyze: no graph in the page: %s\n", error.c_str());
        svg.clear();
      }
      if (format == OutputFormat::kSvg) {
        rendered << svg;
      } else {
        analyzer::RenderHtml(analyses, svg, rendered);
      }
      break;
    }
  }
  if (output.empty()) {
    std::cout << rendered.str();
    std::cout.flush();
    if (!std::cout) return Fail("cannot write to stdout");
  } else {
    std::ofstream file(output, std::ios::binary | std::ios::trunc);
    file << rendered.str();
    file.close();
    if (!file) return Fail("cannot write " + output + ": " + std::strerror(errno));
  }
  for (const Analysis& a : analyses) {
    if (a.deadlock()) return kExitFound;
  }
  return kExitOk;
}

}  // namespace

CommandRun DefineAnalyze(CLI::App* app) {
  auto args = std::make_shared<AnalyzeArgs>();
  DescribeCommand(app, kSynopsis, kText, kFooter);
  app->add_option("FILE", args->inputs, "thread dumps to read; `-` is stdin")->option_text("...");
  app->add_option("--format", args->format, "text (default), json, dot, svg or html")
      ->check(CLI::IsMember({"text", "json", "dot", "svg", "html"}))
      ->option_text("F");
  app->add_option("-o,--output", args->output, "write the report to FILE instead of stdout")
      ->check(NonEmpty("a file name"))
      ->option_text("FILE");
  app->add_option("--pid", args->pid, "capture the live process PID with gdb and analyze it")
      ->check(PositiveInteger("a process id"))
      ->option_text("PID");
  app->callback([args] {
    if (args->inputs.empty() && args->pid == 0) {
      throw CLI::RequiredError("no input: give dump files, `-` for stdin, or --pid",
                               CLI::ExitCodes::RequiredError);
    }
  });
  return [args] { return RunAnalyze(*args); };
}

}  // namespace lockgraph::cli
