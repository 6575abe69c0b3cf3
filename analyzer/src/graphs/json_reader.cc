#include "graphs/json_reader.h"

#include <climits>

namespace lockgraph::graphs {

using nlohmann::json;

namespace {

// What a value is, for "found ..." in messages: short values as they are.
std::string Describe(const json& j) {
  switch (j.type()) {
    case json::value_t::object:
      return "an object";
    case json::value_t::array:
      return "a list";
    case json::value_t::string: {
      std::string s = j.dump(-1, ' ', /*ensure_ascii=*/false, json::error_handler_t::replace);
      return s.size() <= 42 ? s : s.substr(0, 40) + "...\"";
    }
    default:
      return j.dump();  // null, true, false, a number
  }
}

}  // namespace

std::string JsonPath::ToString() const {
  if (parent_ == nullptr) return "";
  std::string s = parent_->ToString();
  if (key_.empty()) return s + "[" + std::to_string(index_) + "]";
  return s.empty() ? std::string(key_) : s + "." + std::string(key_);
}

void JsonReader::Fail(const JsonPath& where, std::string_view message) {
  if (!ok()) return;
  const std::string at = where.ToString();
  error_ = at.empty() ? std::string(message) : at + ": " + std::string(message);
}

void JsonReader::Mismatch(const JsonPath& where, std::string_view expected, const json& found) {
  Fail(where, "expected " + std::string(expected) + ", found " + Describe(found));
}

void ReadValue(JsonReader* r, const json& j, const JsonPath& where, std::string* out) {
  if (!r->ok()) return;
  if (!j.is_string()) return r->Mismatch(where, ExpectedKind<std::string>(), j);
  *out = j.get<std::string>();
}

void ReadValue(JsonReader* r, const json& j, const JsonPath& where, uint64_t* out) {
  if (!r->ok()) return;
  if (!j.is_number_unsigned()) return r->Mismatch(where, ExpectedKind<uint64_t>(), j);
  *out = j.get<uint64_t>();
}

void ReadValue(JsonReader* r, const json& j, const JsonPath& where, int* out) {
  if (!r->ok()) return;
  const bool fits = j.is_number_unsigned() ? j.get<uint64_t>() <= INT_MAX
                    : j.is_number_integer()
                        ? j.get<int64_t>() >= INT_MIN && j.get<int64_t>() <= INT_MAX
                        : false;
  if (!fits) return r->Mismatch(where, ExpectedKind<int>(), j);
  *out = static_cast<int>(j.get<int64_t>());
}

void ReadValue(JsonReader* r, const json& j, const JsonPath& where, bool* out) {
  if (!r->ok()) return;
  if (!j.is_boolean()) return r->Mismatch(where, ExpectedKind<bool>(), j);
  *out = j.get<bool>();
}

bool ExpectObject(JsonReader* r, const json& j, const JsonPath& where) {
  if (!r->ok()) return false;
  if (j.is_object()) return true;
  r->Mismatch(where, "an object", j);
  return false;
}

}  // namespace lockgraph::graphs
