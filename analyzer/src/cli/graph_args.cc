#include "cli/graph_args.h"

#include <cstdio>
#include <fstream>

namespace lockgraph::cli {

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

bool LoadGraphs(const std::vector<std::string>& paths, bool keep_going,
                std::vector<graphs::GraphFile>* files, std::vector<std::string>* skipped,
                std::string* error) {
  files->reserve(paths.size());
  for (const std::string& path : paths) {
    graphs::GraphFile g;
    std::string why;
    if (graphs::LoadGraphFile(path, &g, &why)) {
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
