// server/tests/rdb_payload_test.cc
// -----------------------------------------------------------------------------
// DUMP and RESTORE: every type round-trips with its TTL; payloads in the
// compact encodings Redis 6 (ziplists) and 7 (listpacks, intsets) write are
// read; Redis's checks and error texts; and no damaged payload — truncated,
// or with any byte changed and the checksum made to match — crashes, reads
// out of bounds (the ASan build runs this) or restores a broken value.
#include "persist/rdb_payload.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "command_test_util.h"
#include "util/crc64.h"
#include "util/lzf.h"

namespace cacheforge {
namespace {

using DumpRestore = CommandTest;

// The payload inside DUMP's bulk reply.
std::string PayloadOf(const std::string& bulk) {
  size_t start = bulk.find("\r\n");
  EXPECT_EQ(bulk[0], '$');
  return bulk.substr(start + 2, bulk.size() - start - 4);
}

// `value` (an RDB type byte and object) with a version-10 footer and its CRC.
std::string WithFooter(std::string value, int version = kRdbVersion) {
  value.push_back(static_cast<char>(version));
  value.push_back('\0');
  uint64_t crc = Crc64(0, value);
  for (int i = 0; i < 8; ++i) value.push_back(static_cast<char>(crc >> (8 * i)));
  return value;
}

TEST(Crc64, MatchesRedisCheckValue) {
  EXPECT_EQ(Crc64(0, "123456789"), 0xe9c6d914c4b8d9caULL);
  EXPECT_EQ(Crc64(Crc64(0, "1234"), "56789"), 0xe9c6d914c4b8d9caULL);
}

TEST(Lzf, LiteralsAndOverlappingMatches) {
  std::string out;
  // 3 literals "abc", then 6 bytes copied from 3 back: "abcabcabc".
  ASSERT_TRUE(LzfDecompress(std::string("\x02"
                                        "abc"
                                        "\x80\x02",
                                        6),
                            9, &out));
  EXPECT_EQ(out, "abcabcabc");
  EXPECT_FALSE(LzfDecompress(std::string("\x02"
                                         "abc"
                                         "\x80\x02",
                                         6),
                             10, &out));  // short
  EXPECT_FALSE(LzfDecompress(std::string("\x02"
                                         "abc"
                                         "\x80\x05",
                                         6),
                             9, &out));  // before start
  EXPECT_FALSE(LzfDecompress(std::string("\x05"
                                         "abc",
                                         4),
                             6, &out));                          // literal run overruns
  EXPECT_FALSE(LzfDecompress(std::string("\xe0", 1), 9, &out));  // length byte missing
}

// What the compressor writes, the decompressor reads back, for text, runs,
// random bytes and sizes around the format's limits (a literal run of 32, a
// match of 264, a distance of 8192).
TEST(Lzf, CompressedBlocksDecompressToTheirInput) {
  std::mt19937 rng(7);
  std::vector<std::string> inputs = {std::string(1000, 'a'), std::string(264 + 3, 'x'), "abc",
                                     std::string(33, 'q')};
  std::string text;
  while (text.size() < 100000)
    text += "the lock-order graph of shard " + std::to_string(rng() % 97);
  inputs.push_back(text);
  std::string random(20000, '\0');
  for (char& c : random) c = static_cast<char>(rng());
  inputs.push_back(random);
  inputs.push_back(random.substr(0, 8200) + random.substr(0, 8200));  // a repeat just past reach
  inputs.push_back(random.substr(0, 8100) + random.substr(0, 8100));  // and within it
  for (const std::string& in : inputs) {
    std::string compressed, back;
    if (!LzfCompress(in, in.size() + in.size() / 32 + 1, &compressed)) {
      ADD_FAILURE() << "worst case exceeded for " << in.size() << " bytes";
      continue;
    }
    ASSERT_TRUE(LzfDecompress(compressed, in.size(), &back)) << in.size();
    EXPECT_EQ(back, in);
  }
  std::string out;
  EXPECT_TRUE(LzfCompress(std::string(1000, 'a'), 100, &out));
  EXPECT_LT(out.size(), 20u);
  EXPECT_FALSE(LzfCompress(random, random.size() - 4, &out)) << "random bytes do not shrink";
  EXPECT_TRUE(LzfCompress(text, text.size() / 3, &out)) << "text does";
}

// Strings are written as Redis writes them: small canonical integers in 1-4
// bytes, long compressible strings LZF-compressed (both read by any Redis).
TEST_F(DumpRestore, StringsAreEncodedAsRedisEncodesThem) {
  Run({"SET", "i8", "-12"});
  Run({"SET", "i32", "1000000"});
  Run({"SET", "noncanonical", "007"});
  Run({"SET", "long", std::string(500, 'z')});
  Run({"SET", "short", "twenty bytes exactly"});
  EXPECT_EQ(PayloadOf(Run({"DUMP", "i8"})).substr(0, 3), std::string("\x00\xc0\xf4", 3));
  EXPECT_EQ(PayloadOf(Run({"DUMP", "i32"})).substr(0, 6),
            std::string("\x00\xc2\x40\x42\x0f\x00", 6));
  EXPECT_EQ(PayloadOf(Run({"DUMP", "noncanonical"})).substr(0, 5), std::string("\x00\x03"
                                                                               "007",
                                                                               5));
  const std::string long_payload = PayloadOf(Run({"DUMP", "long"}));
  EXPECT_EQ(long_payload.substr(0, 2), std::string("\x00\xc3", 2));
  EXPECT_LT(long_payload.size(), 40u);
  EXPECT_EQ(PayloadOf(Run({"DUMP", "short"})).substr(0, 2), std::string("\x00\x14", 2));
  for (const char* key : {"i8", "i32", "noncanonical", "long", "short"}) {
    const std::string payload = PayloadOf(Run({"DUMP", key}));
    const std::string copy = std::string(key) + ":copy";
    ASSERT_EQ(Run({"RESTORE", copy, "0", payload}), kOk) << key;
    EXPECT_EQ(Run({"GET", copy}), Run({"GET", key})) << key;
  }
  // Collections' elements too.
  Run({"RPUSH", "l", std::string(300, 'y'), "5", "x"});
  ASSERT_EQ(Run({"RESTORE", "l:copy", "0", PayloadOf(Run({"DUMP", "l"}))}), kOk);
  EXPECT_EQ(Run({"LRANGE", "l:copy", "0", "-1"}), Run({"LRANGE", "l", "0", "-1"}));
}

TEST_F(DumpRestore, EveryTypeRoundTripsWithItsTtl) {
  Run({"SET", "s", "hello"});
  Run({"RPUSH", "l", "a", "b", "-7"});
  Run({"HSET", "h", "f", "v", "g", "w"});
  Run({"SADD", "si", "1", "2", "3"});
  Run({"SADD", "ss", "x", "y"});
  Run({"ZADD", "z", "1.5", "a", "-inf", "b"});
  Run({"PEXPIRE", "l", "100000"});
  for (const char* key : {"s", "l", "h", "si", "ss", "z"}) {
    SCOPED_TRACE(key);
    const std::string payload = PayloadOf(Run({"DUMP", key}));
    const std::string type = Run({"TYPE", key});
    const std::string copy = std::string(key) + ":copy";
    EXPECT_EQ(Run({"RESTORE", copy, "5000", payload}), kOk);
    EXPECT_EQ(Run({"TYPE", copy}), type);
    // A hash table's order is its own: only ordered values dump identically.
    if (std::string(key) != "ss") {
      EXPECT_EQ(Run({"DUMP", copy}), Run({"DUMP", key}));
    }
    EXPECT_EQ(Run({"PTTL", copy}), Int(5000));
  }
  EXPECT_EQ(Run({"LRANGE", "l:copy", "0", "-1"}), "*3\r\n" + Bulk("a") + Bulk("b") + Bulk("-7"));
  EXPECT_EQ(Run({"ZSCORE", "z:copy", "b"}), Bulk("-inf"));
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "si:copy"}), Bulk("intset"));
  EXPECT_EQ(Run({"SMISMEMBER", "ss:copy", "x", "y", "z"}), "*3\r\n" + Int(1) + Int(1) + Int(0));
  EXPECT_EQ(Run({"DUMP", "nothing"}), kNil);
}

