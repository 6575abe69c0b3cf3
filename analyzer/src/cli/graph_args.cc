#include "cli/graph_args.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "cli/command.h"
#include "install_paths.h"

namespace lockgraph::cli {

void AddGraphFiles(CLI::App* app, std::vector<std::string>* paths, bool* keep_going) {
  app->add_option("GRAPH.json|DIR", *paths,
                  "graph files (LOCKGRAPH_OPTIONS=graph_out=PATH) or directories of them")
      ->required()
      ->option_text("...");
  app->add_flag("--keep-going", *keep_going, "skip unreadable graph files with a warning");
}

int FailCommand(const char* command, const std::string& message) {
  std::fprintf(stderr, "lockgraph %s: %s\n", command, message.c_str());
  return kExitBadInput;
}

bool WriteOutput(const std::string& path, const std::string& text, std::string* error) {
  if (path.empty() || path == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return std::fflush(stdout) == 0;
  }
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out) {
    *error = "cannot write " + path;
    return false;
  }
  return true;
}

// A directory stands for the *.json files in it (a CI job's graph directory).
std::vector<std::string> ExpandDirectories(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const std::string& path : paths) {
    std::error_code ec;
    if (!std::filesystem::is_directory(path, ec)) {
      out.push_back(path);
      continue;
    }
    std::vector<std::string> inside;
    for (const auto& entry : std::filesystem::directory_iterator(path, ec)) {
      if (entry.path().extension() == ".json") inside.push_back(entry.path().string());
    }
    std::sort(inside.begin(), inside.end());
    out.insert(out.end(), inside.begin(), inside.end());
  }
  return out;
}

bool LoadGraphs(const std::vector<std::string>& given, bool keep_going,
                std::vector<graphs::GraphFile>* files, std::vector<std::string>* skipped,
                std::string* error) {
  const std::vector<std::string> paths = ExpandDirectories(given);
  if (paths.empty()) {
    *error = "no graph files (*.json) in " + given.front() +
             (given.size() > 1 ? " and the other directories given" : "") +
             " (were the tests run with LOCKGRAPH_OPTIONS=graph_out=...?)";
    return false;
  }
  files->reserve(paths.size());
  // Messages about a file's content point at the schema: the installed copy
  // when there is one, else its place in the sources.
  const std::string schema = analyzer::FindGraphSchema();
  for (const std::string& path : paths) {
    graphs::GraphFile g;
    std::string why;
    if (graphs::LoadGraphFile(path, &g, &why, schema)) {
      files->push_back(std::move(g));
    } else if (keep_going) {
      skipped->push_back(why);
    } else {
      *error = why + " (use --keep-going to skip unreadable files)";
      return false;
    }
  }
  if (files->empty()) {
    *error = "no readable graph file among the " + std::to_string(paths.size()) + " given";
    return false;
  }
  return true;
}

}  // namespace lockgraph::cli
