// libFuzzer target: any bytes, fed in two pieces (so line splitting across
// Feed calls is exercised), through the parser and the whole analysis and
// every renderer that does not run a program. Must never crash or hang.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string_view>

#include "analysis.h"
#include "dump_parser.h"
#include "render/render.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  size_t split = size > 0 ? data[0] % (size + 1) : 0;
  lockgraph::analyzer::DumpParser parser("fuzz");
  parser.Feed(bytes.substr(0, split));
  parser.Feed(bytes.substr(split));
  lockgraph::analyzer::Dump dump;
  std::string error;
  if (!parser.Finish(&dump, &error)) return 0;
  std::vector<lockgraph::analyzer::Analysis> analyses;
  analyses.push_back(lockgraph::analyzer::Analyze(std::move(dump)));
  std::ostringstream out;
  lockgraph::analyzer::RenderText(analyses, out);
  lockgraph::analyzer::RenderJson(analyses, out);
  lockgraph::analyzer::RenderDot(analyses, out);
  lockgraph::analyzer::RenderHtml(analyses, "", out);
  return 0;
}
