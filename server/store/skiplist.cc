// server/store/skiplist.cc
// -----------------------------------------------------------------------------
// The skiplist with spans, after Pugh's paper and the rank extension Redis
// uses: an element's level is geometric with p = 1/4.
#include "store/skiplist.h"

#include <cassert>
#include <new>

#include "util/heap_bytes.h"

namespace cacheforge {

SkipList::SkipList() : rng_(0x5eed) {
  header_ = NewNode(kMaxLevel, 0, {});
  for (int i = 0; i < kMaxLevel; ++i) header_->links()[i] = Link{nullptr, 0};
  header_->backward = nullptr;
}

SkipList::~SkipList() {
  Node* x = header_->links()[0].forward;
  while (x != nullptr) {
    Node* next = x->links()[0].forward;
    FreeNode(x);
    x = next;
  }
  FreeNode(header_);
}

SkipList::Node* SkipList::NewNode(int level, double score, std::string_view member) {
  void* block = ::operator new(sizeof(Node) + static_cast<size_t>(level) * sizeof(Link));
  Node* node = new (block) Node{score, std::string(member), nullptr, level};
  bytes_ += HeapBytes(block) + StringHeapBytes(node->member);
  return node;
}

void SkipList::FreeNode(Node* node) {
  bytes_ -= HeapBytes(node) + StringHeapBytes(node->member);
  node->~Node();
  ::operator delete(node);
}

int SkipList::RandomLevel() {
  int level = 1;
  while (level < kMaxLevel && (rng_() & 3) == 0) ++level;
  return level;
}

SkipList::Node* SkipList::Insert(double score, std::string_view member) {
  Node* update[kMaxLevel];
  size_t rank[kMaxLevel];
  Node* x = header_;
  for (int i = level_ - 1; i >= 0; --i) {
    rank[i] = i == level_ - 1 ? 0 : rank[i + 1];
    while (x->links()[i].forward != nullptr && !Less(score, member, *x->links()[i].forward)) {
      rank[i] += x->links()[i].span;
      x = x->links()[i].forward;
    }
    update[i] = x;
  }
  const int level = RandomLevel();
  if (level > level_) {
    for (int i = level_; i < level; ++i) {
      rank[i] = 0;
      update[i] = header_;
      update[i]->links()[i].span = length_;
    }
    level_ = level;
  }
  x = NewNode(level, score, member);
  for (int i = 0; i < level; ++i) {
    x->links()[i].forward = update[i]->links()[i].forward;
    update[i]->links()[i].forward = x;
    // The new node splits update[i]'s span.
    x->links()[i].span = update[i]->links()[i].span - (rank[0] - rank[i]);
    update[i]->links()[i].span = (rank[0] - rank[i]) + 1;
  }
  for (int i = level; i < level_; ++i) ++update[i]->links()[i].span;
  x->backward = update[0] == header_ ? nullptr : update[0];
  if (x->links()[0].forward != nullptr) {
    x->links()[0].forward->backward = x;
  } else {
    tail_ = x;
  }
  ++length_;
  return x;
}

bool SkipList::Erase(double score, std::string_view member) {
  Node* update[kMaxLevel];
  Node* x = header_;
  for (int i = level_ - 1; i >= 0; --i) {
    while (x->links()[i].forward != nullptr && Before(*x->links()[i].forward, score, member)) {
      x = x->links()[i].forward;
    }
    update[i] = x;
  }
  x = x->links()[0].forward;
  if (x == nullptr || x->score != score || x->member != member) return false;
  for (int i = 0; i < level_; ++i) {
    if (update[i]->links()[i].forward == x) {
      update[i]->links()[i].span += x->links()[i].span - 1;
      update[i]->links()[i].forward = x->links()[i].forward;
    } else {
      --update[i]->links()[i].span;
    }
  }
  if (x->links()[0].forward != nullptr) {
    x->links()[0].forward->backward = x->backward;
  } else {
    tail_ = x->backward;
  }
  while (level_ > 1 && header_->links()[level_ - 1].forward == nullptr) --level_;
  --length_;
  FreeNode(x);
  return true;
}

size_t SkipList::Rank(double score, std::string_view member) const {
  // Elements strictly before (score, member), i.e. its 0-based rank.
  return PartitionPoint([&](const Node& n) { return Before(n, score, member); });
}

SkipList::Node* SkipList::At(size_t rank) const {
  if (rank >= length_) return nullptr;
  const size_t target = rank + 1;  // spans count 1-based positions
  Node* x = header_;
  size_t traversed = 0;
  for (int i = level_ - 1; i >= 0; --i) {
    while (x->links()[i].forward != nullptr && traversed + x->links()[i].span <= target) {
      traversed += x->links()[i].span;
      x = x->links()[i].forward;
    }
    if (traversed == target) return x;
  }
  return nullptr;
}

}  // namespace cacheforge
