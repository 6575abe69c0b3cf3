// SVG through Graphviz: we write DOT and let `dot -Tsvg` lay it out.
#include "render/render.h"
#include "subprocess.h"

namespace lockgraph::analyzer {

bool DotToSvg(const std::string& dot_source, std::string* svg, std::string* error) {
  if (!InPath("dot")) {
    *error =
        "Graphviz `dot` is not installed (not found in PATH); install the graphviz "
        "package, or use --format dot and lay it out elsewhere";
    return false;
  }
  // Layout is superlinear in graph size; a minute is far beyond any real dump.
  ProcessResult r = RunProcess({"dot", "-Tsvg"}, dot_source, 60);
  if (!r.started) {
    *error = "could not run Graphviz dot: " + r.error;
    return false;
  }
  if (r.timed_out || r.exit_code != 0 || r.out.empty()) {
    *error = "Graphviz dot failed" +
             (r.timed_out ? std::string(" (timed out)")
                          : " (exit " + std::to_string(r.exit_code) + ")") +
             (r.err.empty() ? "" : ": " + r.err.substr(0, 500));
    return false;
  }
  *svg = std::move(r.out);
  return true;
}

}  // namespace lockgraph::analyzer
