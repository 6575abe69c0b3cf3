// server/store/set_object.h
// -----------------------------------------------------------------------------
// A set value. A set of integers (Redis's string2ll rule: "-0" or "007" is
// not one) with at most set-max-intset-entries members is a sorted array of
// int64 ("intset"); adding any other member, or one too many, converts it to a
// hash table ("hashtable") for good, as in Redis 7.0.
//
// Views returned by ForEach/Nth are valid until the next change.
#ifndef CACHEFORGE_STORE_SET_OBJECT_H_
#define CACHEFORGE_STORE_SET_OBJECT_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "store/object.h"

namespace cacheforge {

class SetObject final : public Object {
 public:
  static constexpr ValueType kType = ValueType::kSet;
  SetObject() : Object(ValueType::kSet) {}

  size_t Bytes() const override;
  const char* Encoding() const override { return table_ ? "hashtable" : "intset"; }
  size_t Size() const override { return table_ ? table_->size() : ints_.size(); }
  std::unique_ptr<Object> Clone() const override;

  bool Contains(std::string_view member) const;
  // True if it was added (not already there).
  bool Add(std::string_view member, const EncodingLimits& limits);
  // True if it was there.
  bool Remove(std::string_view member);
  // The i-th member in iteration order (i < Size()); O(i) for a table.
  std::string Nth(size_t i) const;

  // Calls visit(member) for every member (a view into the set, or for an
  // intset a formatted number).
  template <typename F>
  void ForEach(F&& visit) const {
    if (table_) {
      for (const std::string& member : *table_) visit(std::string_view(member));
      return;
    }
    for (int64_t v : ints_) {
      std::string text = std::to_string(v);
      visit(std::string_view(text));
    }
  }

 private:
  using Table = absl::flat_hash_set<std::string>;
  void ConvertToTable();

  std::vector<int64_t> ints_;      // sorted, while table_ is null
  std::unique_ptr<Table> table_;   // once converted
  size_t table_string_bytes_ = 0;  // heap bytes of the table's strings
};

}  // namespace cacheforge

#endif  // CACHEFORGE_STORE_SET_OBJECT_H_
