// server/util/lzf.cc
// -----------------------------------------------------------------------------
// LZF's stream: a control byte below 32 starts a run of (ctrl + 1) literal
// bytes; otherwise its top three bits are a match length (7: one more length
// byte follows) and its low five bits with the next byte the distance back
// (minus one) of the bytes to copy; a match copies length + 2 bytes.
#include "util/lzf.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

namespace cacheforge {
namespace {

constexpr size_t kMaxLiteralRun = 32;
constexpr size_t kMaxMatch = 264;      // 7 + 255 in the length fields, plus 2
constexpr size_t kMaxDistance = 8192;  // 13 bits of (distance - 1)

// The table of recent positions: small for short strings, whose table would
// otherwise cost more to clear than to compress.
int HashBitsFor(size_t n) { return n < 4096 ? 10 : 14; }

uint32_t HashOf(const char* p, int bits) {
  const uint32_t v = static_cast<uint32_t>(static_cast<unsigned char>(p[0])) |
                     static_cast<uint32_t>(static_cast<unsigned char>(p[1])) << 8 |
                     static_cast<uint32_t>(static_cast<unsigned char>(p[2])) << 16;
  return (v * 2654435761u) >> (32 - bits);
}

}  // namespace

bool LzfDecompress(std::string_view in, size_t out_size, std::string* out) {
  out->assign(out_size, '\0');
  size_t ip = 0, op = 0;
  while (ip < in.size()) {
    const unsigned ctrl = static_cast<unsigned char>(in[ip++]);
    if (ctrl < 32) {
      const size_t run = ctrl + 1;
      if (run > in.size() - ip || run > out_size - op) return false;
      out->replace(op, run, in.data() + ip, run);
      ip += run;
      op += run;
      continue;
    }
    size_t len = ctrl >> 5;
    if (len == 7) {
      if (ip >= in.size()) return false;
      len += static_cast<unsigned char>(in[ip++]);
    }
    if (ip >= in.size()) return false;
    const size_t back = ((ctrl & 0x1f) << 8) + static_cast<unsigned char>(in[ip++]) + 1;
    len += 2;
    if (back > op || len > out_size - op) return false;
    // Byte by byte: a match may overlap the bytes it produces (runs).
    for (size_t i = 0; i < len; ++i, ++op) (*out)[op] = (*out)[op - back];
  }
  return op == out_size;
}

// Greedy: at each position the most recent earlier position with the same
// three bytes (a hash table of them) is tried; a match of three or more
// becomes a back-reference, anything else a literal.
bool LzfCompress(std::string_view in, size_t max_size, std::string* out) {
  out->clear();
  const size_t n = in.size();
  const int bits = HashBitsFor(n);
  std::vector<uint32_t> last(size_t{1} << bits, UINT32_MAX);
  size_t literal_start = 0;
  auto flush_literals = [&](size_t end) {
    while (literal_start < end) {
      const size_t run = std::min(kMaxLiteralRun, end - literal_start);
      out->push_back(static_cast<char>(run - 1));
      out->append(in.data() + literal_start, run);
      literal_start += run;
    }
  };
  size_t ip = 0;
  while (ip + 3 <= n) {
    if (out->size() > max_size) return false;
    const uint32_t h = HashOf(in.data() + ip, bits);
    const uint32_t ref = last[h];
    last[h] = static_cast<uint32_t>(ip);
    if (ref == UINT32_MAX || ip - ref > kMaxDistance ||
        std::memcmp(in.data() + ref, in.data() + ip, 3) != 0) {
      ++ip;
      continue;
    }
    const size_t limit = std::min(kMaxMatch, n - ip);
    size_t len = 3;
    while (len < limit && in[ref + len] == in[ip + len]) ++len;
    flush_literals(ip);
    const size_t distance = ip - ref - 1;
    const size_t encoded = len - 2;
    if (encoded < 7) {
      out->push_back(static_cast<char>((encoded << 5) | (distance >> 8)));
    } else {
      out->push_back(static_cast<char>((7 << 5) | (distance >> 8)));
      out->push_back(static_cast<char>(encoded - 7));
    }
    out->push_back(static_cast<char>(distance & 0xff));
    // The positions inside the match are candidates for later matches too.
    for (size_t k = ip + 1; k < ip + len && k + 3 <= n; ++k) {
      last[HashOf(in.data() + k, bits)] = static_cast<uint32_t>(k);
    }
    ip += len;
    literal_start = ip;
  }
  flush_literals(n);
  return out->size() <= max_size;
}

}  // namespace cacheforge
