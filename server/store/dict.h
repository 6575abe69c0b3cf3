// server/store/dict.h
// -----------------------------------------------------------------------------
// The hash table inside one keyspace shard: chained buckets, power-of-two
// sizes, and Redis's reverse-binary cursor, so SCAN returns every key that is
// present for the whole scan at least once even when the table grows or
// shrinks between calls. Not thread-safe: its shard's lock guards it.
//
// Entries are separate heap nodes, so an Entry* stays valid until that entry is
// erased; the expiry index keeps such pointers.
#ifndef CACHEFORGE_STORE_DICT_H_
#define CACHEFORGE_STORE_DICT_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace cacheforge {

inline constexpr int64_t kNoExpiry = -1;
inline constexpr uint32_t kNotVolatile = UINT32_MAX;

// 88 bytes, so with malloc's header an entry fills a 96-byte chunk: the low
// 32 bits of the hash are enough to pick a bucket (the high bits pick the
// shard), and they share a word with the expiry-index slot.
struct Entry {
  Entry* next = nullptr;
  uint32_t hash = 0;                      // low 32 bits of the key's hash
  uint32_t volatile_slot = kNotVolatile;  // position in the shard's expiry index
  int64_t expire_at_ms = kNoExpiry;       // absolute Unix time in ms, or kNoExpiry
  std::string key;
  std::string value;
};
static_assert(sizeof(Entry) <= 88, "keep an entry in a 96-byte malloc chunk");

class Dict {
 public:
  Dict() = default;
  ~Dict();
  Dict(const Dict&) = delete;
  Dict& operator=(const Dict&) = delete;

  size_t size() const { return size_; }
  size_t bucket_count() const { return buckets_.size(); }

  Entry* Find(std::string_view key, uint64_t hash) const;
  // Adds a new entry for `key`, which must not be present.
  Entry* Insert(std::string key, uint64_t hash);
  // Unlinks and returns the entry (the caller deletes it), or null.
  Entry* Unlink(std::string_view key, uint64_t hash);
  // Deletes every entry.
  void Clear();

  // Visits the entries of the bucket(s) `cursor` names and returns the next
  // cursor; 0 means the scan is complete.
  uint64_t Scan(uint64_t cursor, const std::function<void(Entry*)>& visit) const;

  // A random entry (buckets are chosen uniformly, then an entry in the chain),
  // or null when empty. `random` supplies 64 random bits per call.
  Entry* RandomEntry(const std::function<uint64_t()>& random) const;

  // Approximate bytes held by the table itself (not the entries).
  size_t TableBytes() const { return buckets_.capacity() * sizeof(Entry*); }

 private:
  void Resize(size_t buckets);

  std::vector<Entry*> buckets_;
  size_t size_ = 0;
};

}  // namespace cacheforge

#endif  // CACHEFORGE_STORE_DICT_H_
