// Reads parsed JSON into plain C++ values without exceptions, keeping the
// first problem as a message that says where it is, as a path from the
// document's root ("edges[3].thread.tid"), and what was expected there:
//
//   JsonReader r;
//   if (ExpectObject(&r, j, where)) {
//     ReadField(&r, j, where, "name", &out->name);          // required
//     ReadOptionalField(&r, j, where, "inlined", &out->inlined);
//   }
//   if (!r.ok()) ... r.error() ...
//
// ReadValue is overloaded for strings, integers, booleans and lists of
// anything it reads; a struct becomes readable by declaring
// `void ReadValue(JsonReader*, const nlohmann::json&, const std::string&, S*)`
// in the struct's namespace. After a problem every read does nothing, so a
// reader checks ok() once at the end.
#ifndef LOCKGRAPH_ANALYZER_SRC_GRAPHS_JSON_READER_H_
#define LOCKGRAPH_ANALYZER_SRC_GRAPHS_JSON_READER_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace lockgraph::graphs {

class JsonReader {
 public:
  bool ok() const { return error_.empty(); }
  // "WHERE: MESSAGE" of the first problem; "" while there is none.
  const std::string& error() const { return error_; }

  // Records a problem at `where` ("" for the document itself), unless one
  // was recorded already.
  void Fail(std::string_view where, std::string_view message);
  // "expected EXPECTED, found ..." with what `found` is.
  void Mismatch(std::string_view where, std::string_view expected, const nlohmann::json& found);

 private:
  std::string error_;
};

// `where` + "." + `key` (just `key` at the root).
std::string FieldPath(std::string_view where, std::string_view key);

// What a value of type T must look like, for messages: "a string", "a list"...
template <typename T>
struct IsList : std::false_type {};
template <typename T>
struct IsList<std::vector<T>> : std::true_type {};
template <typename T>
constexpr std::string_view ExpectedKind() {
  if constexpr (std::is_same_v<T, std::string>) return "a string";
  if constexpr (std::is_same_v<T, uint64_t>) return "an integer >= 0";
  if constexpr (std::is_same_v<T, int>) return "an integer";
  if constexpr (std::is_same_v<T, bool>) return "true or false";
  if constexpr (IsList<T>::value) return "a list";
  return "an object";
}

void ReadValue(JsonReader* r, const nlohmann::json& j, const std::string& where, std::string* out);
void ReadValue(JsonReader* r, const nlohmann::json& j, const std::string& where, uint64_t* out);
void ReadValue(JsonReader* r, const nlohmann::json& j, const std::string& where, int* out);
void ReadValue(JsonReader* r, const nlohmann::json& j, const std::string& where, bool* out);

template <typename T>
void ReadValue(JsonReader* r, const nlohmann::json& j, const std::string& where,
               std::vector<T>* out) {
  if (!r->ok()) return;
  if (!j.is_array()) return r->Mismatch(where, "a list", j);
  out->assign(j.size(), T{});
  for (size_t i = 0; i < j.size() && r->ok(); ++i) {
    ReadValue(r, j[i], where + "[" + std::to_string(i) + "]", &(*out)[i]);
  }
}

// True if `j` is an object; otherwise records a problem.
bool ExpectObject(JsonReader* r, const nlohmann::json& j, const std::string& where);

// The field `key` of `object` (at `where`) into `*out`; a missing field is a
// problem.
template <typename T>
void ReadField(JsonReader* r, const nlohmann::json& object, const std::string& where,
               std::string_view key, T* out) {
  if (!r->ok()) return;
  const auto it = object.find(key);
  if (it == object.end()) {
    return r->Fail(where, "\"" + std::string(key) + "\" is missing (expected " +
                              std::string(ExpectedKind<T>()) + ")");
  }
  ReadValue(r, *it, FieldPath(where, key), out);
}

// The same for a field that may be absent: then `*out` is left as it is.
// Returns whether the field is there.
template <typename T>
bool ReadOptionalField(JsonReader* r, const nlohmann::json& object, const std::string& where,
                       std::string_view key, T* out) {
  const auto it = object.find(key);
  if (it == object.end()) return false;
  ReadValue(r, *it, FieldPath(where, key), out);
  return true;
}

}  // namespace lockgraph::graphs

#endif  // LOCKGRAPH_ANALYZER_SRC_GRAPHS_JSON_READER_H_
