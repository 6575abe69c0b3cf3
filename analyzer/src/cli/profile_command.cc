// lockgraph profile [--top N] [--keep-going] GRAPH.json...
//
// The contention profile recorded with profile=1 (or hold_warn_ms), summed
// over the given runs per lock class and sorted by total wait: the lock to
// look at first is on top.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/command_line.h"
#include "cli/graph_args.h"

namespace lockgraph::cli {
namespace {

constexpr char kProfileSynopsis[] = "lockgraph profile [--top N] [--keep-going] GRAPH.json...";

constexpr char kProfileText[] =
    "Prints the contention profile of the given runs (recorded with LOCKGRAPH_OPTIONS\n"
    "profile=1 and graph_out=PATH): per lock class, acquisitions, contended acquisitions,\n"
    "total and maximum wait and hold, sorted by total wait.";

struct ProfileArgs {
  std::vector<std::string> paths;
  size_t top = 0;  // rows to print; 0 for all
  bool keep_going = false;
};

int FailProfile(const std::string& message) { return FailCommand("profile", message); }

std::string Duration(uint64_t ns) {
  char buf[32];
  if (ns >= 1000000000ull) {
    std::snprintf(buf, sizeof buf, "%.2f s", ns / 1e9);
  } else if (ns >= 1000000ull) {
    std::snprintf(buf, sizeof buf, "%.2f ms", ns / 1e6);
  } else if (ns >= 1000ull) {
    std::snprintf(buf, sizeof buf, "%.1f us", ns / 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%llu ns", static_cast<unsigned long long>(ns));
  }
  return buf;
}

int RunProfile(const ProfileArgs& args) {
  std::string error;
  std::vector<graphs::GraphFile> files;
  std::vector<std::string> skipped;
  if (!LoadGraphs(args.paths, args.keep_going, &files, &skipped, &error)) {
    return FailProfile(error);
  }

  std::map<std::string, graphs::ClassProfile> merged;
  for (const graphs::GraphFile& f : files) {
    for (const graphs::ClassProfile& p : f.profile) {
      graphs::ClassProfile& m = merged[p.name];
      m.name = p.name;
      if (m.site.empty()) m.site = p.site;
      m.acquisitions += p.acquisitions;
      m.contended += p.contended;
      m.wait_total_ns += p.wait_total_ns;
      m.wait_max_ns = std::max(m.wait_max_ns, p.wait_max_ns);
      m.holds += p.holds;
      m.hold_total_ns += p.hold_total_ns;
      m.hold_max_ns = std::max(m.hold_max_ns, p.hold_max_ns);
      m.long_waits += p.long_waits;
      m.long_holds += p.long_holds;
    }
  }
  std::vector<graphs::ClassProfile> rows;
  for (auto& [name, p] : merged) rows.push_back(p);
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.wait_total_ns > b.wait_total_ns; });
  if (args.top > 0 && rows.size() > args.top) rows.resize(args.top);
  if (rows.empty()) {
    std::printf(
        "lockgraph profile: no contention data in %zu file(s); record it with "
        "LOCKGRAPH_OPTIONS=profile=1:graph_out=PATH\n",
        files.size());
    return kExitOk;
  }
  std::printf("%-32s %12s %10s %12s %12s %12s %12s\n", "lock class", "acquisitions", "contended",
              "total wait", "max wait", "total hold", "max hold");
  for (const auto& p : rows) {
    std::printf("%-32s %12llu %10llu %12s %12s %12s %12s\n", p.name.substr(0, 32).c_str(),
                static_cast<unsigned long long>(p.acquisitions),
                static_cast<unsigned long long>(p.contended), Duration(p.wait_total_ns).c_str(),
                Duration(p.wait_max_ns).c_str(), Duration(p.hold_total_ns).c_str(),
                Duration(p.hold_max_ns).c_str());
  }
  return kExitOk;
}

}  // namespace

CommandRun DefineProfile(CLI::App* app) {
  auto args = std::make_shared<ProfileArgs>();
  DescribeCommand(app, kProfileSynopsis, kProfileText, "");
  app->add_option("--top", args->top, "print only the N most waited-for lock classes")
      ->check(PositiveInteger("a positive number"))
      ->option_text("N");
  AddGraphFiles(app, &args->paths, &args->keep_going);
  return [args] { return RunProfile(*args); };
}

}  // namespace lockgraph::cli
