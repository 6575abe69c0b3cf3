// server/store/list_object.h
// -----------------------------------------------------------------------------
// A list value: a QuickList (Redis 7.0's only list encoding, "quicklist").
#ifndef CACHEFORGE_STORE_LIST_OBJECT_H_
#define CACHEFORGE_STORE_LIST_OBJECT_H_

#include <memory>

#include "store/object.h"
#include "store/quicklist.h"
#include "util/heap_bytes.h"

namespace cacheforge {

class ListObject final : public Object {
 public:
  static constexpr ValueType kType = ValueType::kList;
  explicit ListObject(int fill) : Object(ValueType::kList), list_(fill) {}
  explicit ListObject(const QuickList& list) : Object(ValueType::kList), list_(list) {}

  size_t Bytes() const override { return HeapBytes(this) + list_.Bytes(); }
  const char* Encoding() const override { return "quicklist"; }
  size_t Size() const override { return list_.size(); }
  std::unique_ptr<Object> Clone() const override { return std::make_unique<ListObject>(list_); }

  QuickList& list() { return list_; }
  const QuickList& list() const { return list_; }

 private:
  QuickList list_;
};

}  // namespace cacheforge

#endif  // CACHEFORGE_STORE_LIST_OBJECT_H_
