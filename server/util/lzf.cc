// server/util/lzf.cc
// -----------------------------------------------------------------------------
// LZF's stream: a control byte below 32 starts a run of (ctrl + 1) literal
// bytes; otherwise its top three bits are a match length (7: one more length
// byte follows) and its low five bits with the next byte the distance back
// (minus one) of the bytes to copy; a match copies length + 2 bytes.
#include "util/lzf.h"

namespace cacheforge {

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

}  // namespace cacheforge
