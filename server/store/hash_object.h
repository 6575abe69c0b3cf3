// server/store/hash_object.h
// -----------------------------------------------------------------------------
// A hash value. A small hash is a packed block of field, value, field,
// value... ("listpack") kept in its key's own entry (Entry::inline_value), so
// it costs one heap block beside the entry, as a listpack inside a Redis
// object does. A hash with more than hash-max-listpack-entries fields, or a
// field or value longer than hash-max-listpack-value bytes, is converted to a
// HashTableObject the entry owns ("hashtable"), for good, as in Redis.
//
// Commands reach either form through HashValue, a handle over the entry.
// Views returned by Get/ForEach/Nth are valid until the next change.
#ifndef CACHEFORGE_STORE_HASH_OBJECT_H_
#define CACHEFORGE_STORE_HASH_OBJECT_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "store/dict.h"
#include "store/object.h"
#include "store/packed.h"

namespace cacheforge {

// The hashtable encoding.
class HashTableObject final : public Object {
 public:
  using Table = absl::flat_hash_map<std::string, std::string>;
  HashTableObject() : Object(ValueType::kHash) {}

  size_t Bytes() const override;
  const char* Encoding() const override { return "hashtable"; }
  size_t Size() const override { return table_.size(); }
  std::unique_ptr<Object> Clone() const override;

  const Table& table() const { return table_; }
  std::optional<std::string_view> Get(std::string_view field) const;
  // Sets `field`; true if it was not there.
  bool Set(std::string_view field, std::string_view value);
  // True if it was there.
  bool Delete(std::string_view field);
  void Reserve(size_t n) { table_.reserve(n); }

 private:
  Table table_;
  size_t string_bytes_ = 0;  // heap bytes of the table's strings
};

// A handle over a hash key's entry, in either encoding. Copyable and cheap;
// valid while the entry is. `operator->` lets Found<HashValue>::value be used
// as the pointer it is for other types.
class HashValue {
 public:
  static constexpr ValueType kType = ValueType::kHash;
  HashValue() = default;
  explicit HashValue(Entry* entry) : entry_(entry) {}
  // A handle for reading a hash through a const entry (the AOF rewrite).
  static const HashValue Reading(const Entry& entry) {
    return HashValue(const_cast<Entry*>(&entry));
  }

  HashValue* operator->() { return this; }
  const HashValue* operator->() const { return this; }

  const char* Encoding() const { return packed() ? "listpack" : table().Encoding(); }
  size_t Size() const { return packed() ? view().size() / 2 : table().Size(); }

  std::optional<std::string_view> Get(std::string_view field) const;
  // Sets `field`; true if it was not there. Converts to a table when the
  // limits say so (which replaces the entry's value: keep the handle, not
  // views).
  bool Set(std::string_view field, std::string_view value, const EncodingLimits& limits);
  // True if it was there.
  bool Delete(std::string_view field);
  // The i-th field and value in iteration order (i < Size()); O(i).
  std::pair<std::string_view, std::string_view> Nth(size_t i) const;

  // Calls visit(field, value) for every field.
  template <typename F>
  void ForEach(F&& visit) const {
    if (!packed()) {
      for (const auto& [field, value] : table().table()) {
        visit(std::string_view(field), std::string_view(value));
      }
      return;
    }
    const PackedView fields = view();
    for (size_t pos = fields.Begin(); pos < fields.End();) {
      const size_t value_pos = fields.Next(pos);
      visit(fields.At(pos), fields.At(value_pos));
      pos = fields.Next(value_pos);
    }
  }

 private:
  bool packed() const { return entry_->inline_value; }
  PackedView view() const { return PackedView(entry_->value); }
  PackedEdit edit() { return PackedEdit(entry_->value); }
  HashTableObject& table() const { return *static_cast<HashTableObject*>(entry_->object); }
  void ConvertToTable();

  Entry* entry_ = nullptr;
};

}  // namespace cacheforge

#endif  // CACHEFORGE_STORE_HASH_OBJECT_H_
