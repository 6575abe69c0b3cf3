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
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "store/object.h"

namespace cacheforge {

inline constexpr int64_t kNoExpiry = -1;
inline constexpr uint32_t kNotVolatile = UINT32_MAX;

// 88 bytes, so with malloc's header an entry fills a 96-byte chunk: the low
// 32 bits of the hash are enough to pick a bucket (the high bits pick the
// shard). A key's expiry time lives in its shard's expiry index, next to the
// index slot, so the entry has room for what eviction needs (see access.h).
//
// The value is a string held inline (`value`) or, for any other type, an
// Object the entry owns (`object`) — except a value whose compact encoding is
// a byte string (`inline_value`: a small hash's packed fields), which lives in
// `value` too, so a small collection costs one heap block, as a listpack in a
// Redis object does. `value_type` says which type it is. Code that reads
// `value` as a string first checks is_string(): commands answer WRONGTYPE
// otherwise.
// What OBJECT ENCODING says of a string, as Redis's object encodings go:
// derived from the content (int, embstr or raw), "raw" for good once APPEND or
// SETRANGE edited it in place, never "int" for an INCRBYFLOAT result.
enum class StringForm : uint8_t { kByContent = 0, kRaw = 1, kNotInt = 2 };

struct Entry {
  Entry() : value() {}
  ~Entry() { DestroyValue(); }
  Entry(const Entry&) = delete;
  Entry& operator=(const Entry&) = delete;

  Entry* next = nullptr;
  uint32_t hash = 0;                      // low 32 bits of the key's hash
  uint32_t volatile_slot = kNotVolatile;  // position in the shard's expiry index
  uint32_t lru = 0;                       // last access, in LRU clock ticks
  uint32_t lfu : 24 = 0;                  // LFU: minutes of last decay << 8 | counter
  uint32_t value_type : 4 = 0;            // a ValueType
  uint32_t string_form : 3 = 0;           // a StringForm, for a string value
  uint32_t inline_value : 1 = 0;          // a non-string value encoded in `value`
  std::string key;
  union {
    std::string value;  // a string, or a non-string value's inline encoding
    Object* object;     // any other value; never null
  };

  bool has_expire() const { return volatile_slot != kNotVolatile; }
  ValueType type() const { return static_cast<ValueType>(value_type); }
  bool is_string() const { return type() == ValueType::kString; }
  // True when `value` holds the bytes (a string, or an inline encoding).
  bool holds_bytes() const { return is_string() || inline_value; }
  // Replaces the value with `obj` (not null).
  void SetObject(std::unique_ptr<Object> obj) {
    DestroyValue();
    value_type = static_cast<uint32_t>(obj->type());
    inline_value = 0;
    object = obj.release();
  }
  // Makes the value an empty string.
  void SetString() {
    string_form = 0;
    if (is_string()) return;
    SetBytes(ValueType::kString);
  }
  // Makes the value an empty inline encoding of a `type` value.
  void SetInline(ValueType type) {
    SetBytes(type);
    inline_value = 1;
  }
  // Takes `src`'s value, whatever it is, leaving `src` an empty string.
  void MoveValueFrom(Entry& src) {
    DestroyValue();
    value_type = src.value_type;
    string_form = src.string_form;
    inline_value = src.inline_value;
    if (src.holds_bytes()) {
      new (&value) std::string(std::move(src.value));
      std::string().swap(src.value);  // moved-from is only "valid": make it empty
    } else {
      object = src.object;
      new (&src.value) std::string();
    }
    src.value_type = static_cast<uint32_t>(ValueType::kString);
    src.string_form = 0;
    src.inline_value = 0;
  }
  // Makes this value a deep copy of `src`'s.
  void CopyValueFrom(const Entry& src) {
    if (src.holds_bytes()) {
      SetBytes(src.type());
      value = src.value;
    } else {
      SetObject(src.object->Clone());
    }
    string_form = src.string_form;
    inline_value = src.inline_value;
  }

 private:
  // Makes the value an empty byte string of `type`.
  void SetBytes(ValueType type) {
    if (holds_bytes()) {
      std::string().swap(value);
    } else {
      delete object;
      new (&value) std::string();
    }
    value_type = static_cast<uint32_t>(type);
    inline_value = 0;
  }
  void DestroyValue() {
    if (holds_bytes()) {
      value.~basic_string();
    } else {
      delete object;
    }
  }
};
static_assert(sizeof(Entry) <= 88, "keep an entry in a 96-byte malloc chunk");

// How code reaches a non-string value of type T: as the Object the entry owns
// (a T&), or, for a handle type (one built from an Entry*: a value that may
// live inline in its entry, like a small hash), as a handle over the entry.
template <typename T>
inline constexpr bool kIsValueHandle = std::is_constructible_v<T, Entry*>;
template <typename T>
decltype(auto) ValueOf(Entry* e) {
  if constexpr (kIsValueHandle<T>) {
    return T(e);
  } else {
    return *static_cast<T*>(e->object);
  }
}

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
  // Exchanges the contents of two dicts (SWAPDB).
  void Swap(Dict& other) {
    buckets_.swap(other.buckets_);
    std::swap(size_, other.size_);
    std::swap(table_bytes_, other.table_bytes_);
  }

  // Visits the entries of the bucket(s) `cursor` names and returns the next
  // cursor; 0 means the scan is complete.
  uint64_t Scan(uint64_t cursor, const std::function<void(Entry*)>& visit) const;

  // A random entry (buckets are chosen uniformly, then an entry in the chain),
  // or null when empty. `random` supplies 64 random bits per call.
  Entry* RandomEntry(const std::function<uint64_t()>& random) const;

  // Appends up to `n` distinct entries to `out`: every entry when there are
  // at most `n`, else those of consecutive buckets from a random one (what
  // Redis's dictGetSomeKeys does), which is cheap and, with hashed keys, a
  // fair sample. `random` supplies 64 random bits.
  void Sample(size_t n, uint64_t random, std::vector<Entry*>* out) const;

  // Heap bytes of the bucket array (not the entries).
  size_t TableBytes() const { return table_bytes_; }

 private:
  void Resize(size_t buckets);

  std::vector<Entry*> buckets_;
  size_t size_ = 0;
  size_t table_bytes_ = 0;  // HeapBytes of buckets_, updated when it is reallocated
};

}  // namespace cacheforge

#endif  // CACHEFORGE_STORE_DICT_H_
