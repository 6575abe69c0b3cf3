// server/store/packed.cc
// -----------------------------------------------------------------------------
// The packed element encoding: [varint len][bytes][varint len, bytes reversed].
#include "store/packed.h"

#include <cassert>
#include <cstring>

#include "util/heap_bytes.h"

namespace cacheforge {
namespace {

size_t VarintSize(size_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

// Writes the varint of `v` at `out` (VarintSize(v) bytes) and the same bytes
// reversed at `tail`.
void WriteVarints(size_t v, char* out, char* tail_end) {
  size_t n = 0;
  do {
    uint8_t byte = static_cast<uint8_t>(v & 0x7F);
    v >>= 7;
    if (v != 0) byte |= 0x80;
    out[n] = static_cast<char>(byte);
    *(tail_end - 1 - n) = static_cast<char>(byte);
    ++n;
  } while (v != 0);
}

// Reads a varint forward from `p`; sets `*len` to its byte count.
size_t ReadForward(const char* p, size_t* len) {
  size_t v = 0;
  int shift = 0;
  size_t n = 0;
  uint8_t byte;
  do {
    byte = static_cast<uint8_t>(p[n++]);
    v |= static_cast<size_t>(byte & 0x7F) << shift;
    shift += 7;
  } while (byte & 0x80);
  *len = n;
  return v;
}

// Reads the reversed varint that ends just before `end`.
size_t ReadBackward(const char* end, size_t* len) {
  size_t v = 0;
  int shift = 0;
  size_t n = 0;
  uint8_t byte;
  do {
    byte = static_cast<uint8_t>(*(end - 1 - n));
    ++n;
    v |= static_cast<size_t>(byte & 0x7F) << shift;
    shift += 7;
  } while (byte & 0x80);
  *len = n;
  return v;
}

}  // namespace

size_t Packed::EncodedSize(size_t len) { return 2 * VarintSize(len) + len; }

size_t Packed::HeapBytes() const { return StringHeapBytes(data_); }

std::string_view Packed::At(size_t pos) const {
  size_t header = 0;
  size_t len = ReadForward(data_.data() + pos, &header);
  return std::string_view(data_.data() + pos + header, len);
}

size_t Packed::Next(size_t pos) const {
  size_t header = 0;
  size_t len = ReadForward(data_.data() + pos, &header);
  return pos + 2 * header + len;
}

size_t Packed::Prev(size_t pos) const {
  assert(pos > 0);
  size_t trailer = 0;
  size_t len = ReadBackward(data_.data() + pos, &trailer);
  return pos - 2 * trailer - len;
}

size_t Packed::Seek(size_t index) const {
  if (index >= count_) return End();
  size_t pos;
  if (index <= count_ / 2) {
    pos = Begin();
    for (size_t i = 0; i < index; ++i) pos = Next(pos);
  } else {
    pos = End();
    for (size_t i = count_; i > index; --i) pos = Prev(pos);
  }
  return pos;
}

size_t Packed::Find(std::string_view value, size_t from, size_t step) const {
  for (size_t pos = from; pos < End();) {
    if (At(pos) == value) return pos;
    for (size_t i = 0; i < step && pos < End(); ++i) pos = Next(pos);
  }
  return End();
}

size_t Packed::Insert(size_t pos, std::string_view value) {
  const size_t header = VarintSize(value.size());
  const size_t total = 2 * header + value.size();
  data_.insert(pos, total, '\0');
  char* p = data_.data() + pos;
  WriteVarints(value.size(), p, p + total);
  if (!value.empty()) std::memcpy(p + header, value.data(), value.size());
  ++count_;
  return pos;
}

size_t Packed::Replace(size_t pos, std::string_view value) {
  const size_t old_size = Next(pos) - pos;
  const size_t header = VarintSize(value.size());
  const size_t total = 2 * header + value.size();
  data_.replace(pos, old_size, total, '\0');
  char* p = data_.data() + pos;
  WriteVarints(value.size(), p, p + total);
  if (!value.empty()) std::memcpy(p + header, value.data(), value.size());
  return pos;
}

size_t Packed::Erase(size_t pos, size_t n) {
  size_t end = pos;
  size_t removed = 0;
  for (; removed < n && end < End(); ++removed) end = Next(end);
  data_.erase(pos, end - pos);
  count_ -= static_cast<uint32_t>(removed);
  // Give memory back once half the block is unused, as a listpack does by
  // reallocating on every change (an erase moves the tail anyway).
  if (data_.capacity() > 64 && data_.size() < data_.capacity() / 2) data_.shrink_to_fit();
  return pos;
}

void Packed::Clear() {
  std::string().swap(data_);
  count_ = 0;
}

}  // namespace cacheforge
