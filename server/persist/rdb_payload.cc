// server/persist/rdb_payload.cc
// -----------------------------------------------------------------------------
// DUMP's side: a stored value in the plain RDB types.
#include "persist/rdb_payload.h"

#include <cstdint>
#include <cstring>
#include <limits>
#include <string>

#include "persist/rdb_format.h"
#include "store/hash_object.h"
#include "store/list_object.h"
#include "store/set_object.h"
#include "store/zset_object.h"
#include "util/crc64.h"
#include "util/lzf.h"
#include "util/numbers.h"

namespace cacheforge {
namespace {

void PutLength(uint64_t len, std::string* out) {
  if (len < (1 << 6)) {
    out->push_back(static_cast<char>(len));
  } else if (len < (1 << 14)) {
    out->push_back(static_cast<char>(0x40 | (len >> 8)));
    out->push_back(static_cast<char>(len & 0xff));
  } else if (len <= std::numeric_limits<uint32_t>::max()) {
    out->push_back(static_cast<char>(rdb::k32BitLen));
    for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>(len >> shift));
  } else {
    out->push_back(static_cast<char>(rdb::k64BitLen));
    for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>(len >> shift));
  }
}

void PutLittleEndian(uint64_t v, int bytes, std::string* out) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<char>(v >> (8 * i)));
}

// A string as Redis's rdbSaveRawString writes it: a short canonical integer
// in 1, 2 or 4 bytes, a string over 20 bytes LZF-compressed when that saves
// at least four bytes, anything else as its bytes.
void PutString(std::string_view s, std::string* out) {
  int64_t v = 0;
  if (s.size() <= 11 && ParseInt64(s, &v) && std::to_string(v) == s) {
    if (v >= INT8_MIN && v <= INT8_MAX) {
      out->push_back(static_cast<char>(rdb::kEncoded | rdb::kEncInt8));
      PutLittleEndian(static_cast<uint64_t>(v), 1, out);
      return;
    }
    if (v >= INT16_MIN && v <= INT16_MAX) {
      out->push_back(static_cast<char>(rdb::kEncoded | rdb::kEncInt16));
      PutLittleEndian(static_cast<uint64_t>(v), 2, out);
      return;
    }
    if (v >= INT32_MIN && v <= INT32_MAX) {
      out->push_back(static_cast<char>(rdb::kEncoded | rdb::kEncInt32));
      PutLittleEndian(static_cast<uint64_t>(v), 4, out);
      return;
    }
  }
  std::string compressed;
  if (s.size() > 20 && LzfCompress(s, s.size() - 4, &compressed)) {
    out->push_back(static_cast<char>(rdb::kEncoded | rdb::kEncLzf));
    PutLength(compressed.size(), out);
    PutLength(s.size(), out);
    out->append(compressed);
    return;
  }
  PutLength(s.size(), out);
  out->append(s);
}

}  // namespace

std::string EncodeDumpPayload(const Entry& entry) {
  std::string out;
  switch (entry.type()) {
    case ValueType::kString:
      out.push_back(static_cast<char>(rdb::kTypeString));
      PutString(entry.value, &out);
      break;
    case ValueType::kList: {
      const QuickList& list = static_cast<const ListObject*>(entry.object)->list();
      out.push_back(static_cast<char>(rdb::kTypeList));
      PutLength(list.size(), &out);
      list.Walk(0, list.size() - 1, false, [&](size_t, std::string_view v) {
        PutString(v, &out);
        return true;
      });
      break;
    }
    case ValueType::kHash: {
      const HashValue hash = HashValue::Reading(entry);
      out.push_back(static_cast<char>(rdb::kTypeHash));
      PutLength(hash.Size(), &out);
      hash.ForEach([&](std::string_view f, std::string_view v) {
        PutString(f, &out);
        PutString(v, &out);
      });
      break;
    }
    case ValueType::kSet: {
      const auto* set = static_cast<const SetObject*>(entry.object);
      out.push_back(static_cast<char>(rdb::kTypeSet));
      PutLength(set->Size(), &out);
      set->ForEach([&](std::string_view m) { PutString(m, &out); });
      break;
    }
    case ValueType::kZset: {
      const auto* zset = static_cast<const ZsetObject*>(entry.object);
      out.push_back(static_cast<char>(rdb::kTypeZset2));
      PutLength(zset->Size(), &out);
      zset->Walk(0, zset->Size() - 1, false, [&](std::string_view member, double score) {
        PutString(member, &out);
        uint64_t bits = 0;
        std::memcpy(&bits, &score, sizeof(bits));
        PutLittleEndian(bits, 8, &out);
        return true;
      });
      break;
    }
  }
  PutLittleEndian(kRdbVersion, 2, &out);
  PutLittleEndian(Crc64(0, out), 8, &out);
  return out;
}

}  // namespace cacheforge
