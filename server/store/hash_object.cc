// server/store/hash_object.cc
// -----------------------------------------------------------------------------
// A hash value in its two encodings.
#include "store/hash_object.h"

#include <iterator>

#include "util/absl_key.h"
#include "util/heap_bytes.h"

namespace cacheforge {
namespace {

// A flat table's slots and control bytes, from its capacity.
template <typename T>
size_t TableBytes(const T& table) {
  return table.capacity() == 0
             ? 0
             : table.capacity() * (sizeof(typename T::value_type) + 1) + 16 + sizeof(size_t);
}

bool FitsPacked(std::string_view s, const EncodingLimits& limits) {
  return static_cast<int64_t>(s.size()) <= limits.hash_max_listpack_value;
}

}  // namespace

size_t HashTableObject::Bytes() const {
  return HeapBytes(this) + TableBytes(table_) + string_bytes_;
}

std::unique_ptr<Object> HashTableObject::Clone() const {
  auto copy = std::make_unique<HashTableObject>();
  copy->table_ = table_;
  for (const auto& [field, value] : copy->table_) {
    copy->string_bytes_ += StringHeapBytes(field) + StringHeapBytes(value);
  }
  return copy;
}

std::optional<std::string_view> HashTableObject::Get(std::string_view field) const {
  auto it = table_.find(AbslKey(field));
  if (it == table_.end()) return std::nullopt;
  return std::string_view(it->second);
}

bool HashTableObject::Set(std::string_view field, std::string_view value) {
  auto [it, inserted] = table_.try_emplace(std::string(field));
  if (inserted) {
    string_bytes_ += StringHeapBytes(it->first);
  } else {
    string_bytes_ -= StringHeapBytes(it->second);
  }
  it->second.assign(value);
  string_bytes_ += StringHeapBytes(it->second);
  return inserted;
}

bool HashTableObject::Delete(std::string_view field) {
  auto it = table_.find(AbslKey(field));
  if (it == table_.end()) return false;
  string_bytes_ -= StringHeapBytes(it->first) + StringHeapBytes(it->second);
  table_.erase(it);
  return true;
}

std::optional<std::string_view> HashValue::Get(std::string_view field) const {
  if (!packed()) return table().Get(field);
  const PackedView fields = view();
  const size_t pos = fields.Find(field, fields.Begin(), 2);
  if (pos == fields.End()) return std::nullopt;
  return fields.At(fields.Next(pos));
}

bool HashValue::Set(std::string_view field, std::string_view value, const EncodingLimits& limits) {
  if (packed()) {
    PackedEdit fields = edit();
    const size_t pos = fields.Find(field, fields.Begin(), 2);
    if (pos != fields.End()) {
      if (FitsPacked(value, limits)) {
        fields.Replace(fields.Next(pos), value);
        return false;
      }
    } else if (FitsPacked(field, limits) && FitsPacked(value, limits) &&
               static_cast<int64_t>(Size()) < limits.hash_max_listpack_entries) {
      fields.PushBack(field);
      fields.PushBack(value);
      return true;
    }
    ConvertToTable();
  }
  return table().Set(field, value);
}

bool HashValue::Delete(std::string_view field) {
  if (!packed()) return table().Delete(field);
  PackedEdit fields = edit();
  const size_t pos = fields.Find(field, fields.Begin(), 2);
  if (pos == fields.End()) return false;
  fields.Erase(pos, 2);
  return true;
}

std::pair<std::string_view, std::string_view> HashValue::Nth(size_t i) const {
  if (!packed()) {
    auto it = std::next(table().table().begin(), static_cast<std::ptrdiff_t>(i));
    return {it->first, it->second};
  }
  const PackedView fields = view();
  const size_t pos = fields.Seek(2 * i);
  return {fields.At(pos), fields.At(fields.Next(pos))};
}

void HashValue::ConvertToTable() {
  auto converted = std::make_unique<HashTableObject>();
  converted->Reserve(Size() + 1);
  ForEach([&](std::string_view field, std::string_view value) { converted->Set(field, value); });
  entry_->SetObject(std::move(converted));
}

}  // namespace cacheforge
