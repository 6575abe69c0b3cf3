// server/store/packed.h
// -----------------------------------------------------------------------------
// A packed block: a sequence of byte strings in one std::string, the role
// Redis's listpack plays. Small hashes keep their fields and values in one
// (inside the key's own entry, see hash_object.h), and a list is a chain of
// them (quicklist.h), so a collection of short strings costs its bytes plus
// two length bytes per element instead of a node, a pointer and a string
// header each.
//
// Layout: an empty block is an empty string. Otherwise a 4-byte little-endian
// element count, then each element as  [len][bytes][len reversed]  where `len`
// is a little-endian base-128 varint (1 byte below 128, 2 below 16384): the
// copy at the end lets a cursor step backwards, so both ends are O(1) to
// reach. Positions are byte offsets from Begin() to End(); a position is
// valid until the next change.
//
// PackedView reads a block, PackedEdit changes one held in any std::string
// (an entry's value bytes), and Packed is a block that owns its string.
// Not thread-safe: the shard lock of the key that owns the block guards it.
#ifndef CACHEFORGE_STORE_PACKED_H_
#define CACHEFORGE_STORE_PACKED_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace cacheforge {

class PackedView {
 public:
  static constexpr size_t kHeaderBytes = 4;

  explicit PackedView(const std::string& data) : data_(&data) {}

  size_t size() const {
    if (data_->empty()) return 0;
    uint32_t count;
    std::memcpy(&count, data_->data(), sizeof(count));
    return count;
  }
  bool empty() const { return data_->empty(); }
  // Bytes of the encoded elements (not the header, not the capacity).
  size_t bytes() const { return End() - Begin(); }

  size_t Begin() const { return kHeaderBytes; }
  size_t End() const { return data_->empty() ? kHeaderBytes : data_->size(); }
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
  size_t Find(std::string_view value, size_t from, size_t step = 1) const;

  // Bytes one element of `len` bytes takes encoded.
  static size_t EncodedSize(size_t len);

 protected:
  const std::string* data_;
};

class PackedEdit : public PackedView {
 public:
  explicit PackedEdit(std::string& data) : PackedView(data), mutable_(&data) {}

  // Inserts before the element at `pos` (End(): appends); returns the
  // position of the new element.
  size_t Insert(size_t pos, std::string_view value);
  void PushBack(std::string_view value) { Insert(End(), value); }
  void PushFront(std::string_view value) { Insert(Begin(), value); }
  // Replaces the element at `pos`; returns its position (unchanged).
  size_t Replace(size_t pos, std::string_view value);
  // Removes `n` elements starting at `pos`; returns the position of the one
  // that followed them. A block left empty gives its memory back.
  size_t Erase(size_t pos, size_t n = 1);
  void Clear() { std::string().swap(*mutable_); }

 private:
  void SetCount(size_t count);
  // Makes room for `bytes` in all. A small block grows only to the end of
  // its malloc chunk, as a listpack is reallocated to its size on every
  // change: a million two-field hashes cost their bytes, not double.
  void Reserve(size_t bytes);

  std::string* mutable_;
};

// A block that owns its bytes (a list node, a small sorted set).
class Packed {
 public:
  size_t size() const { return view().size(); }
  bool empty() const { return data_.empty(); }
  size_t bytes() const { return view().bytes(); }
  // Heap bytes of the block (0 while it fits in the string's inline buffer).
  size_t HeapBytes() const;

  size_t Begin() const { return PackedView::kHeaderBytes; }
  size_t End() const { return view().End(); }
  std::string_view At(size_t pos) const { return view().At(pos); }
  size_t Next(size_t pos) const { return view().Next(pos); }
  size_t Prev(size_t pos) const { return view().Prev(pos); }
  size_t Seek(size_t index) const { return view().Seek(index); }
  size_t Find(std::string_view value, size_t from, size_t step = 1) const {
    return view().Find(value, from, step);
  }

  size_t Insert(size_t pos, std::string_view value) { return edit().Insert(pos, value); }
  void PushBack(std::string_view value) { edit().PushBack(value); }
  void PushFront(std::string_view value) { edit().PushFront(value); }
  size_t Replace(size_t pos, std::string_view value) { return edit().Replace(pos, value); }
  size_t Erase(size_t pos, size_t n = 1) { return edit().Erase(pos, n); }
  void Clear() { edit().Clear(); }
  // Gives back the block's unused capacity.
  void ShrinkToFit() { data_.shrink_to_fit(); }

  static size_t EncodedSize(size_t len) { return PackedView::EncodedSize(len); }

 private:
  PackedView view() const { return PackedView(data_); }
  PackedEdit edit() { return PackedEdit(data_); }

  std::string data_;
};

}  // namespace cacheforge

#endif  // CACHEFORGE_STORE_PACKED_H_
