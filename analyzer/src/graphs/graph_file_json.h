// The graph file's JSON read into the GraphFile structs, checked against
// everything docs/graph-file.schema.json requires: which keys must be there,
// their types, the format, the version, the edge modes, non-negative counts.
// Keys this build does not know are ignored, as the schema's compatibility
// rule asks (later writers of the same version may add keys).
#ifndef LOCKGRAPH_ANALYZER_SRC_GRAPHS_GRAPH_FILE_JSON_H_
#define LOCKGRAPH_ANALYZER_SRC_GRAPHS_GRAPH_FILE_JSON_H_

#include <nlohmann/json.hpp>
#include <string>

#include "graphs/graph_file.h"
#include "graphs/json_reader.h"

namespace lockgraph::graphs {

// Reads `doc` into `*out` (`path` is left empty). On failure returns false with
// `*error` saying where in the document the problem is and what was expected
// there ("edges[3].thread.tid: expected an integer, found \"7\"").
bool ReadGraphJson(const nlohmann::json& doc, GraphFile* out, std::string* error);

// The parts, for JsonReader (json_reader.h): each reads one object of the file.
void ReadValue(JsonReader* r, const nlohmann::json& j, const JsonPath& where, GraphClass* out);
void ReadValue(JsonReader* r, const nlohmann::json& j, const JsonPath& where, Frame* out);
void ReadValue(JsonReader* r, const nlohmann::json& j, const JsonPath& where, GraphThread* out);
void ReadValue(JsonReader* r, const nlohmann::json& j, const JsonPath& where, GraphEdge* out);
void ReadValue(JsonReader* r, const nlohmann::json& j, const JsonPath& where, GraphReport* out);
void ReadValue(JsonReader* r, const nlohmann::json& j, const JsonPath& where, ClassProfile* out);
void ReadValue(JsonReader* r, const nlohmann::json& j, const JsonPath& where, GraphStats* out);

}  // namespace lockgraph::graphs

#endif  // LOCKGRAPH_ANALYZER_SRC_GRAPHS_GRAPH_FILE_JSON_H_
