// server/store/quicklist.cc
// -----------------------------------------------------------------------------
// The list value: Packed nodes in a deque, split when full, dropped when empty.
#include "store/quicklist.h"

#include <cassert>

namespace cacheforge {
namespace {

// Redis's size classes for a negative list-max-listpack-size.
size_t NodeLimitBytes(int fill) {
  static constexpr size_t kLimits[] = {4096, 8192, 16384, 32768, 65536};
  int i = -fill - 1;
  if (i < 0) i = 1;
  if (i > 4) i = 4;
  return kLimits[i];
}

// A deque of Packed keeps its nodes in 512-byte blocks plus a small map.
constexpr size_t kDequeBlockBytes = 512 + 16;
constexpr size_t kNodesPerBlock = 512 / sizeof(Packed);

}  // namespace

QuickList::QuickList(int fill) : fill_(fill == 0 ? -2 : fill) {}

QuickList::QuickList(const QuickList& other)
    : nodes_(other.nodes_), size_(other.size_), fill_(other.fill_) {
  for (const Packed& node : nodes_) node_bytes_ += node.HeapBytes();
}

size_t QuickList::Bytes() const {
  const size_t blocks = (nodes_.size() + kNodesPerBlock - 1) / kNodesPerBlock;
  return node_bytes_ + (blocks + 1) * kDequeBlockBytes;
}

bool QuickList::NodeFull(const Packed& node, size_t adding) const {
  if (fill_ > 0) return node.size() >= static_cast<size_t>(fill_);
  // A single element larger than the limit still gets a node of its own.
  return !node.empty() && node.bytes() + Packed::EncodedSize(adding) > NodeLimitBytes(fill_);
}

void QuickList::SealEnd(Packed& node) {
  AccountBefore(node);
  node.ShrinkToFit();
  AccountAfter(node);
}

void QuickList::PushFront(std::string_view value) {
  if (nodes_.empty() || NodeFull(nodes_.front(), value.size())) {
    if (!nodes_.empty()) SealEnd(nodes_.front());
    nodes_.emplace_front();
  }
  Packed& node = nodes_.front();
  AccountBefore(node);
  node.PushFront(value);
  AccountAfter(node);
  ++size_;
}

void QuickList::PushBack(std::string_view value) {
  if (nodes_.empty() || NodeFull(nodes_.back(), value.size())) {
    if (!nodes_.empty()) SealEnd(nodes_.back());
    nodes_.emplace_back();
  }
  Packed& node = nodes_.back();
  AccountBefore(node);
  node.PushBack(value);
  AccountAfter(node);
  ++size_;
}

std::string QuickList::PopFront() {
  assert(size_ > 0);
  Packed& node = nodes_.front();
  std::string value(node.At(node.Begin()));
  AccountBefore(node);
  node.Erase(node.Begin());
  if (node.empty()) {
    nodes_.pop_front();
  } else {
    AccountAfter(node);
  }
  --size_;
  return value;
}

std::string QuickList::PopBack() {
  assert(size_ > 0);
  Packed& node = nodes_.back();
  const size_t last = node.Prev(node.End());
  std::string value(node.At(last));
  AccountBefore(node);
  node.Erase(last);
  if (node.empty()) {
    nodes_.pop_back();
  } else {
    AccountAfter(node);
  }
  --size_;
  return value;
}

QuickList::Location QuickList::Locate(size_t index) const {
  assert(index < size_);
  if (index < size_ / 2) {
    for (size_t n = 0; n < nodes_.size(); ++n) {
      if (index < nodes_[n].size()) return {n, nodes_[n].Seek(index)};
      index -= nodes_[n].size();
    }
  } else {
    size_t from_back = size_ - 1 - index;
    for (size_t n = nodes_.size(); n-- > 0;) {
      if (from_back < nodes_[n].size()) {
        return {n, nodes_[n].Seek(nodes_[n].size() - 1 - from_back)};
      }
      from_back -= nodes_[n].size();
    }
  }
  assert(false);
  return {0, 0};
}

std::string_view QuickList::Get(size_t index) const {
  Location at = Locate(index);
  return nodes_[at.node].At(at.pos);
}

void QuickList::Set(size_t index, std::string_view value) {
  Location at = Locate(index);
  Packed& node = nodes_[at.node];
  AccountBefore(node);
  node.Replace(at.pos, value);
  AccountAfter(node);
  SplitIfNeeded(at.node);
}

void QuickList::Insert(size_t index, std::string_view value) {
  if (index == size_) {
    PushBack(value);
    return;
  }
  Location at = Locate(index);
  Packed& node = nodes_[at.node];
  AccountBefore(node);
  node.Insert(at.pos, value);
  AccountAfter(node);
  ++size_;
  SplitIfNeeded(at.node);
}

void QuickList::SplitIfNeeded(size_t n) {
  Packed& node = nodes_[n];
  const bool over = fill_ > 0 ? node.size() > static_cast<size_t>(fill_)
                              : node.size() > 1 && node.bytes() > NodeLimitBytes(fill_);
  if (!over) return;
  // Move the back half into a new node after this one.
  Packed back;
  const size_t keep = node.size() / 2;
  size_t pos = node.Seek(keep);
  for (size_t p = pos; p < node.End(); p = node.Next(p)) back.PushBack(node.At(p));
  AccountBefore(node);
  node.Erase(pos, node.size() - keep);
  AccountAfter(node);
  AccountAfter(back);
  nodes_.insert(nodes_.begin() + static_cast<std::ptrdiff_t>(n) + 1, std::move(back));
}

void QuickList::Erase(size_t index, size_t n) {
  while (n > 0 && index < size_) {
    Location at = Locate(index);
    Packed& node = nodes_[at.node];
    size_t in_node = 0;
    for (size_t p = at.pos; p < node.End() && in_node < n; p = node.Next(p)) ++in_node;
    AccountBefore(node);
    node.Erase(at.pos, in_node);
    if (node.empty()) {
      nodes_.erase(nodes_.begin() + static_cast<std::ptrdiff_t>(at.node));
    } else {
      AccountAfter(node);
    }
    size_ -= in_node;
    n -= in_node;
  }
}

}  // namespace cacheforge
