// server/store/dict.cc
// -----------------------------------------------------------------------------
// Chained hash table with Redis's SCAN cursor; see dict.h.
#include "store/dict.h"

#include "util/heap_bytes.h"

namespace cacheforge {
namespace {

constexpr size_t kMinBuckets = 4;

uint64_t ReverseBits(uint64_t v) {
  v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
  v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
  v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((v & 0x0F0F0F0F0F0F0F0FULL) << 4);
  v = ((v >> 8) & 0x00FF00FF00FF00FFULL) | ((v & 0x00FF00FF00FF00FFULL) << 8);
  v = ((v >> 16) & 0x0000FFFF0000FFFFULL) | ((v & 0x0000FFFF0000FFFFULL) << 16);
  return (v >> 32) | (v << 32);
}

}  // namespace

Dict::~Dict() { Clear(); }

Entry* Dict::Find(std::string_view key, uint64_t hash) const {
  if (buckets_.empty()) return nullptr;
  for (Entry* e = buckets_[hash & (buckets_.size() - 1)]; e != nullptr; e = e->next) {
    if (e->hash == static_cast<uint32_t>(hash) && e->key == key) return e;
  }
  return nullptr;
}

Entry* Dict::Insert(std::string key, uint64_t hash) {
  if (size_ + 1 > buckets_.size()) Resize(buckets_.empty() ? kMinBuckets : buckets_.size() * 2);
  Entry* e = new Entry;
  e->hash = static_cast<uint32_t>(hash);
  e->key = std::move(key);
  Entry*& head = buckets_[hash & (buckets_.size() - 1)];
  e->next = head;
  head = e;
  ++size_;
  return e;
}

Entry* Dict::Unlink(std::string_view key, uint64_t hash) {
  if (buckets_.empty()) return nullptr;
  Entry** link = &buckets_[hash & (buckets_.size() - 1)];
  while (*link != nullptr) {
    Entry* e = *link;
    if (e->hash == static_cast<uint32_t>(hash) && e->key == key) {
      *link = e->next;
      e->next = nullptr;
      --size_;
      // Shrink lazily so memory follows the data after mass deletes.
      if (buckets_.size() > kMinBuckets && size_ * 8 < buckets_.size()) {
        Resize(buckets_.size() / 2);
      }
      return e;
    }
    link = &e->next;
  }
  return nullptr;
}

void Dict::Clear() {
  for (Entry*& head : buckets_) {
    while (head != nullptr) {
      Entry* next = head->next;
      delete head;
      head = next;
    }
  }
  buckets_.clear();
  buckets_.shrink_to_fit();
  size_ = 0;
  table_bytes_ = 0;
}

void Dict::Resize(size_t buckets) {
  std::vector<Entry*> fresh(buckets, nullptr);
  const size_t mask = buckets - 1;
  for (Entry* head : buckets_) {
    while (head != nullptr) {
      Entry* next = head->next;
      Entry*& slot = fresh[head->hash & mask];
      head->next = slot;
      slot = head;
      head = next;
    }
  }
  buckets_.swap(fresh);
  table_bytes_ = HeapBytes(buckets_.data());
}

uint64_t Dict::Scan(uint64_t cursor, const std::function<void(Entry*)>& visit) const {
  if (buckets_.empty()) return 0;
  const uint64_t mask = buckets_.size() - 1;
  for (Entry* e = buckets_[cursor & mask]; e != nullptr; e = e->next) visit(e);
  // Increment the reversed cursor: the high bits advance first, so the cursor
  // stays meaningful when the table doubles or halves between calls.
  cursor |= ~mask;
  cursor = ReverseBits(cursor);
  ++cursor;
  return ReverseBits(cursor);
}

void Dict::Sample(size_t n, uint64_t random, std::vector<Entry*>* out) const {
  if (size_ == 0 || n == 0) return;
  const size_t mask = buckets_.size() - 1;
  size_t taken = 0;
  // Visits each bucket at most once, so a sample never repeats an entry.
  for (size_t step = 0; step <= mask && taken < n; ++step) {
    for (Entry* e = buckets_[(random + step) & mask]; e != nullptr && taken < n; e = e->next) {
      out->push_back(e);
      ++taken;
    }
  }
}

Entry* Dict::RandomEntry(const std::function<uint64_t()>& random) const {
  if (size_ == 0) return nullptr;
  const uint64_t mask = buckets_.size() - 1;
  Entry* head = nullptr;
  while (head == nullptr) head = buckets_[random() & mask];
  size_t length = 0;
  for (Entry* e = head; e != nullptr; e = e->next) ++length;
  size_t pick = random() % length;
  while (pick-- > 0) head = head->next;
  return head;
}

}  // namespace cacheforge
