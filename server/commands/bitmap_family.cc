// server/commands/bitmap_family.cc
// -----------------------------------------------------------------------------
// Bit operations on string values, with Redis 7.0's replies, error texts and
// checking order. Bit 0 is the most significant bit of the first byte; bytes
// past the end of a string read as zero, and a write past the end grows it
// with zero bytes. Each command works under its key's shard lock (KeyLock);
// BITOP takes every shard it names in ascending order (KeysLock).
#include "commands/bitmap_family.h"

#include <algorithm>
#include <bit>
#include <string>
#include <vector>

#include "commands/collection_access.h"
#include "util/numbers.h"
#include "util/strings.h"

namespace cacheforge {
namespace {

constexpr char kBadOffset[] = "ERR bit offset is not an integer or out of range";
constexpr char kBadBit[] = "ERR bit is not an integer or out of range";

// A bit offset ("#N" counts in units of `bits` where `hash_ok`), limited as
// Redis limits it: the byte it addresses must be below proto-max-bulk-len.
bool ParseBitOffset(const CommandContext& ctx, std::string_view text, bool hash_ok, int bits,
                    uint64_t* out) {
  const bool hash = hash_ok && bits > 0 && !text.empty() && text[0] == '#';
  if (hash) text.remove_prefix(1);
  int64_t offset = 0;
  if (!ParseInt64(text, &offset)) return false;
  if (hash) {
    if (offset > INT64_MAX / bits || offset < INT64_MIN / bits) return false;
    offset *= bits;
  }
  if (offset < 0 || (offset >> 3) >= ctx.server.config().proto_max_bulk_len()) return false;
  *out = static_cast<uint64_t>(offset);
  return true;
}

uint8_t ByteAt(std::string_view s, uint64_t index) {
  return index < s.size() ? static_cast<uint8_t>(s[index]) : 0;
}

// `bits` (1..64) bits from `offset`, most significant first.
uint64_t GetBits(std::string_view s, uint64_t offset, int bits) {
  uint64_t value = 0;
  for (int i = 0; i < bits; ++i) {
    const uint64_t bit = offset + static_cast<uint64_t>(i);
    value = (value << 1) | ((ByteAt(s, bit >> 3) >> (7 - (bit & 7))) & 1);
  }
  return value;
}

// Writes the low `bits` of `value` at `offset`; `s` is long enough.
void SetBits(std::string& s, uint64_t offset, int bits, uint64_t value) {
  for (int i = 0; i < bits; ++i) {
    const uint64_t bit = offset + static_cast<uint64_t>(i);
    const uint8_t mask = static_cast<uint8_t>(1u << (7 - (bit & 7)));
    const bool on = (value >> (bits - 1 - i)) & 1;
    auto& byte = reinterpret_cast<uint8_t&>(s[bit >> 3]);
    byte = on ? static_cast<uint8_t>(byte | mask) : static_cast<uint8_t>(byte & ~mask);
  }
}

// A bit range of a string, [first, last] inclusive in bits, from Redis's
// start/end arguments in bytes or bits (negative counts from the end).
// False when empty.
bool BitRange(int64_t start, int64_t end, bool in_bits, uint64_t length_bytes, uint64_t* first,
              uint64_t* last) {
  const int64_t total = static_cast<int64_t>(length_bytes) * (in_bits ? 8 : 1);
  if (start < 0) start += total;
  if (end < 0) end += total;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= total) end = total - 1;
  if (start > end) return false;
  *first = static_cast<uint64_t>(start) * (in_bits ? 1 : 8);
  *last = in_bits ? static_cast<uint64_t>(end) : static_cast<uint64_t>(end) * 8 + 7;
  return true;
}

bool BitAt(std::string_view s, uint64_t bit) {
  return (ByteAt(s, bit >> 3) >> (7 - (bit & 7))) & 1;
}

uint64_t CountBits(std::string_view s, uint64_t first, uint64_t last) {
  uint64_t count = 0;
  uint64_t bit = first;
  for (; bit <= last && (bit & 7) != 0; ++bit) count += BitAt(s, bit);
  for (; bit + 7 <= last; bit += 8) count += std::popcount(ByteAt(s, bit >> 3));
  for (; bit <= last; ++bit) count += BitAt(s, bit);
  return count;
}

// The first bit equal to `want` in [first, last], or -1.
int64_t FindBit(std::string_view s, bool want, uint64_t first, uint64_t last) {
  const uint8_t skip = want ? 0x00 : 0xFF;  // a whole byte without the bit
  uint64_t bit = first;
  while (bit <= last) {
    if ((bit & 7) == 0 && bit + 7 <= last && ByteAt(s, bit >> 3) == skip) {
      bit += 8;
      continue;
    }
    if (BitAt(s, bit) == want) return static_cast<int64_t>(bit);
    ++bit;
  }
  return -1;
}

// BITFIELD's integer types: i1..i64, u1..u63.
bool ParseFieldType(std::string_view text, bool* is_signed, int* bits) {
  if (text.empty() || (text[0] != 'i' && text[0] != 'u')) return false;
  *is_signed = text[0] == 'i';
  int64_t n = 0;
  if (!ParseInt64(text.substr(1), &n) || n < 1 || n > (*is_signed ? 64 : 63)) return false;
  *bits = static_cast<int>(n);
  return true;
}

enum class Overflow { kWrap, kSat, kFail };

struct FieldOp {
  enum Kind { kGet, kSet, kIncrBy } kind;
  bool is_signed;
  int bits;
  uint64_t offset;
  int64_t value;
  Overflow overflow;
};

// Redis's checkUnsignedBitfieldOverflow / checkSignedBitfieldOverflow:
// whether value + incr leaves the type's range, and the wrapped or
// saturated result in *limit.
bool UnsignedOverflow(uint64_t value, int64_t incr, int bits, Overflow how, uint64_t* limit) {
  const uint64_t max = bits == 64 ? UINT64_MAX : (uint64_t{1} << bits) - 1;
  const int64_t max_incr = static_cast<int64_t>(max - value);
  // Negated as unsigned, as Redis does: a value of 2^63 (a negative SET on
  // an unsigned field) must not overflow a signed negation.
  const int64_t min_incr = static_cast<int64_t>(uint64_t{0} - value);
  const bool over = value > max || (incr > 0 && incr > max_incr);
  const bool under = !over && incr < 0 && incr < min_incr;
  if (!over && !under) return false;
  if (how == Overflow::kWrap) {
    *limit = (value + static_cast<uint64_t>(incr)) & ~(UINT64_MAX << bits);
  } else if (how == Overflow::kSat) {
    *limit = over ? max : 0;
  }
  return true;
}

bool SignedOverflow(int64_t value, int64_t incr, int bits, Overflow how, int64_t* limit) {
  const int64_t max = bits == 64 ? INT64_MAX : (int64_t{1} << (bits - 1)) - 1;
  const int64_t min = -max - 1;
  const int64_t max_incr =
      static_cast<int64_t>(static_cast<uint64_t>(max) - static_cast<uint64_t>(value));
  const int64_t min_incr =
      static_cast<int64_t>(static_cast<uint64_t>(min) - static_cast<uint64_t>(value));
  const bool over =
      value > max || (bits != 64 && incr > max_incr) || (value >= 0 && incr > 0 && incr > max_incr);
  const bool under = !over && (value < min || (bits != 64 && incr < min_incr) ||
                               (value < 0 && incr < 0 && incr < min_incr));
  if (!over && !under) return false;
  if (how == Overflow::kWrap) {
    uint64_t c = static_cast<uint64_t>(value) + static_cast<uint64_t>(incr);
    if (bits < 64) {
      const uint64_t mask = UINT64_MAX << bits;
      c = (c & (uint64_t{1} << (bits - 1))) ? (c | mask) : (c & ~mask);
    }
    *limit = static_cast<int64_t>(c);
  } else if (how == Overflow::kSat) {
    *limit = over ? max : min;
  }
  return true;
}

int64_t SignExtend(uint64_t raw, int bits) {
  if (bits == 64) return static_cast<int64_t>(raw);
  const uint64_t sign = uint64_t{1} << (bits - 1);
  return static_cast<int64_t>((raw ^ sign) - sign);
}

// Runs one SET or INCRBY on `s` (long enough); the reply (old value for
// SET, new value for INCRBY, null when OVERFLOW FAIL refused it).
Reply ApplyFieldWrite(std::string& s, const FieldOp& op) {
  const uint64_t raw = GetBits(s, op.offset, op.bits);
  if (op.is_signed) {
    const int64_t old = SignExtend(raw, op.bits);
    int64_t wrapped = 0;
    int64_t next;
    bool overflow;
    if (op.kind == FieldOp::kIncrBy) {
      overflow = SignedOverflow(old, op.value, op.bits, op.overflow, &wrapped);
      next =
          overflow
              ? wrapped
              : static_cast<int64_t>(static_cast<uint64_t>(old) + static_cast<uint64_t>(op.value));
    } else {
      overflow = SignedOverflow(op.value, 0, op.bits, op.overflow, &wrapped);
      next = overflow ? wrapped : op.value;
    }
    if (overflow && op.overflow == Overflow::kFail) return Reply::Null();
    SetBits(s, op.offset, op.bits, static_cast<uint64_t>(next));
    return Reply::Integer(op.kind == FieldOp::kIncrBy ? next : old);
  }
  uint64_t wrapped = 0;
  uint64_t next;
  bool overflow;
  if (op.kind == FieldOp::kIncrBy) {
    overflow = UnsignedOverflow(raw, op.value, op.bits, op.overflow, &wrapped);
    next = overflow ? wrapped : raw + static_cast<uint64_t>(op.value);
  } else {
    overflow = UnsignedOverflow(static_cast<uint64_t>(op.value), 0, op.bits, op.overflow, &wrapped);
    next = overflow ? wrapped : static_cast<uint64_t>(op.value);
  }
  if (overflow && op.overflow == Overflow::kFail) return Reply::Null();
  SetBits(s, op.offset, op.bits, next);
  return Reply::Integer(static_cast<int64_t>(op.kind == FieldOp::kIncrBy ? next : raw));
}

// BITFIELD and BITFIELD_RO (`read_only`).
Reply BitFieldGeneric(CommandContext& ctx, bool read_only) {
  std::vector<FieldOp> ops;
  Overflow overflow = Overflow::kWrap;
  bool writes = false;
  uint64_t highest = 0;  // the last bit a write reaches
  for (size_t j = 2; j < ctx.argc(); ++j) {
    const size_t left = ctx.argc() - j - 1;
    std::string_view sub = ctx.arg(j);
    FieldOp op{};
    if (EqualsIgnoreCase(sub, "GET") && left >= 2) {
      op.kind = FieldOp::kGet;
    } else if (EqualsIgnoreCase(sub, "SET") && left >= 3) {
      op.kind = FieldOp::kSet;
    } else if (EqualsIgnoreCase(sub, "INCRBY") && left >= 3) {
      op.kind = FieldOp::kIncrBy;
    } else if (EqualsIgnoreCase(sub, "OVERFLOW") && left >= 1) {
      std::string_view how = ctx.arg(++j);
      if (EqualsIgnoreCase(how, "WRAP")) {
        overflow = Overflow::kWrap;
      } else if (EqualsIgnoreCase(how, "SAT")) {
        overflow = Overflow::kSat;
      } else if (EqualsIgnoreCase(how, "FAIL")) {
        overflow = Overflow::kFail;
      } else {
        return Reply::Error("ERR Invalid OVERFLOW type specified");
      }
      continue;
    } else {
      return Reply::Error(errors::kSyntax);
    }
    if (!ParseFieldType(ctx.arg(j + 1), &op.is_signed, &op.bits)) {
      return Reply::Error(
          "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported "
          "but i64 is.");
    }
    if (!ParseBitOffset(ctx, ctx.arg(j + 2), /*hash_ok=*/true, op.bits, &op.offset)) {
      return Reply::Error(kBadOffset);
    }
    if (op.kind != FieldOp::kGet) {
      writes = true;
      highest = std::max(highest, op.offset + static_cast<uint64_t>(op.bits) - 1);
      if (!ParseInt64(ctx.arg(j + 3), &op.value)) return Reply::Error(errors::kNotInteger);
    }
    op.overflow = overflow;
    ops.push_back(op);
    j += op.kind == FieldOp::kGet ? 2 : 3;
  }
  if (writes && read_only) return Reply::Error("ERR BITFIELD_RO only supports the GET subcommand");
  KeyLock key(ctx, ctx.arg(1));
  Entry* e = writes ? key.Find() : key.FindForRead();
  if (e != nullptr && !e->is_string()) return Reply::Error(errors::kWrongType);
  std::vector<Reply> out;
  if (!writes) {
    for (const FieldOp& op : ops) {
      const uint64_t raw = e ? GetBits(e->value, op.offset, op.bits) : 0;
      out.push_back(
          Reply::Integer(op.is_signed ? SignExtend(raw, op.bits) : static_cast<int64_t>(raw)));
    }
    return Reply::Array(std::move(out));
  }
  // A change for the AOF: the string was created or grown, or a write changed
  // its bits. Redis counts it as a change for WATCH and the keyspace event
  // only when a write that was done (not refused by OVERFLOW FAIL) grew the
  // string or changed its bits: creating or growing it alone is none.
  key.SetQuietWatch(true);
  if (e == nullptr) e = key.Insert();
  bool notify = false;
  key.Update(e, [&](std::string& v) {
    const bool grown = v.size() < (highest >> 3) + 1;
    if (grown) v.resize((highest >> 3) + 1, '\0');
    bool changed = grown;
    for (const FieldOp& op : ops) {
      const uint64_t raw = GetBits(v, op.offset, op.bits);
      if (op.kind == FieldOp::kGet) {
        out.push_back(
            Reply::Integer(op.is_signed ? SignExtend(raw, op.bits) : static_cast<int64_t>(raw)));
      } else {
        out.push_back(ApplyFieldWrite(v, op));
        const bool bits_changed = GetBits(v, op.offset, op.bits) != raw;
        changed = changed || bits_changed;
        notify = notify || (out.back().type() != Reply::Type::kNull && (grown || bits_changed));
      }
    }
    return changed;
  });
  key.SetQuietWatch(false);
  if (notify) {
    key.SignalModified();
    ctx.Notify(kNotifyString, "setbit", ctx.arg(1));
  }
  return Reply::Array(std::move(out));
}

}  // namespace

