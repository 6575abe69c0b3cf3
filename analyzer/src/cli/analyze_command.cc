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

constexpr char kAnalyzeSynopsis[] =
    "lockgraph analyze [--format text|json|dot|svg|html] [-o FILE] FILE...|-\n"
    "lockgraph analyze --pid PID [--format ...] [-o FILE]";

constexpr char kAnalyzeText[] =
    "Reads thread dumps (gdb `thread apply all bt` or `bt full` of a live process or core,\n"
    "pstack, eu-stack, `lockgraph capture`, the `lockgraph-gdb:` lines of lockgraph's gdb\n"
    "extension; plain or gzip-compressed; `-` is stdin) and what people paste of a gdb\n"
    "session (a bare `bt`, `thread N` + `bt`, `info threads`, `frame N` + `p *mutex`,\n"
    "`x/8wx`, quoted, fenced, wrapped or cut), builds the wait-for graph and reports every\n"
    "deadlock cycle, the threads blocked behind it, the threads a queue of waiters is stuck\n"
    "behind, the stack groups, and what a partial paste lacks.\n"
    "--pid captures the process with gdb first (see `lockgraph capture`).";

constexpr char kAnalyzeFooter[] =
    "exit status: 0 no deadlock, 1 deadlock found (or likely), 2 input with no frame at all";

struct AnalyzeArgs {
  std::vector<std::string> inputs;
  std::string format = "text";
  std::string output;
  long pid = 0;
};

constexpr size_t kMaxHtmlGraphEdges = 500;

int FailAnalyze(const std::string& message) {
  std::fprintf(stderr, "lockgraph analyze: %s\n", message.c_str());
  return kExitBadInput;
}

// Captures process `pid` with gdb and analyzes the dump.
bool AnalyzeProcess(long pid, std::vector<Analysis>* analyses, std::string* error) {
  analyzer::CaptureTarget target;
  target.pid = pid;
  target.gdb_extension = analyzer::FindGdbExtension();
  std::string text;
  if (!analyzer::Capture(target, &text, error)) return false;
  analyzer::Dump dump;
  if (!analyzer::ParseDump(text, "pid " + std::to_string(pid), &dump, error)) return false;
  analyses->push_back(analyzer::Analyze(std::move(dump)));
  return true;
}

// Reads and analyzes one dump file (or `-`); its warnings go to stderr.
bool AnalyzeFile(const std::string& path, std::vector<Analysis>* analyses, std::string* error) {
  analyzer::Dump dump;
  if (!analyzer::ReadDumpFile(path, "", &dump, error)) return false;
  for (const std::string& w : dump.warnings) {
    std::fprintf(stderr, "lockgraph analyze: %s: warning: %s\n", path.c_str(), w.c_str());
  }
  analyses->push_back(analyzer::Analyze(std::move(dump)));
  return true;
}

// The wait-for graph as SVG for --format svg and html. An HTML page is still
// useful without the picture, so for html a failure only warns (and leaves
// `svg` empty); for svg it is an error.
bool RenderSvg(const std::vector<Analysis>& analyses, OutputFormat format, std::string* svg,
               std::string* error) {
  std::ostringstream dot;
  analyzer::RenderDot(analyses, dot);
  // Graphviz needs minutes for thousands of edges.
  size_t edges = 0;
  for (size_t at = 0; (at = dot.str().find("->", at)) != std::string::npos; at += 2) ++edges;
  if (format == OutputFormat::kHtml && edges > kMaxHtmlGraphEdges) {
    std::fprintf(stderr,
                 "lockgraph analyze: no graph in the page: %zu edges is too many to lay out\n",
                 edges);
    return true;
  }
  if (analyzer::DotToSvg(dot.str(), svg, error)) return true;
  if (format == OutputFormat::kSvg) return false;
  std::fprintf(stderr, "lockgraph analyze: no graph in the page: %s\n", error->c_str());
  svg->clear();
  return true;
}

bool Render(const std::vector<Analysis>& analyses, OutputFormat format, std::ostream& out,
            std::string* error) {
  switch (format) {
    case OutputFormat::kText:
      analyzer::RenderText(analyses, out);
      return true;
    case OutputFormat::kJson:
      analyzer::RenderJson(analyses, out);
      return true;
    case OutputFormat::kDot:
      analyzer::RenderDot(analyses, out);
      return true;
    case OutputFormat::kSvg:
    case OutputFormat::kHtml: {
      std::string svg;
      if (!RenderSvg(analyses, format, &svg, error)) return false;
      if (format == OutputFormat::kSvg) {
        out << svg;
      } else {
        analyzer::RenderHtml(analyses, svg, out);
      }
      return true;
    }
  }
  return true;
}

// Writes `text` to `output`, or to stdout when it is empty.
bool WriteOutput(const std::string& output, const std::string& text, std::string* error) {
  if (output.empty()) {
    std::cout << text;
    std::cout.flush();
    if (!std::cout) *error = "cannot write to stdout";
    return static_cast<bool>(std::cout);
  }
  std::ofstream file(output, std::ios::binary | std::ios::trunc);
  file << text;
  file.close();
  if (!file) *error = "cannot write " + output + ": " + std::strerror(errno);
  return static_cast<bool>(file);
}

int RunAnalyze(const AnalyzeArgs& args) {
  OutputFormat format = OutputFormat::kText;
  analyzer::ParseOutputFormat(args.format, &format);  // one of them: checked when parsed
  std::vector<Analysis> analyses;
  std::string error;
  if (args.pid > 0 && !AnalyzeProcess(args.pid, &analyses, &error)) return FailAnalyze(error);
  for (const std::string& path : args.inputs) {
    if (!AnalyzeFile(path, &analyses, &error)) return FailAnalyze(error);
  }
  std::ostringstream rendered;
  if (!Render(analyses, format, rendered, &error)) return FailAnalyze(error);
  if (!WriteOutput(args.output, rendered.str(), &error)) return FailAnalyze(error);
  for (const Analysis& a : analyses) {
    if (a.deadlock()) return kExitFound;
  }
  return kExitOk;
}

}  // namespace

CommandRun DefineAnalyze(CLI::App* app) {
  auto args = std::make_shared<AnalyzeArgs>();
  DescribeCommand(app, kAnalyzeSynopsis, kAnalyzeText, kAnalyzeFooter);
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
