// server/util/lzf.h
// -----------------------------------------------------------------------------
// LZF blocks, the format Redis compresses long strings with in RDB files and
// DUMP payloads (rdbcompression yes, its default).
#ifndef CACHEFORGE_UTIL_LZF_H_
#define CACHEFORGE_UTIL_LZF_H_

#include <string>
#include <string_view>

namespace cacheforge {

// Decompresses `in` into exactly `out_size` bytes at `*out`. False, with
// `*out` unspecified, when `in` is not a valid LZF block of that size: every
// back-reference and literal run is checked against both buffers, so hostile
// input cannot read or write out of bounds.
bool LzfDecompress(std::string_view in, size_t out_size, std::string* out);

// Compresses `in` into `*out` (replaced). False, with `*out` unspecified, when
// the block would be longer than `max_size` bytes: Redis stores a string
// compressed only when that saves at least four bytes.
bool LzfCompress(std::string_view in, size_t max_size, std::string* out);

}  // namespace cacheforge

#endif  // CACHEFORGE_UTIL_LZF_H_