// SETBIT key offset value
Reply SetBitCommand(CommandContext& ctx) {
  uint64_t offset = 0;
  if (!ParseBitOffset(ctx, ctx.arg(2), false, 0, &offset)) return Reply::Error(kBadOffset);
  int64_t on = 0;
  if (!ParseInt64(ctx.arg(3), &on) || (on & ~int64_t{1}) != 0) return Reply::Error(kBadBit);
  KeyLock key(ctx, ctx.arg(1));
  Entry* e = key.Find();
  if (e != nullptr && !e->is_string()) return Reply::Error(errors::kWrongType);
  if (e == nullptr) e = key.Insert();
  bool was = false;
  // Setting a bit to what it was, within the string, is no change (Redis 7).
  const bool changed = key.Update(e, [&](std::string& v) {
    const bool grown = v.size() < (offset >> 3) + 1;
    if (grown) v.resize((offset >> 3) + 1, '\0');
    was = BitAt(v, offset);
    SetBits(v, offset, 1, static_cast<uint64_t>(on));
    return grown || was != (on != 0);
  });
  if (changed) ctx.Notify(kNotifyString, "setbit", ctx.arg(1));
  return Reply::Integer(was ? 1 : 0);
}

// GETBIT key offset
Reply GetBitCommand(CommandContext& ctx) {
  uint64_t offset = 0;
  if (!ParseBitOffset(ctx, ctx.arg(2), false, 0, &offset)) return Reply::Error(kBadOffset);
  KeyLock key(ctx, ctx.arg(1));
  Entry* e = key.FindForRead();
  if (e == nullptr) return Reply::Integer(0);
  if (!e->is_string()) return Reply::Error(errors::kWrongType);
  return Reply::Integer(BitAt(e->value, offset) ? 1 : 0);
}

