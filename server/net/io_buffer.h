// server/net/io_buffer.h
// -----------------------------------------------------------------------------
// A byte buffer for socket I/O: bytes are appended at the tail and consumed
// from the head; space at the head is reclaimed only when the tail needs room
// (Reserve), so views into the readable bytes stay valid until then.
#ifndef CACHEFORGE_NET_IO_BUFFER_H_
#define CACHEFORGE_NET_IO_BUFFER_H_

#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>

namespace cacheforge {

class IoBuffer {
 public:
  std::string_view readable() const { return {data_.get() + start_, end_ - start_}; }
  size_t size() const { return end_ - start_; }
  bool empty() const { return end_ == start_; }
  size_t capacity() const { return capacity_; }

  void Consume(size_t n) {
    start_ += n;
    if (start_ == end_) start_ = end_ = 0;
  }

  // Makes at least `n` bytes writable at the tail; may move the readable bytes.
  char* Reserve(size_t n) {
    if (capacity_ - end_ >= n) return data_.get() + end_;
    size_t used = end_ - start_;
    if (start_ > 0 && capacity_ - used >= n) {
      std::memmove(data_.get(), data_.get() + start_, used);
    } else {
      size_t fresh = capacity_ == 0 ? 16 * 1024 : capacity_;
      while (fresh - used < n) fresh *= 2;
      std::unique_ptr<char[]> bigger(new char[fresh]);
      if (used > 0) std::memcpy(bigger.get(), data_.get() + start_, used);
      data_ = std::move(bigger);
      capacity_ = fresh;
    }
    start_ = 0;
    end_ = used;
    return data_.get() + end_;
  }
  void Commit(size_t n) { end_ += n; }

  // Drops the storage of an idle buffer that grew large (after a big request).
  void ShrinkIfIdle(size_t keep) {
    if (empty() && capacity_ > keep) {
      data_.reset();
      capacity_ = start_ = end_ = 0;
    }
  }

 private:
  std::unique_ptr<char[]> data_;
  size_t capacity_ = 0;
  size_t start_ = 0;
  size_t end_ = 0;
};

}  // namespace cacheforge

#endif  // CACHEFORGE_NET_IO_BUFFER_H_
