// server/store/set_object.cc
// -----------------------------------------------------------------------------
// A set value in its two encodings.
#include "store/set_object.h"

#include <algorithm>
#include <iterator>

#include "util/absl_key.h"
#include "util/heap_bytes.h"
#include "util/numbers.h"

namespace cacheforge {
size_t SetObject::Bytes() const {
  size_t bytes = HeapBytes(this);
  if (table_) {
    const size_t slots =
        table_->capacity() == 0 ? 0 : table_->capacity() * (sizeof(std::string) + 1) + 16;
    return bytes + HeapBytes(table_.get()) + slots + sizeof(size_t) + table_string_bytes_;
  }
  return bytes + HeapBytes(ints_.data());
}

std::unique_ptr<Object> SetObject::Clone() const {
  auto copy = std::make_unique<SetObject>();
  copy->ints_ = ints_;
  if (table_) {
    copy->table_ = std::make_unique<Table>(*table_);
    for (const std::string& member : *copy->table_) {
      copy->table_string_bytes_ += StringHeapBytes(member);
    }
  }
  return copy;
}

bool SetObject::Contains(std::string_view member) const {
  if (table_) return table_->contains(AbslKey(member));
  int64_t v = 0;
  return ParseInt64(member, &v) && std::binary_search(ints_.begin(), ints_.end(), v);
}

bool SetObject::Add(std::string_view member, const EncodingLimits& limits) {
  if (!table_) {
    int64_t v = 0;
    if (ParseInt64(member, &v)) {
      auto it = std::lower_bound(ints_.begin(), ints_.end(), v);
      if (it != ints_.end() && *it == v) return false;
      if (static_cast<int64_t>(ints_.size()) < limits.set_max_intset_entries) {
        ints_.insert(it, v);
        return true;
      }
    }
    ConvertToTable();
  }
  auto [it, inserted] = table_->emplace(std::string(member));
  if (inserted) table_string_bytes_ += StringHeapBytes(*it);
  return inserted;
}

bool SetObject::Remove(std::string_view member) {
  if (table_) {
    auto it = table_->find(AbslKey(member));
    if (it == table_->end()) return false;
    table_string_bytes_ -= StringHeapBytes(*it);
    table_->erase(it);
    return true;
  }
  int64_t v = 0;
  if (!ParseInt64(member, &v)) return false;
  auto it = std::lower_bound(ints_.begin(), ints_.end(), v);
  if (it == ints_.end() || *it != v) return false;
  ints_.erase(it);
  return true;
}

std::string SetObject::Nth(size_t i) const {
  if (table_) return *std::next(table_->begin(), static_cast<std::ptrdiff_t>(i));
  return std::to_string(ints_[i]);
}

void SetObject::ConvertToTable() {
  auto table = std::make_unique<Table>();
  table->reserve(ints_.size() + 1);
  for (int64_t v : ints_) {
    auto it = table->emplace(std::to_string(v)).first;
    table_string_bytes_ += StringHeapBytes(*it);
  }
  table_ = std::move(table);
  std::vector<int64_t>().swap(ints_);
}

}  // namespace cacheforge