// BITCOUNT key [start end [BYTE | BIT]]
Reply BitCountCommand(CommandContext& ctx) {
  KeyLock key(ctx, ctx.arg(1));
  Entry* e = key.FindForRead();
  if (e == nullptr) return Reply::Integer(0);
  if (!e->is_string()) return Reply::Error(errors::kWrongType);
  const std::string& s = e->value;
  uint64_t first = 0, last = 0;
  if (ctx.argc() == 4 || ctx.argc() == 5) {
    int64_t start = 0, end = 0;
    if (!ParseInt64(ctx.arg(2), &start) || !ParseInt64(ctx.arg(3), &end)) {
      return Reply::Error(errors::kNotInteger);
    }
    if (start < 0 && end < 0 && start > end) return Reply::Integer(0);
    bool in_bits = false;
    if (ctx.argc() == 5) {
      if (EqualsIgnoreCase(ctx.arg(4), "BIT")) {
        in_bits = true;
      } else if (!EqualsIgnoreCase(ctx.arg(4), "BYTE")) {
        return Reply::Error(errors::kSyntax);
      }
    }
    if (!BitRange(start, end, in_bits, s.size(), &first, &last)) return Reply::Integer(0);
  } else if (ctx.argc() == 2) {
    if (s.empty()) return Reply::Integer(0);
    last = s.size() * 8 - 1;
  } else {
    return Reply::Error(errors::kSyntax);
  }
  return Reply::Integer(static_cast<int64_t>(CountBits(s, first, last)));
}

