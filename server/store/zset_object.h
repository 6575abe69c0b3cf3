// server/store/zset_object.h
// -----------------------------------------------------------------------------
// A sorted-set value: members ordered by (score, member bytes). A small one is
// a Packed block of member, score, member, score... kept in order
// ("listpack"); more than zset-max-listpack-entries members, or a member
// longer than zset-max-listpack-value bytes, converts it for good to a
// SkipList plus a member -> score table ("skiplist"), as in Redis.
//
// Every range command reduces to ranks: Rank(member), the elements between
// two ranks (Walk), and PartitionPoint(pred), the rank at which a monotone
// predicate on (member, score) turns false — the first score above a bound,
// the first member past a lexical bound.
//
// Views passed to visitors are valid until the next change; a member passed
// in must not view this set's own storage.
#ifndef CACHEFORGE_STORE_ZSET_OBJECT_H_
#define CACHEFORGE_STORE_ZSET_OBJECT_H_

#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "store/object.h"
#include "store/packed.h"
#include "store/skiplist.h"

namespace cacheforge {

class ZsetObject final : public Object {
 public:
  static constexpr ValueType kType = ValueType::kZset;
  ZsetObject();
  ~ZsetObject() override;

  size_t Bytes() const override;
  const char* Encoding() const override { return list_ ? "skiplist" : "listpack"; }
  size_t Size() const override { return list_ ? list_->size() : packed_.size() / 2; }
  std::unique_ptr<Object> Clone() const override;

  std::optional<double> Score(std::string_view member) const;
  // Adds `member` or moves it to `score`; true if it was added.
  bool Set(std::string_view member, double score, const EncodingLimits& limits);
  // True if it was there.
  bool Remove(std::string_view member);
  // For a set about to be filled with `count` members, the longest
  // `max_member` bytes: starts as a skiplist if that will not fit a listpack
  // (Redis decides a stored result's encoding from the whole result).
  void PrepareFor(size_t count, size_t max_member, const EncodingLimits& limits);
  // 0-based rank of `member`, if present.
  std::optional<size_t> Rank(std::string_view member) const;

  // Calls visit(member, score) for ranks first..last inclusive (both <
  // Size()), ascending, or descending with `reverse` (first >= last then);
  // stops when visit returns false.
  template <typename F>
  void Walk(size_t first, size_t last, bool reverse, F&& visit) const;
  // The number of leading elements for which before(member, score) holds
  // (it must hold for a prefix and fail for the rest).
  template <typename F>
  size_t PartitionPoint(F&& before) const;

 private:
  static double DecodeScore(std::string_view bytes) {
    double score;
    std::memcpy(&score, bytes.data(), sizeof(score));
    return score;
  }
  static std::string_view EncodeScore(const double& score) {
    return std::string_view(reinterpret_cast<const char*>(&score), sizeof(score));
  }
  // The position of `member` in packed_, or End().
  size_t PackedFind(std::string_view member) const;
  void ConvertToSkipList();

 public:
  // Converts a listpack to a skiplist for good (what Redis's SORT does to a
  // sorted set it reads); a no-op for a skiplist.
  void MakeSkipList() {
    if (!list_) ConvertToSkipList();
  }

 private:
  size_t TableBytes() const;

  // The member index of a skiplist: the nodes themselves, hashed and
  // compared by member, so a member costs one pointer slot here (a table of
  // member view -> score took three, 40% of a large set's memory).
  struct ByMember {
    using is_transparent = void;
    size_t operator()(std::string_view member) const {
      return absl::Hash<absl::string_view>{}(absl::string_view(member.data(), member.size()));
    }
    size_t operator()(const SkipList::Node* node) const { return (*this)(node->member); }
    static std::string_view Of(std::string_view member) { return member; }
    static std::string_view Of(const SkipList::Node* node) { return node->member; }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return Of(a) == Of(b);
    }
  };
  using MemberIndex = absl::flat_hash_set<SkipList::Node*, ByMember, ByMember>;

  Packed packed_;                        // while list_ is null
  std::unique_ptr<SkipList> list_;       // once converted
  std::unique_ptr<MemberIndex> scores_;  // once converted
};

template <typename F>
void ZsetObject::Walk(size_t first, size_t last, bool reverse, F&& visit) const {
  const size_t steps = reverse ? first - last : last - first;
  if (list_) {
    const SkipList::Node* node = list_->At(first);
    for (size_t i = 0; i <= steps && node != nullptr; ++i) {
      if (!visit(std::string_view(node->member), node->score)) return;
      node = reverse ? node->prev() : node->next();
    }
    return;
  }
  size_t pos = packed_.Seek(2 * first);
  for (size_t i = 0; i <= steps; ++i) {
    const size_t score_pos = packed_.Next(pos);
    if (!visit(packed_.At(pos), DecodeScore(packed_.At(score_pos)))) return;
    if (i == steps) return;
    pos = reverse ? packed_.Prev(packed_.Prev(pos)) : packed_.Next(score_pos);
  }
}

template <typename F>
size_t ZsetObject::PartitionPoint(F&& before) const {
  if (list_) {
    return list_->PartitionPoint(
        [&](const SkipList::Node& n) { return before(std::string_view(n.member), n.score); });
  }
  size_t rank = 0;
  for (size_t pos = packed_.Begin(); pos < packed_.End(); ++rank) {
    const size_t score_pos = packed_.Next(pos);
    if (!before(packed_.At(pos), DecodeScore(packed_.At(score_pos)))) break;
    pos = packed_.Next(score_pos);
  }
  return rank;
}

}  // namespace cacheforge

#endif  // CACHEFORGE_STORE_ZSET_OBJECT_H_
