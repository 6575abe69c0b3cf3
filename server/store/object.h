// server/store/object.h
// -----------------------------------------------------------------------------
// The value types a key can hold besides a string, and what every such value
// tells the rest of the server: its type (TYPE, WRONGTYPE), Redis's name of
// its encoding (OBJECT ENCODING), its element count and the heap bytes it
// holds (maxmemory accounting). The concrete types are in collections.h.
//
// A string value lives inline in the key's Entry (dict.h); any other value is
// an Object the Entry owns.
#ifndef CACHEFORGE_STORE_OBJECT_H_
#define CACHEFORGE_STORE_OBJECT_H_

#include <cstddef>
#include <cstdint>
#include <memory>

namespace cacheforge {

enum class ValueType : uint8_t { kString = 0, kList = 1, kHash = 2, kSet = 3, kZset = 4 };

// TYPE's answer: "string", "list", "hash", "set", "zset".
const char* TypeName(ValueType type);

// The thresholds at which a small collection leaves its compact encoding,
// with Redis's setting names and defaults. A value is converted when a write
// crosses one; it is never converted back, as in Redis.
struct EncodingLimits {
  int64_t hash_max_listpack_entries = 512;
  int64_t hash_max_listpack_value = 64;
  int64_t set_max_intset_entries = 512;
  int64_t zset_max_listpack_entries = 128;
  int64_t zset_max_listpack_value = 64;
  int64_t list_max_listpack_size = -2;  // -2: nodes of up to 8 KB
};

class Object {
 public:
  virtual ~Object() = default;
  Object(const Object&) = delete;
  Object& operator=(const Object&) = delete;

  ValueType type() const { return type_; }
  // Heap bytes held, this object's own block included. O(1).
  virtual size_t Bytes() const = 0;
  // OBJECT ENCODING's name for the current representation.
  virtual const char* Encoding() const = 0;
  // Number of elements (list items, hash fields, set or sorted-set members).
  virtual size_t Size() const = 0;
  // A deep copy (COPY).
  virtual std::unique_ptr<Object> Clone() const = 0;

 protected:
  explicit Object(ValueType type) : type_(type) {}

 private:
  const ValueType type_;
};

}  // namespace cacheforge

#endif  // CACHEFORGE_STORE_OBJECT_H_
