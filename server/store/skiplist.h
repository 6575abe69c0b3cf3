// server/store/skiplist.h
// -----------------------------------------------------------------------------
// SkipList: the ordered half of a large sorted set (Redis's "skiplist"
// encoding): (score, member) pairs in ascending score order, members ordered
// bytewise among equal scores. Each link records how many elements it skips,
// so an element's rank and the element at a rank are found in O(log n), as
// ZRANK and ZRANGE need. A member is unique; the caller (zset_object.h) keeps
// the member -> score index that says whether one is present.
//
// Not thread-safe: the shard lock of the key that owns it guards it.
#ifndef CACHEFORGE_STORE_SKIPLIST_H_
#define CACHEFORGE_STORE_SKIPLIST_H_

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>

namespace cacheforge {

class SkipList {
 public:
  static constexpr int kMaxLevel = 32;

  struct Node;
  struct Link {
    Node* forward;
    size_t span;  // elements between this node and `forward`, `forward` included
  };
  struct Node {
    double score;
    std::string member;
    Node* backward;
    int level;
    // `level` links, allocated right after the node.
    Link* links() { return reinterpret_cast<Link*>(this + 1); }
    const Link* links() const { return reinterpret_cast<const Link*>(this + 1); }

    Node* next() const { return links()[0].forward; }
    Node* prev() const { return backward; }
  };

  SkipList();
  ~SkipList();
  SkipList(const SkipList&) = delete;
  SkipList& operator=(const SkipList&) = delete;

  size_t size() const { return length_; }
  // Heap bytes of the nodes and their members.
  size_t Bytes() const { return bytes_; }

  // Adds a member that is not present.
  Node* Insert(double score, std::string_view member);
  // Removes the member with this score; false if it is not there.
  bool Erase(double score, std::string_view member);
  // 0-based rank of the element (which must be present).
  size_t Rank(double score, std::string_view member) const;
  // The element at 0-based `rank` (< size()), or null.
  Node* At(size_t rank) const;
  Node* First() const { return header_->links()[0].forward; }
  Node* Last() const { return tail_; }

  // The number of leading elements for which `before(node)` holds; `before`
  // must hold for a prefix of the list and fail for the rest. The element at
  // that rank (if any) is the first that fails.
  template <typename F>
  size_t PartitionPoint(F&& before) const {
    const Node* x = header_;
    size_t rank = 0;
    for (int i = level_ - 1; i >= 0; --i) {
      while (x->links()[i].forward != nullptr && before(*x->links()[i].forward)) {
        rank += x->links()[i].span;
        x = x->links()[i].forward;
      }
    }
    return rank;
  }

 private:
  // (score, member) orders before `node`.
  static bool Less(double score, std::string_view member, const Node& node) {
    return score < node.score || (score == node.score && member < node.member);
  }
  // `node` orders before (score, member).
  static bool Before(const Node& node, double score, std::string_view member) {
    return node.score < score || (node.score == score && std::string_view(node.member) < member);
  }
  Node* NewNode(int level, double score, std::string_view member);
  void FreeNode(Node* node);
  int RandomLevel();

  Node* header_;
  Node* tail_ = nullptr;
  size_t length_ = 0;
  int level_ = 1;
  size_t bytes_ = 0;
  std::minstd_rand rng_;
};

}  // namespace cacheforge

#endif  // CACHEFORGE_STORE_SKIPLIST_H_
