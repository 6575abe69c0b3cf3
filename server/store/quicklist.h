// server/store/quicklist.h
// -----------------------------------------------------------------------------
// QuickList: a list value, as Redis 7.0 stores one (its "quicklist" encoding):
// a sequence of Packed nodes of up to `node_bytes` encoded bytes each
// (list-max-listpack-size; -2, Redis's default, is 8 KB). Pushes and pops at
// either end touch one node; an index walks whole nodes by their counts, then
// one node.
//
// Elements are addressed by 0-based index (callers turn Redis's negative
// indexes into these). Heap bytes are kept as a running count, so Bytes() is
// O(1) for the shard's memory accounting after every change.
//
// Not thread-safe: the shard lock of the key that owns it guards it.
#ifndef CACHEFORGE_STORE_QUICKLIST_H_
#define CACHEFORGE_STORE_QUICKLIST_H_

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>

#include "store/packed.h"

namespace cacheforge {

class QuickList {
 public:
  // list-max-listpack-size: > 0 is a number of elements per node, -1..-5 are
  // 4, 8, 16, 32, 64 KB per node.
  explicit QuickList(int fill = -2);
  // A copy's blocks are sized to their contents, so its byte count is
  // recomputed rather than copied.
  QuickList(const QuickList& other);
  QuickList& operator=(const QuickList&) = delete;
  QuickList(QuickList&&) = default;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Heap bytes held by the nodes and the node array.
  size_t Bytes() const;

  void PushFront(std::string_view value);
  void PushBack(std::string_view value);
  // Removes the first / last element; the list must not be empty.
  std::string PopFront();
  std::string PopBack();

  // The element at `index` (< size()).
  std::string_view Get(size_t index) const;
  void Set(size_t index, std::string_view value);
  // Inserts before the element at `index`; index == size() appends.
  void Insert(size_t index, std::string_view value);
  // Removes `n` elements from `index` on.
  void Erase(size_t index, size_t n);

  // Calls `visit(index, element)` from `first` to `last` inclusive (indexes
  // < size()), front to back, or back to front with `reverse` (first >= last
  // then). Stops early when `visit` returns false.
  template <typename F>
  void Walk(size_t first, size_t last, bool reverse, F&& visit) const;

 private:
  struct Location {
    size_t node;
    size_t pos;  // byte offset in the node
  };
  Location Locate(size_t index) const;
  bool NodeFull(const Packed& node, size_t adding) const;
  // A full node at an end that a push leaves behind gives back the room its
  // block grew by, so a long list costs about its encoded bytes.
  void SealEnd(Packed& node);
  // Splits the node at `n` into two halves when it exceeds its limit.
  void SplitIfNeeded(size_t n);
  void AccountBefore(const Packed& node) { node_bytes_ -= node.HeapBytes(); }
  void AccountAfter(const Packed& node) { node_bytes_ += node.HeapBytes(); }

  std::deque<Packed> nodes_;
  size_t size_ = 0;
  size_t node_bytes_ = 0;  // sum of the nodes' HeapBytes()
  int fill_;
};

template <typename F>
void QuickList::Walk(size_t first, size_t last, bool reverse, F&& visit) const {
  if (size_ == 0) return;
  Location at = Locate(first);
  size_t index = first;
  const size_t steps = reverse ? first - last : last - first;
  for (size_t i = 0; i <= steps; ++i) {
    const Packed& node = nodes_[at.node];
    if (!visit(index, node.At(at.pos))) return;
    if (i == steps) return;
    if (reverse) {
      --index;
      if (at.pos == node.Begin()) {
        --at.node;
        at.pos = nodes_[at.node].Prev(nodes_[at.node].End());
      } else {
        at.pos = node.Prev(at.pos);
      }
    } else {
      ++index;
      at.pos = node.Next(at.pos);
      if (at.pos == node.End()) {
        ++at.node;
        at.pos = nodes_[at.node].Begin();
      }
    }
  }
}

}  // namespace cacheforge

#endif  // CACHEFORGE_STORE_QUICKLIST_H_