TEST_F(DumpRestore, RedisChecksAndErrors) {
  Run({"SET", "s", "v"});
  const std::string payload = PayloadOf(Run({"DUMP", "s"}));
  EXPECT_EQ(Run({"RESTORE", "s", "0", payload}), Err("BUSYKEY Target key name already exists."));
  EXPECT_EQ(Run({"RESTORE", "n", "-1", payload}), Err("ERR Invalid TTL value, must be >= 0"));
  EXPECT_EQ(Run({"RESTORE", "n", "x", payload}),
            Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(Run({"RESTORE", "n", "0", payload, "FREQ", "256"}),
            Err("ERR Invalid FREQ value, must be >= 0 and <= 255"));
  EXPECT_EQ(Run({"RESTORE", "n", "0", payload, "IDLETIME", "-1"}),
            Err("ERR Invalid IDLETIME value, must be >= 0"));
  EXPECT_EQ(Run({"RESTORE", "n", "0", payload, "IDLETIME", "1", "FREQ", "1"}),
            Err("ERR syntax error"));
  EXPECT_EQ(Run({"RESTORE", "n", "0", "short"}),
            Err("ERR DUMP payload version or checksum are wrong"));
  std::string flipped = payload;
  flipped[2] ^= 1;
  EXPECT_EQ(Run({"RESTORE", "n", "0", flipped}),
            Err("ERR DUMP payload version or checksum are wrong"));
  // A newer RDB version (Redis 7.2 writes 11) is refused, as Redis 7.0 does.
  EXPECT_EQ(Run({"RESTORE", "n", "0", WithFooter(payload.substr(0, payload.size() - 10), 11)}),
            Err("ERR DUMP payload version or checksum are wrong"));
  EXPECT_EQ(Run({"RESTORE", "n", "0", WithFooter(std::string("\x63", 1))}),
            Err("ERR Bad data format"));
  EXPECT_EQ(Run({"EXISTS", "n"}), Int(0));
  // REPLACE with a TTL already past deletes the old key and creates nothing.
  EXPECT_EQ(Run({"RESTORE", "s", "1", payload, "REPLACE", "ABSTTL"}), kOk);
  EXPECT_EQ(Run({"EXISTS", "s"}), Int(0));
}

// Hand-built payloads in the encodings redis-server writes (its own DUMPs
// are checked against it in the differential test by hand).
TEST_F(DumpRestore, ReadsRedisCompactEncodings) {
  // A Redis 6 hash in a ziplist: zlbytes, zltail, zllen, then entries of
  // (prevlen, encoding, data): "f" "v" "n" 127 (int8 0xfe) and the end byte.
  std::string zl;
  const std::string entries = std::string(
      "\x00\x01"
      "f"
      "\x03\x01"
      "v"
      "\x03\x01"
      "n"
      "\x03\xfe\x7f",
      12);
  const uint32_t total = 10 + static_cast<uint32_t>(entries.size()) + 1;
  for (int i = 0; i < 4; ++i) zl.push_back(static_cast<char>(total >> (8 * i)));
  zl.append(std::string("\x00\x00\x00\x00\x04\x00", 6));
  zl += entries;
  zl.push_back('\xff');
  std::string value = "\x0d";  // RDB_TYPE_HASH_ZIPLIST
  value.push_back(static_cast<char>(zl.size()));
  value += zl;
  EXPECT_EQ(Run({"RESTORE", "h", "0", WithFooter(value)}), kOk);
  EXPECT_EQ(Run({"HGET", "h", "n"}), Bulk("127"));
  EXPECT_EQ(Run({"HGET", "h", "f"}), Bulk("v"));

  // A Redis 7 list: a quicklist of one packed listpack node holding "a",
  // 5 (7-bit uint) and -2 (13-bit int), each entry followed by its length.
  std::string lp = std::string(
      "\x00\x00\x00\x00\x03\x00"
      "\x81"
      "a"
      "\x02"
      "\x05\x01"
      "\xdf\xfe\x02"
      "\xff",
      15);
  lp[0] = static_cast<char>(lp.size());
  std::string list = "\x12\x01\x02";  // QUICKLIST_2, one node, PACKED
  list.push_back(static_cast<char>(lp.size()));
  list += lp;
  EXPECT_EQ(Run({"RESTORE", "l", "0", WithFooter(list)}), kOk);
  EXPECT_EQ(Run({"LRANGE", "l", "0", "-1"}), "*3\r\n" + Bulk("a") + Bulk("5") + Bulk("-2"));

  // An intset of two 16-bit members, and an int8-encoded string.
  std::string intset = std::string(
      "\x0b\x0c"
      "\x02\x00\x00\x00"
      "\x02\x00\x00\x00"
      "\xff\xff"
      "\x10\x27",
      14);
  EXPECT_EQ(Run({"RESTORE", "si", "0", WithFooter(intset)}), kOk);
  EXPECT_EQ(Run({"SISMEMBER", "si", "-1"}), Int(1));
  EXPECT_EQ(Run({"SISMEMBER", "si", "10000"}), Int(1));
  EXPECT_EQ(Run({"RESTORE", "i", "0", WithFooter(std::string("\x00\xc0\x85", 3))}), kOk);
  EXPECT_EQ(Run({"GET", "i"}), Bulk("-123"));
}

// What Redis never writes is refused: empty collections, repeated members.
TEST_F(DumpRestore, RefusesValuesRedisCannotHold) {
  const std::string bad_format = Err("ERR Bad data format");
  EXPECT_EQ(Run({"RESTORE", "k", "0", WithFooter(std::string("\x01\x00", 2))}), bad_format);
  EXPECT_EQ(Run({"RESTORE", "k", "0",
                 WithFooter("\x02\x02\x01"
                            "a\x01"
                            "a")}),
            bad_format);
  EXPECT_EQ(Run({"RESTORE", "k", "0",
                 WithFooter("\x04\x02\x01"
                            "f\x01v\x01"
                            "f\x01w")}),
            bad_format);
  EXPECT_EQ(Run({"RESTORE", "k", "0",
                 WithFooter(std::string("\x03\x01\x01"
                                        "a\xfd",
                                        5))}),
            bad_format);  // a NaN score
  EXPECT_EQ(Run({"RESTORE", "k", "0", WithFooter("\x01\x81\xff\xff\xff\xff")}), bad_format);
  EXPECT_EQ(Run({"DBSIZE"}), Int(0));
}

// Every prefix of a real payload, and every single-byte change with the
// checksum recomputed: an error or a well-formed key, nothing else.
TEST_F(DumpRestore, DamagedPayloadsNeverBreakTheServer) {
  Run({"RPUSH", "l", "a", "bb", "ccc"});
  Run({"HSET", "h", "f", "v"});
  Run({"ZADD", "z", "1", "m", "2", "n"});
  for (const char* key : {"l", "h", "z"}) {
    const std::string payload = PayloadOf(Run({"DUMP", key}));
    const std::string value = payload.substr(0, payload.size() - 10);
    for (size_t n = 0; n < payload.size(); ++n) {
      EXPECT_EQ(Run({"RESTORE", "t", "0", payload.substr(0, n)})[0], '-');
    }
    for (size_t at = 0; at < value.size(); ++at) {
      for (int bit = 0; bit < 8; ++bit) {
        std::string changed = value;
        changed[at] = static_cast<char>(changed[at] ^ (1 << bit));
        const std::string reply = Run({"RESTORE", "t", "0", WithFooter(changed), "REPLACE"});
        ASSERT_TRUE(reply == kOk || reply == "-ERR Bad data format\r\n") << reply;
      }
    }
    Run({"DEL", "t"});
  }
}

}  // namespace
}  // namespace cacheforge
