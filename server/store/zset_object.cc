// server/store/zset_object.cc
// -----------------------------------------------------------------------------
// A sorted set in its two encodings.
#include "store/zset_object.h"

#include "util/heap_bytes.h"

namespace cacheforge {
namespace {

// (score, member) orders before (other_score, other_member).
bool Before(double score, std::string_view member, double other_score,
            std::string_view other_member) {
  return score < other_score || (score == other_score && member < other_member);
}

}  // namespace

ZsetObject::ZsetObject() : Object(ValueType::kZset) {}
ZsetObject::~ZsetObject() = default;

size_t ZsetObject::TableBytes() const {
  if (!scores_ || scores_->capacity() == 0) return 0;
  return HeapBytes(scores_.get()) + scores_->capacity() * (sizeof(SkipList::Node*) + 1) + 16 +
         sizeof(size_t);
}

size_t ZsetObject::Bytes() const {
  size_t bytes = HeapBytes(this);
  if (list_) return bytes + HeapBytes(list_.get()) + list_->Bytes() + TableBytes();
  return bytes + packed_.HeapBytes();
}

std::unique_ptr<Object> ZsetObject::Clone() const {
  auto copy = std::make_unique<ZsetObject>();
  // The copy keeps this one's encoding, whatever the settings are now.
  EncodingLimits keep_encoding;
  keep_encoding.zset_max_listpack_entries = INT64_MAX;
  keep_encoding.zset_max_listpack_value = INT64_MAX;
  if (list_) copy->ConvertToSkipList();
  if (Size() > 0) {
    Walk(0, Size() - 1, false, [&](std::string_view member, double score) {
      copy->Set(member, score, keep_encoding);
      return true;
    });
  }
  return copy;
}

size_t ZsetObject::PackedFind(std::string_view member) const {
  return packed_.Find(member, packed_.Begin(), 2);
}

std::optional<double> ZsetObject::Score(std::string_view member) const {
  if (list_) {
    auto it = scores_->find(member);
    if (it == scores_->end()) return std::nullopt;
    return (*it)->score;
  }
  size_t pos = PackedFind(member);
  if (pos == packed_.End()) return std::nullopt;
  return DecodeScore(packed_.At(packed_.Next(pos)));
}

std::optional<size_t> ZsetObject::Rank(std::string_view member) const {
  if (list_) {
    auto it = scores_->find(member);
    if (it == scores_->end()) return std::nullopt;
    return list_->Rank((*it)->score, member);
  }
  size_t rank = 0;
  for (size_t pos = packed_.Begin(); pos < packed_.End(); ++rank) {
    if (packed_.At(pos) == member) return rank;
    pos = packed_.Next(packed_.Next(pos));
  }
  return std::nullopt;
}

bool ZsetObject::Set(std::string_view member, double score, const EncodingLimits& limits) {
  if (!list_) {
    const bool fits = static_cast<int64_t>(member.size()) <= limits.zset_max_listpack_value;
    size_t at = PackedFind(member);
    const bool present = at != packed_.End();
    if (fits && (present || static_cast<int64_t>(Size()) < limits.zset_max_listpack_entries)) {
      if (present) packed_.Erase(at, 2);
      // Insert before the first element that orders after (score, member).
      size_t pos = packed_.Begin();
      while (pos < packed_.End()) {
        const size_t score_pos = packed_.Next(pos);
        if (Before(score == 0 ? 0.0 : score, member, DecodeScore(packed_.At(score_pos)),
                   packed_.At(pos))) {
          break;
        }
        pos = packed_.Next(score_pos);
      }
      // A listpack keeps a score as text, in which -0 reads back as 0.
      const double stored = score == 0 ? 0.0 : score;
      size_t score_pos = packed_.Next(packed_.Insert(pos, member));
      packed_.Insert(score_pos, EncodeScore(stored));
      return !present;
    }
    ConvertToSkipList();
  }
  auto it = scores_->find(member);
  const bool present = it != scores_->end();
  if (present) {
    if ((*it)->score == score) return false;
    const double old = (*it)->score;
    scores_->erase(it);  // before the node it points to is freed
    list_->Erase(old, member);
  }
  scores_->insert(list_->Insert(score, member));
  return !present;
}

bool ZsetObject::Remove(std::string_view member) {
  if (list_) {
    auto it = scores_->find(member);
    if (it == scores_->end()) return false;
    const double score = (*it)->score;
    scores_->erase(it);  // before the node it points to is freed
    list_->Erase(score, member);
    return true;
  }
  size_t pos = PackedFind(member);
  if (pos == packed_.End()) return false;
  packed_.Erase(pos, 2);
  return true;
}

void ZsetObject::PrepareFor(size_t count, size_t max_member, const EncodingLimits& limits) {
  if (list_) return;
  if (static_cast<int64_t>(count) > limits.zset_max_listpack_entries ||
      static_cast<int64_t>(max_member) > limits.zset_max_listpack_value) {
    ConvertToSkipList();
  }
}

void ZsetObject::ConvertToSkipList() {
  auto list = std::make_unique<SkipList>();
  auto scores = std::make_unique<MemberIndex>();
  scores->reserve(Size() + 1);
  for (size_t pos = packed_.Begin(); pos < packed_.End();) {
    const size_t score_pos = packed_.Next(pos);
    const double score = DecodeScore(packed_.At(score_pos));
    scores->insert(list->Insert(score, packed_.At(pos)));
    pos = packed_.Next(score_pos);
  }
  list_ = std::move(list);
  scores_ = std::move(scores);
  packed_.Clear();
}

}  // namespace cacheforge
