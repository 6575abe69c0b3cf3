// server/store/packed.h
// -----------------------------------------------------------------------------
// Packed: a sequence of byte strings in one heap block, the role Redis's
// listpack plays. Small hashes keep their fields and values here, and a list
// is a chain of these (quicklist.h), so a collection of short strings costs
// its bytes plus two length bytes per element instead of a node, a pointer and
// a string header each.
//
// Each element is stored as  [len][bytes][len reversed]  where `len` is a
// little-endian base-128 varint (1 byte below 128, 2 below 16384): the copy at
// the end lets a cursor step backwards, so both ends are O(1) to reach.
// Positions are byte offsets; Begin() is 0 and End() is bytes(). An offset is
// valid until the next change.
//
// Not thread-safe: the shard lock of the key that owns it guards it.
#ifndef CACHEFORGE_STORE_PACKED_H_
#define CACHEFORGE_STORE_PACKED_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace cacheforge {

class Packed {
 public:
  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  // Bytes of the encoded elements (not the block's capacity).
  size_t bytes() const { return data_.size(); }
  // Heap bytes of the block (0 while it fits in the string's inline buffer).
  size_t HeapBytes() const;

  size_t Begin() const { return 0; }
  size_t End() const { return data_.size(); }
  // The element at `pos` (< End()).
  std::string_view At(size_t pos) const;
  // The position after / before the element at `pos`; Prev(Begin()) is not
  // allowed, Prev(End()) is the last element.
  size_t Next(size_t pos) const;
  size_t Prev(size_t pos) const;
  // The position of the element numbered `index` (0-based from the front),
  // or End() when index >= size(). Walks from the nearer end.
  size_t Seek(size_t index) const;
  // The first element equal to `value` at or after `from` stepping by
  // `step` elements (2 visits every other one: a hash's fields), or End().
  size_t Find(std::string_view value, size_t from = 0, size_t step = 1) const;

  // Inserts before the element at `pos` (End(): appends); returns the
  // position of the new element.
  size_t Insert(size_t pos, std::string_view value);
  void PushBack(std::string_view value) { Insert(End(), value); }
  void PushFront(std::string_view value) { Insert(Begin(), value); }
  // Replaces the element at `pos`; returns its position (unchanged).
  size_t Replace(size_t pos, std::string_view value);
  // Removes `n` elements starting at `pos`; returns the position of the one
  // that followed them.
  size_t Erase(size_t pos, size_t n = 1);
  void Clear();
  // Gives back the block's unused capacity.
  void ShrinkToFit() { data_.shrink_to_fit(); }

  // Bytes one element of `len` bytes takes encoded.
  static size_t EncodedSize(size_t len);

 private:
  std::string data_;
  uint32_t count_ = 0;
};

}  // namespace cacheforge

#endif  // CACHEFORGE_STORE_PACKED_H_
