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
// `void ReadValue(JsonReader*, const nlohmann::json&, const JsonPath&, S*)`
// in the struct's namespace. After a problem every read does nothing, so a
// reader checks ok() once at the end.
#ifndef LOCKGRAPH_ANALYZER_SRC_GRAPHS_JSON_READER_H_
#define LOCKGRAPH_ANALYZER_SRC_GRAPHS_JSON_READER_H_

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace lockgraph::graphs {

// A place in the document: a chain of keys and list indexes back to the
// root, on the reader's stack. Spelled out only for a message, so reading a
// large file builds no path strings.
class JsonPath {
 public:
  JsonPath() = default;  // the document itself
  JsonPath(const JsonPath& parent, std::string_view key) : parent_(&parent), key_(key) {}
  JsonPath(const JsonPath& parent, size_t index) : parent_(&parent), index_(index) {}

  // "edges[3].thread.tid"; "" for the document itself.
  std::string ToString() const;

 private:
  const JsonPath* parent_ = nullptr;
  std::string_view key_;  // empty: a list index
  size_t index_ = 0;
};

class JsonReader {
 public:
  bool ok() const { return error_.empty(); }
  // "WHERE: MESSAGE" of the first problem; "" while there is none.
  const std::string& error() const { return error_; }

  // Records a problem at `where`, unless one was recorded already.
  void Fail(const JsonPath& where, std::string_view message);
  // "expected EXPECTED, found ..." with what `found` is.
  void Mismatch(const JsonPath& where, std::string_view expected, const nlohmann::json& found);

 private:
  std::string error_;
};

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

void ReadValue(JsonReader* r, const nlohmann::json& j, const JsonPath& where, std::string* out);
void ReadValue(JsonReader* r, const nlohmann::json& j, const JsonPath& where, uint64_t* out);
void ReadValue(JsonReader* r, const nlohmann::json& j, const JsonPath& where, int* out);
void ReadValue(JsonReader* r, const nlohmann::json& j, const JsonPath& where, bool* out);

template <typename T>
void ReadValue(JsonReader* r, const nlohmann::json& j, const JsonPath& where, std::vector<T>* out) {
  if (!r->ok()) return;
  if (!j.is_array()) return r->Mismatch(where, "a list", j);
  out->assign(j.size(), T{});
  for (size_t i = 0; i < j.size() && r->ok(); ++i) {
    ReadValue(r, j[i], JsonPath(where, i), &(*out)[i]);
  }
}

// True if `j` is an object; otherwise records a problem.
bool ExpectObject(JsonReader* r, const nlohmann::json& j, const JsonPath& where);

// The field `key` of `object` (at `where`) into `*out`; a missing field is a
// problem.
template <typename T>
void ReadField(JsonReader* r, const nlohmann::json& object, const JsonPath& where,
               std::string_view key, T* out) {
  if (!r->ok()) return;
  const auto it = object.find(key);
  if (it == object.end()) {
    return r->Fail(where, "\"" + std::string(key) + "\" is missing (expected " +
                              std::string(ExpectedKind<T>()) + ")");
  }
  ReadValue(r, *it, JsonPath(where, key), out);
}

// The same for a field that may be absent: then `*out` is left as it is.
// Returns whether the field is there.
template <typename T>
bool ReadOptionalField(JsonReader* r, const nlohmann::json& object, const JsonPath& where,
                       std::string_view key, T* out) {
  const auto it = object.find(key);
  if (it == object.end()) return false;
  ReadValue(r, *it, JsonPath(where, key), out);
  return true;
}

}  // namespace lockgraph::graphs

#endif  // LOCKGRAPH_ANALYZER_SRC_GRAPHS_JSON_READER_H_
