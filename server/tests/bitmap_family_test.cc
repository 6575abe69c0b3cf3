// server/tests/bitmap_family_test.cc
// -----------------------------------------------------------------------------
// Bit commands against the store: the bit order applications rely on (bit 0
// is the high bit of the first byte), zero padding, the BITFIELD overflow
// modes, and the errors for offsets Redis refuses.
#include "command_test_util.h"

namespace cacheforge {
namespace {

using BitmapFamily = CommandTest;

TEST_F(BitmapFamily, BitsAreNumberedFromTheHighBitOfTheFirstByte) {
  EXPECT_EQ(Run({"SETBIT", "b", "1", "1"}), Int(0));
  EXPECT_EQ(Run({"SETBIT", "b", "7", "1"}), Int(0));
  EXPECT_EQ(Run({"GET", "b"}), Bulk("A"));  // 0b01000001
  EXPECT_EQ(Run({"SETBIT", "b", "7", "0"}), Int(1));
  EXPECT_EQ(Run({"SETBIT", "b", "23", "1"}), Int(0));  // grows with zero bytes
  EXPECT_EQ(Run({"GET", "b"}), Bulk(std::string("@\0\x01", 3)));
  EXPECT_EQ(Run({"BITCOUNT", "b"}), Int(2));
  EXPECT_EQ(Run({"BITPOS", "b", "1", "1"}), Int(23));
  EXPECT_EQ(Run({"BITPOS", "b", "0"}), Int(0));
  EXPECT_EQ(Run({"GETBIT", "b", "100000"}), Int(0));
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "b"}), Bulk("raw"));
}

TEST_F(BitmapFamily, RefusesWhatRedisRefuses) {
  const std::string offset = Err("ERR bit offset is not an integer or out of range");
  EXPECT_EQ(Run({"SETBIT", "b", "-1", "1"}), offset);
  EXPECT_EQ(Run({"SETBIT", "b", "4294967296", "1"}), offset);  // past proto-max-bulk-len
  EXPECT_EQ(Run({"SETBIT", "b", "0", "2"}), Err("ERR bit is not an integer or out of range"));
  EXPECT_EQ(Run({"EXISTS", "b"}), Int(0));
  Run({"RPUSH", "l", "x"});
  EXPECT_EQ(Run({"SETBIT", "l", "0", "1"}),
            Err("WRONGTYPE Operation against a key holding the wrong kind of value"));
  EXPECT_EQ(Run({"BITOP", "NOT", "d", "a", "b"}),
            Err("ERR BITOP NOT must be called with a single source key."));
}

TEST_F(BitmapFamily, BitfieldOverflowModes) {
  EXPECT_EQ(Run({"BITFIELD", "f", "SET", "u8", "0", "250", "INCRBY", "u8", "0", "10"}),
            "*2\r\n" + Int(0) + Int(4));  // wraps by default
  EXPECT_EQ(Run({"BITFIELD", "f", "OVERFLOW", "SAT", "INCRBY", "u8", "0", "1000"}),
            "*1\r\n" + Int(255));
  EXPECT_EQ(Run({"BITFIELD", "f", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "1"}),
            "*1\r\n" + std::string(kNil));
  EXPECT_EQ(Run({"BITFIELD", "f", "SET", "i8", "#1", "-128", "GET", "i8", "#1"}),
            "*2\r\n" + Int(0) + Int(-128));
  EXPECT_EQ(Run({"BITFIELD_RO", "f", "GET", "u8", "0"}), "*1\r\n" + Int(255));
  // A negative SET on an unsigned field reads as a huge value (Redis): SAT
  // stores the maximum.
  EXPECT_EQ(Run({"BITFIELD", "g", "OVERFLOW", "SAT", "SET", "u2", "0", "-9223372036854775808",
                 "GET", "u2", "0"}),
            "*2\r\n" + Int(0) + Int(3));
  EXPECT_EQ(Run({"BITFIELD_RO", "f", "SET", "u8", "0", "1"}),
            Err("ERR BITFIELD_RO only supports the GET subcommand"));
}

}  // namespace
}  // namespace cacheforge
