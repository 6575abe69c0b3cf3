// Loading a graph file: the bytes, the JSON, then graph_file_json.cc's
// reader. Each failure says which file, and points at the schema for what a
// graph file must hold.
#include "graphs/graph_file.h"

#include <nlohmann/json.hpp>

#include "graphs/graph_file_json.h"
#include "internal/graph_file_spec.h"
#include "internal/text_file.h"

namespace lockgraph::graphs {

bool LoadGraphFile(const std::string& path, GraphFile* out, std::string* error,
                   std::string_view schema) {
  std::string text;
  if (!internal::ReadTextFile(path, &text)) {
    *error = path + ": cannot open the file";
    return false;
  }
  const std::string see =
      "; see " + std::string(schema.empty() ? internal::kGraphSchemaSourcePath : schema);
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    *error = path + ": the file is empty (did the test process exit before writing it?)" + see;
    return false;
  }
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    *error = path + ": not valid JSON (truncated? a process killed while writing it?)" + see;
    return false;
  }
  std::string why;
  if (!ReadGraphJson(doc, out, &why)) {
    *error = path + ": " + why + see;
    return false;
  }
  out->path = path;
  return true;
}

}  // namespace lockgraph::graphs
