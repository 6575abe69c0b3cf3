// server/store/packed.cc
// -----------------------------------------------------------------------------
// The packed block: [u32 count] then [varint len][bytes][varint len, bytes
// reversed] per element.
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

// Below this size a block grows to fit its malloc chunk, above it
// geometrically (a list node filling up to 8 KB by appends).
constexpr size_t kSmallBlockBytes = 512;

}  // namespace

size_t PackedView::EncodedSize(size_t len) { return 2 * VarintSize(len) + len; }

size_t Packed::HeapBytes() const { return StringHeapBytes(data_); }

std::string_view PackedView::At(size_t pos) const {
  size_t header = 0;
  size_t len = ReadForward(data_->data() + pos, &header);
  return std::string_view(data_->data() + pos + header, len);
}

size_t PackedView::Next(size_t pos) const {
  size_t header = 0;
  size_t len = ReadForward(data_->data() + pos, &header);
  return pos + 2 * header + len;
}

size_t PackedView::Prev(size_t pos) const {
  assert(pos > Begin());
  size_t trailer = 0;
  size_t len = ReadBackward(data_->data() + pos, &trailer);
  return pos - 2 * trailer - len;
}

size_t PackedView::Seek(size_t index) const {
  const size_t count = size();
  if (index >= count) return End();
  size_t pos;
  if (index <= count / 2) {
    pos = Begin();
    for (size_t i = 0; i < index; ++i) pos = Next(pos);
  } else {
    pos = End();
    for (size_t i = count; i > index; --i) pos = Prev(pos);
  }
  return pos;
}

size_t PackedView::Find(std::string_view value, size_t from, size_t step) const {
  const size_t end = End();
  for (size_t pos = from; pos < end;) {
    if (At(pos) == value) return pos;
    for (size_t i = 0; i < step && pos < end; ++i) pos = Next(pos);
  }
  return end;
}

void PackedEdit::SetCount(size_t count) {
  const uint32_t n = static_cast<uint32_t>(count);
  std::memcpy(mutable_->data(), &n, sizeof(n));
}

void PackedEdit::Reserve(size_t bytes) {
  std::string& data = *mutable_;
  if (bytes <= data.capacity()) return;
  if (bytes >= kSmallBlockBytes) {
    data.reserve(bytes);  // grows geometrically
    return;
  }
  // The largest capacity that fits the malloc chunk `bytes` needs: a chunk
  // is the request plus an 8-byte header, rounded up to 16 (the string adds
  // its terminating NUL).
  const size_t chunk = (bytes + 1 + sizeof(size_t) + 15) & ~size_t{15};
  std::string grown;
  grown.reserve(chunk - sizeof(size_t) - 1);
  grown.assign(data);
  data.swap(grown);
}

size_t PackedEdit::Insert(size_t pos, std::string_view value) {
  std::string& data = *mutable_;
  const size_t count = size();
  if (data.empty()) {
    Reserve(kHeaderBytes + EncodedSize(value.size()));
    data.assign(kHeaderBytes, '\0');
  }
  const size_t header = VarintSize(value.size());
  const size_t total = 2 * header + value.size();
  Reserve(data.size() + total);
  data.insert(pos, total, '\0');
  char* p = data.data() + pos;
  WriteVarints(value.size(), p, p + total);
  if (!value.empty()) std::memcpy(p + header, value.data(), value.size());
  SetCount(count + 1);
  return pos;
}

size_t PackedEdit::Replace(size_t pos, std::string_view value) {
  std::string& data = *mutable_;
  const size_t old_size = Next(pos) - pos;
  const size_t header = VarintSize(value.size());
  const size_t total = 2 * header + value.size();
  if (total > old_size) Reserve(data.size() + total - old_size);
  data.replace(pos, old_size, total, '\0');
  char* p = data.data() + pos;
  WriteVarints(value.size(), p, p + total);
  if (!value.empty()) std::memcpy(p + header, value.data(), value.size());
  return pos;
}

size_t PackedEdit::Erase(size_t pos, size_t n) {
  std::string& data = *mutable_;
  size_t end = pos;
  size_t removed = 0;
  for (; removed < n && end < End(); ++removed) end = Next(end);
  const size_t left = size() - removed;
  if (left == 0) {
    Clear();
    return End();
  }
  data.erase(pos, end - pos);
  SetCount(left);
  // Give memory back once half the block is unused, as a listpack does by
  // reallocating on every change (an erase moves the tail anyway).
  if (data.capacity() > 64 && data.size() < data.capacity() / 2) data.shrink_to_fit();
  return pos;
}

}  // namespace cacheforge