// BITPOS key bit [start [end [BYTE | BIT]]]
Reply BitPosCommand(CommandContext& ctx) {
  int64_t bit = 0;
  if (!ParseInt64(ctx.arg(2), &bit)) return Reply::Error(errors::kNotInteger);
  if (bit != 0 && bit != 1) return Reply::Error("ERR The bit argument must be 1 or 0.");
  KeyLock key(ctx, ctx.arg(1));
  Entry* e = key.FindForRead();
  // A missing key is an endless run of zero bits.
  if (e == nullptr) return Reply::Integer(bit ? -1 : 0);
  if (!e->is_string()) return Reply::Error(errors::kWrongType);
  const std::string& s = e->value;
  uint64_t first = 0, last = 0;
  bool end_given = false;
  if (ctx.argc() >= 4 && ctx.argc() <= 6) {
    int64_t start = 0, end = 0;
    if (!ParseInt64(ctx.arg(3), &start)) return Reply::Error(errors::kNotInteger);
    bool in_bits = false;
    if (ctx.argc() == 6) {
      if (EqualsIgnoreCase(ctx.arg(5), "BIT")) {
        in_bits = true;
      } else if (!EqualsIgnoreCase(ctx.arg(5), "BYTE")) {
        return Reply::Error(errors::kSyntax);
      }
    }
    if (ctx.argc() >= 5) {
      if (!ParseInt64(ctx.arg(4), &end)) return Reply::Error(errors::kNotInteger);
      end_given = true;
    } else {
      end = static_cast<int64_t>(s.size()) * (in_bits ? 8 : 1) - 1;
    }
    if (!BitRange(start, end, in_bits, s.size(), &first, &last)) return Reply::Integer(-1);
  } else if (ctx.argc() == 3) {
    if (s.empty()) return Reply::Integer(-1);
    last = s.size() * 8 - 1;
  } else {
    return Reply::Error(errors::kSyntax);
  }
  int64_t pos = FindBit(s, bit == 1, first, last);
  // Looking for a 0 with no end given, the string reads as padded with zeros:
  // the answer is the first bit past it.
  if (pos == -1 && bit == 0 && !end_given) pos = static_cast<int64_t>(s.size()) * 8;
  return Reply::Integer(pos);
}

