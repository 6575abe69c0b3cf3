// server/store/hash_object.h
// -----------------------------------------------------------------------------
// A hash value. Small hashes are one Packed block of field, value, field,
// value... ("listpack"); a hash with more than hash-max-listpack-entries
// fields, or a field or value longer than hash-max-listpack-value bytes, is
// converted to a hash table ("hashtable") for good, as in Redis.
//
// Views returned by Get/ForEach/Nth are valid until the next change.
#ifndef CACHEFORGE_STORE_HASH_OBJECT_H_
#define CACHEFORGE_STORE_HASH_OBJECT_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "store/object.h"
#include "store/packed.h"

namespace cacheforge {

class HashObject final : public Object {
 public:
  static constexpr ValueType kType = ValueType::kHash;
  HashObject() : Object(ValueType::kHash) {}

  size_t Bytes() const override;
  const char* Encoding() const override { return table_ ? "hashtable" : "listpack"; }
  size_t Size() const override { return table_ ? table_->size() : packed_.size() / 2; }
  std::unique_ptr<Object> Clone() const override;

  std::optional<std::string_view> Get(std::string_view field) const;
  // Sets `field`; true if it was not there.
  bool Set(std::string_view field, std::string_view value, const EncodingLimits& limits);
  // True if it was there.
  bool Delete(std::string_view field);
  // The i-th field and value in iteration order (i < Size()); O(i) for a table.
  std::pair<std::string_view, std::string_view> Nth(size_t i) const;

  // Calls visit(field, value) for every field.
  template <typename F>
  void ForEach(F&& visit) const {
    if (table_) {
      for (const auto& [field, value] : *table_)
        visit(std::string_view(field), std::string_view(value));
      return;
    }
    for (size_t pos = packed_.Begin(); pos < packed_.End();) {
      size_t value_pos = packed_.Next(pos);
      visit(packed_.At(pos), packed_.At(value_pos));
      pos = packed_.Next(value_pos);
    }
  }

 private:
  using Table = absl::flat_hash_map<std::string, std::string>;
  void ConvertToTable();

  Packed packed_;                  // while table_ is null
  std::unique_ptr<Table> table_;   // once converted
  size_t table_string_bytes_ = 0;  // heap bytes of the table's strings
};

}  // namespace cacheforge

#endif  // CACHEFORGE_STORE_HASH_OBJECT_H_
