// server/persist/rdb_payload_decode.cc
// -----------------------------------------------------------------------------
// RESTORE's side: RDB values in every encoding Redis 6 and 7 write (Redis's
// rdb.c, listpack.c, ziplist.c and intset.c define the formats read here).
// Depends on nothing of the store, so the fuzzer builds it alone.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <unordered_set>

#include "persist/rdb_format.h"
#include "persist/rdb_payload.h"
#include "util/crc64.h"
#include "util/lzf.h"
#include "util/numbers.h"

namespace cacheforge {
namespace {

uint64_t LittleEndian(std::string_view bytes) {
  uint64_t v = 0;
  for (size_t i = bytes.size(); i-- > 0;) v = (v << 8) | static_cast<unsigned char>(bytes[i]);
  return v;
}

// `bytes` as a signed little-endian integer of its width.
int64_t SignedLittleEndian(std::string_view bytes) {
  const uint64_t v = LittleEndian(bytes);
  const int bits = static_cast<int>(bytes.size()) * 8;
  if (bits == 64) return static_cast<int64_t>(v);
  const uint64_t sign = uint64_t{1} << (bits - 1);
  return static_cast<int64_t>((v ^ sign) - sign);
}

class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}

  size_t left() const { return data_.size() - pos_; }

  bool Take(size_t n, std::string_view* out) {
    if (n > left()) return false;
    *out = data_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  bool Byte(uint8_t* out) {
    std::string_view b;
    if (!Take(1, &b)) return false;
    *out = static_cast<uint8_t>(b[0]);
    return true;
  }

  // A length, or with `*encoded` a special string encoding's number.
  bool Length(uint64_t* len, bool* encoded = nullptr) {
    uint8_t first = 0;
    if (!Byte(&first)) return false;
    if (encoded != nullptr) *encoded = false;
    std::string_view more;
    switch (first >> 6) {
      case 0:
        *len = first & 0x3f;
        return true;
      case 1:
        if (!Take(1, &more)) return false;
        *len = (uint64_t{first & 0x3fu} << 8) | static_cast<unsigned char>(more[0]);
        return true;
      case 3:
        if (encoded == nullptr) return false;
        *encoded = true;
        *len = first & 0x3f;
        return true;
      default:
        break;
    }
    const size_t width = first == rdb::k32BitLen ? 4 : first == rdb::k64BitLen ? 8 : 0;
    if (width == 0 || !Take(width, &more)) return false;
    uint64_t v = 0;
    for (char c : more) v = (v << 8) | static_cast<unsigned char>(c);
    *len = v;
    return true;
  }

  bool String(std::string* out) {
    uint64_t len = 0;
    bool encoded = false;
    if (!Length(&len, &encoded)) return false;
    std::string_view bytes;
    if (!encoded) {
      if (!Take(len, &bytes)) return false;
      out->assign(bytes);
      return true;
    }
    switch (len) {
      case rdb::kEncInt8:
      case rdb::kEncInt16:
      case rdb::kEncInt32: {
        if (!Take(size_t{1} << len, &bytes)) return false;
        *out = std::to_string(SignedLittleEndian(bytes));
        return true;
      }
      case rdb::kEncLzf: {
        uint64_t compressed = 0, size = 0;
        if (!Length(&compressed) || !Length(&size) || !Take(compressed, &bytes)) return false;
        // LZF expands at most about 256-fold (a match of 264 bytes costs 3):
        // a larger claim is a lie, refused before allocating for it.
        if (size > compressed * 300 + 64) return false;
        return LzfDecompress(bytes, size, out);
      }
      default:
        return false;
    }
  }

  // A ZSET (type 3) score: a length byte, with 253..255 for nan/inf/-inf.
  bool StringScore(double* out) {
    uint8_t len = 0;
    if (!Byte(&len)) return false;
    if (len == 253) return false;  // NaN is no score
    if (len == 254 || len == 255) {
      *out = len == 254 ? std::numeric_limits<double>::infinity()
                        : -std::numeric_limits<double>::infinity();
      return true;
    }
    std::string_view text;
    return Take(len, &text) && ParseDouble(text, out) && !std::isnan(*out);
  }

  bool BinaryScore(double* out) {
    std::string_view bytes;
    if (!Take(8, &bytes)) return false;
    const uint64_t bits = LittleEndian(bytes);
    std::memcpy(out, &bits, sizeof(bits));
    return !std::isnan(*out);
  }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

// Element counts come from the payload: each element takes at least a byte,
// so more than the bytes left is a corrupt count (and never a reservation).
bool PlausibleCount(uint64_t count, const Reader& r) { return count <= r.left(); }

// A listpack's elements (integers as decimal text), appended to `out`.
bool ParseListpack(std::string_view lp, std::vector<std::string>* out) {
  if (lp.size() < 7 || LittleEndian(lp.substr(0, 4)) != lp.size()) return false;
  size_t p = 6;
  for (;;) {
    if (p >= lp.size()) return false;
    const uint8_t b = static_cast<uint8_t>(lp[p]);
    if (b == 0xff) return p + 1 == lp.size();
    size_t header = 1, data = 0;
    bool is_int = true;
    int64_t value = 0;
    std::string_view rest = lp.substr(p + 1);
    if ((b & 0x80) == 0) {
      value = b & 0x7f;
    } else if ((b & 0xc0) == 0x80) {
      is_int = false;
      data = b & 0x3f;
    } else if ((b & 0xe0) == 0xc0) {
      if (rest.empty()) return false;
      header = 2;
      const int64_t raw = (int64_t{b & 0x1f} << 8) | static_cast<unsigned char>(rest[0]);
      value = raw >= (1 << 12) ? raw - (1 << 13) : raw;
    } else if ((b & 0xf0) == 0xe0) {
      if (rest.empty()) return false;
      is_int = false;
      header = 2;
      data = (size_t{b & 0x0fu} << 8) | static_cast<unsigned char>(rest[0]);
    } else if (b == 0xf0) {
      if (rest.size() < 4) return false;
      is_int = false;
      header = 5;
      data = LittleEndian(rest.substr(0, 4));
    } else if (b >= 0xf1 && b <= 0xf4) {
      static constexpr size_t kWidth[] = {2, 3, 4, 8};
      const size_t width = kWidth[b - 0xf1];
      if (rest.size() < width) return false;
      header = 1 + width;
      value = SignedLittleEndian(rest.substr(0, width));
    } else {
      return false;
    }
    const size_t entry = header + data;
    if (entry < header || entry > lp.size() - p) return false;
    const size_t backlen = entry <= 127        ? 1
                           : entry < 16383     ? 2
                           : entry < 2097151   ? 3
                           : entry < 268435455 ? 4
                                               : 5;
    if (backlen > lp.size() - p - entry) return false;
    if (is_int) {
      out->push_back(std::to_string(value));
    } else {
      out->emplace_back(lp.substr(p + header, data));
    }
    p += entry + backlen;
  }
}

// A ziplist's elements (the format of Redis 6 and older), appended to `out`.
bool ParseZiplist(std::string_view zl, std::vector<std::string>* out) {
  if (zl.size() < 11 || LittleEndian(zl.substr(0, 4)) != zl.size()) return false;
  size_t p = 10;
  for (;;) {
    if (p >= zl.size()) return false;
    if (static_cast<uint8_t>(zl[p]) == 0xff) return p + 1 == zl.size();
    // The previous entry's length: 1 byte, or 0xfe and 4 bytes.
    p += static_cast<uint8_t>(zl[p]) < 0xfe ? 1 : 5;
    if (p >= zl.size()) return false;
    const uint8_t e = static_cast<uint8_t>(zl[p]);
    std::string_view rest = zl.substr(p + 1);
    size_t header = 1, data = 0;
    bool is_int = true;
    int64_t value = 0;
    switch (e >> 6) {
      case 0:
        is_int = false;
        data = e & 0x3f;
        break;
      case 1:
        if (rest.empty()) return false;
        is_int = false;
        header = 2;
        data = (size_t{e & 0x3fu} << 8) | static_cast<unsigned char>(rest[0]);
        break;
      case 2:
        if (e != 0x80 || rest.size() < 4) return false;
        is_int = false;
        header = 5;
        for (int i = 0; i < 4; ++i) data = (data << 8) | static_cast<unsigned char>(rest[i]);
        break;
      default: {
        size_t width = 0;
        if (e == 0xc0) {
          width = 2;
        } else if (e == 0xd0) {
          width = 4;
        } else if (e == 0xe0) {
          width = 8;
        } else if (e == 0xf0) {
          width = 3;
        } else if (e == 0xfe) {
          width = 1;
        } else if (e >= 0xf1 && e <= 0xfd) {
          value = (e & 0x0f) - 1;
        } else {
          return false;
        }
        if (rest.size() < width) return false;
        if (width > 0) value = SignedLittleEndian(rest.substr(0, width));
        header = 1 + width;
      }
    }
    if (data > zl.size() - p || header + data > zl.size() - p) return false;
    if (is_int) {
      out->push_back(std::to_string(value));
    } else {
      out->emplace_back(zl.substr(p + header, data));
    }
    p += header + data;
  }
}

bool ParseIntset(std::string_view blob, std::vector<std::string>* out) {
  if (blob.size() < 8) return false;
  const uint64_t width = LittleEndian(blob.substr(0, 4));
  const uint64_t count = LittleEndian(blob.substr(4, 4));
  if ((width != 2 && width != 4 && width != 8) || blob.size() != 8 + count * width) return false;
  for (uint64_t i = 0; i < count; ++i) {
    out->push_back(std::to_string(SignedLittleEndian(blob.substr(8 + i * width, width))));
  }
  return true;
}

// A blob (listpack or ziplist) of `parse`'s format, read from `r`.
template <typename Parse>
bool ReadPacked(Reader& r, Parse parse, std::vector<std::string>* out) {
  std::string blob;
  return r.String(&blob) && parse(blob, out);
}

bool ReadStrings(Reader& r, uint64_t count, std::vector<std::string>* out) {
  if (!PlausibleCount(count, r)) return false;
  out->reserve(std::min<uint64_t>(count, 1024));
  for (uint64_t i = 0; i < count; ++i) {
    std::string s;
    if (!r.String(&s)) return false;
    out->push_back(std::move(s));
  }
  return true;
}

bool ReadList(uint8_t type, Reader& r, std::vector<std::string>* out) {
  uint64_t count = 0;
  switch (type) {
    case rdb::kTypeList:
      return r.Length(&count) && ReadStrings(r, count, out);
    case rdb::kTypeListZiplist:
      return ReadPacked(r, ParseZiplist, out);
    case rdb::kTypeListQuicklist:
    case rdb::kTypeListQuicklist2:
      if (!r.Length(&count) || !PlausibleCount(count, r)) return false;
      for (uint64_t node = 0; node < count; ++node) {
        uint64_t container = rdb::kContainerPacked;
        if (type == rdb::kTypeListQuicklist2 && !r.Length(&container)) return false;
        if (container == rdb::kContainerPlain) {
          std::string element;
          if (!r.String(&element)) return false;
          out->push_back(std::move(element));
        } else if (container != rdb::kContainerPacked ||
                   !ReadPacked(r, type == rdb::kTypeListQuicklist2 ? ParseListpack : ParseZiplist,
                               out)) {
          return false;
        }
      }
      return true;
    default:
      return false;
  }
}

// Field/value or member/score pairs from a packed blob: an even count.
bool ReadPairs(uint8_t type, Reader& r, std::vector<std::string>* out) {
  const bool listpack = type == rdb::kTypeHashListpack || type == rdb::kTypeZsetListpack;
  if (!ReadPacked(r, listpack ? ParseListpack : ParseZiplist, out)) return false;
  return out->size() % 2 == 0;
}

template <typename Range, typename Key>
bool Distinct(const Range& range, Key key) {
  std::unordered_set<std::string_view> seen;
  for (const auto& item : range) {
    if (!seen.insert(key(item)).second) return false;
  }
  return true;
}

bool ReadValue(uint8_t type, Reader& r, RdbValue* out) {
  out->elements.clear();
  out->scored.clear();
  uint64_t count = 0;
  switch (type) {
    case rdb::kTypeString:
      out->type = ValueType::kString;
      return r.String(&out->string_value);
    case rdb::kTypeList:
    case rdb::kTypeListZiplist:
    case rdb::kTypeListQuicklist:
    case rdb::kTypeListQuicklist2:
      out->type = ValueType::kList;
      return ReadList(type, r, &out->elements) && !out->elements.empty();
    case rdb::kTypeSet:
    case rdb::kTypeSetIntset:
      out->type = ValueType::kSet;
      if (type == rdb::kTypeSet ? !(r.Length(&count) && ReadStrings(r, count, &out->elements))
                                : !ReadPacked(r, ParseIntset, &out->elements)) {
        return false;
      }
      return !out->elements.empty() &&
             Distinct(out->elements, [](const std::string& s) { return std::string_view(s); });
    case rdb::kTypeHash:
    case rdb::kTypeHashZiplist:
    case rdb::kTypeHashListpack: {
      out->type = ValueType::kHash;
      if (type == rdb::kTypeHash) {
        if (!r.Length(&count) || count > r.left() / 2 ||
            !ReadStrings(r, count * 2, &out->elements)) {
          return false;
        }
      } else if (!ReadPairs(type, r, &out->elements)) {
        return false;
      }
      std::vector<std::string_view> fields;
      for (size_t i = 0; i < out->elements.size(); i += 2) fields.push_back(out->elements[i]);
      return !fields.empty() && Distinct(fields, [](std::string_view f) { return f; });
    }
    case rdb::kTypeZset:
    case rdb::kTypeZset2:
    case rdb::kTypeZsetZiplist:
    case rdb::kTypeZsetListpack: {
      out->type = ValueType::kZset;
      if (type == rdb::kTypeZset || type == rdb::kTypeZset2) {
        if (!r.Length(&count) || !PlausibleCount(count, r)) return false;
        for (uint64_t i = 0; i < count; ++i) {
          std::string member;
          double score = 0;
          if (!r.String(&member) ||
              !(type == rdb::kTypeZset2 ? r.BinaryScore(&score) : r.StringScore(&score))) {
            return false;
          }
          out->scored.emplace_back(std::move(member), score);
        }
      } else {
        std::vector<std::string> flat;
        if (!ReadPairs(type, r, &flat)) return false;
        for (size_t i = 0; i < flat.size(); i += 2) {
          double score = 0;
          if (!ParseDouble(flat[i + 1], &score) || std::isnan(score)) return false;
          out->scored.emplace_back(std::move(flat[i]), score);
        }
      }
      return !out->scored.empty() &&
             Distinct(out->scored, [](const auto& m) { return std::string_view(m.first); });
    }
    default:
      return false;  // streams, modules, zipmaps, and what a newer Redis writes
  }
}

}  // namespace

PayloadError DecodeDumpPayload(std::string_view payload, RdbValue* out) {
  if (payload.size() < 10) return PayloadError::kVersionOrChecksum;
  const std::string_view footer = payload.substr(payload.size() - 10);
  const uint64_t version = LittleEndian(footer.substr(0, 2));
  const uint64_t crc = LittleEndian(footer.substr(2, 8));
  if (version > kRdbVersion || Crc64(0, payload.substr(0, payload.size() - 8)) != crc) {
    return PayloadError::kVersionOrChecksum;
  }
  Reader r(payload.substr(0, payload.size() - 10));
  uint8_t type = 0;
  if (!r.Byte(&type) || !ReadValue(type, r, out)) return PayloadError::kBadFormat;
  return PayloadError::kNone;
}

}  // namespace cacheforge