// BITOP AND | OR | XOR | NOT destkey key [key ...]
Reply BitOpCommand(CommandContext& ctx) {
  std::string_view op = ctx.arg(1);
  enum { kAnd, kOr, kXor, kNot } kind;
  if (EqualsIgnoreCase(op, "AND")) {
    kind = kAnd;
  } else if (EqualsIgnoreCase(op, "OR")) {
    kind = kOr;
  } else if (EqualsIgnoreCase(op, "XOR")) {
    kind = kXor;
  } else if (EqualsIgnoreCase(op, "NOT")) {
    kind = kNot;
  } else {
    return Reply::Error(errors::kSyntax);
  }
  if (kind == kNot && ctx.argc() != 4) {
    return Reply::Error("ERR BITOP NOT must be called with a single source key.");
  }
  auto keys = ctx.args.subspan(2);  // the destination, then the sources
  KeysLock lock(ctx, keys);
  std::vector<std::string> sources;
  size_t longest = 0;
  for (std::string_view name : keys.subspan(1)) {
    Entry* e = lock.FindForRead(name);
    if (e != nullptr && !e->is_string()) return Reply::Error(errors::kWrongType);
    sources.push_back(e ? e->value : std::string());
    longest = std::max(longest, sources.back().size());
  }
  const std::string_view dst = keys[0];
  if (Entry* old = lock.Find(dst); old != nullptr && longest == 0) {
    lock.Erase(dst, old);
    ctx.Notify(kNotifyGeneric, "del", dst);
  }
  if (longest == 0) return Reply::Integer(0);
  std::string result(longest, '\0');
  for (size_t i = 0; i < longest; ++i) {
    uint8_t acc = ByteAt(sources[0], i);
    if (kind == kNot) acc = static_cast<uint8_t>(~acc);
    for (size_t k = 1; k < sources.size(); ++k) {
      const uint8_t b = ByteAt(sources[k], i);
      acc = kind == kAnd ? (acc & b) : kind == kOr ? (acc | b) : (acc ^ b);
    }
    result[i] = static_cast<char>(acc);
  }
  lock.Put(dst, result)->string_form = static_cast<uint32_t>(StringForm::kRaw);
  ctx.Notify(kNotifyString, "set", dst);
  return Reply::Integer(static_cast<int64_t>(longest));
}

Reply BitFieldCommand(CommandContext& ctx) { return BitFieldGeneric(ctx, false); }
Reply BitFieldRoCommand(CommandContext& ctx) { return BitFieldGeneric(ctx, true); }

}  // namespace cacheforge
