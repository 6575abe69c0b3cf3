// server/store/hash_object.cc
// -----------------------------------------------------------------------------
// A hash value in its two encodings.
#include "store/hash_object.h"

#include <iterator>

#include "util/heap_bytes.h"

namespace cacheforge {
namespace {

// The tables' heterogeneous lookup takes Abseil's string_view, which is not
// std::string_view in every Abseil build.
absl::string_view Key(std::string_view s) { return absl::string_view(s.data(), s.size()); }

}  // namespace
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

size_t HashObject::Bytes() const {
  size_t bytes = HeapBytes(this);
  if (table_) return bytes + HeapBytes(table_.get()) + TableBytes(*table_) + table_string_bytes_;
  return bytes + packed_.HeapBytes();
}

std::unique_ptr<Object> HashObject::Clone() const {
  auto copy = std::make_unique<HashObject>();
  copy->packed_ = packed_;
  if (table_) {
    copy->table_ = std::make_unique<Table>(*table_);
    for (const auto& [field, value] : *copy->table_) {
      copy->table_string_bytes_ += StringHeapBytes(field) + StringHeapBytes(value);
    }
  }
  return copy;
}

std::optional<std::string_view> HashObject::Get(std::string_view field) const {
  if (table_) {
    auto it = table_->find(Key(field));
    if (it == table_->end()) return std::nullopt;
    return std::string_view(it->second);
  }
  size_t pos = packed_.Find(field, packed_.Begin(), 2);
  if (pos == packed_.End()) return std::nullopt;
  return packed_.At(packed_.Next(pos));
}

bool HashObject::Set(std::string_view field, std::string_view value, const EncodingLimits& limits) {
  if (!table_) {
    size_t pos = packed_.Find(field, packed_.Begin(), 2);
    if (pos != packed_.End()) {
      if (FitsPacked(value, limits)) {
        packed_.Replace(packed_.Next(pos), value);
        return false;
      }
    } else if (FitsPacked(field, limits) && FitsPacked(value, limits) &&
               static_cast<int64_t>(Size()) < limits.hash_max_listpack_entries) {
      packed_.PushBack(field);
      packed_.PushBack(value);
      return true;
    }
    ConvertToTable();
  }
  auto [it, inserted] = table_->try_emplace(std::string(field));
  if (inserted) {
    table_string_bytes_ += StringHeapBytes(it->first);
  } else {
    table_string_bytes_ -= StringHeapBytes(it->second);
  }
  it->second.assign(value);
  table_string_bytes_ += StringHeapBytes(it->second);
  return inserted;
}

bool HashObject::Delete(std::string_view field) {
  if (table_) {
    auto it = table_->find(Key(field));
    if (it == table_->end()) return false;
    table_string_bytes_ -= StringHeapBytes(it->first) + StringHeapBytes(it->second);
    table_->erase(it);
    return true;
  }
  size_t pos = packed_.Find(field, packed_.Begin(), 2);
  if (pos == packed_.End()) return false;
  packed_.Erase(pos, 2);
  return true;
}

std::pair<std::string_view, std::string_view> HashObject::Nth(size_t i) const {
  if (table_) {
    auto it = std::next(table_->begin(), static_cast<std::ptrdiff_t>(i));
    return {it->first, it->second};
  }
  size_t pos = packed_.Seek(2 * i);
  return {packed_.At(pos), packed_.At(packed_.Next(pos))};
}

void HashObject::ConvertToTable() {
  auto table = std::make_unique<Table>();
  table->reserve(Size() + 1);
  ForEach([&](std::string_view field, std::string_view value) {
    auto it = table->try_emplace(std::string(field), value).first;
    table_string_bytes_ += StringHeapBytes(it->first) + StringHeapBytes(it->second);
  });
  table_ = std::move(table);
  packed_.Clear();
}

}  // namespace cacheforge
