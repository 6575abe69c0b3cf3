// server/tests/numbers_test.cc
// -----------------------------------------------------------------------------
// Redis's number rules and glob matching.
#include "util/numbers.h"

#include <gtest/gtest.h>

#include "util/glob.h"

namespace cacheforge {
namespace {

TEST(ParseInt64, RedisRules) {
  int64_t v = 0;
  EXPECT_TRUE(ParseInt64("0", &v));
  EXPECT_EQ(v, 0);
  EXPECT_TRUE(ParseInt64("-42", &v));
  EXPECT_EQ(v, -42);
  EXPECT_TRUE(ParseInt64("9223372036854775807", &v));
  EXPECT_EQ(v, INT64_MAX);
  EXPECT_TRUE(ParseInt64("-9223372036854775808", &v));
  EXPECT_EQ(v, INT64_MIN);
  for (const char* bad : {"", "-", "+1", " 1", "1 ", "01", "-0", "1.0", "9223372036854775808",
                          "-9223372036854775809", "abc", "12a"}) {
    EXPECT_FALSE(ParseInt64(bad, &v)) << bad;
  }
}

TEST(ParseLongDouble, RedisRules) {
  long double v = 0;
  EXPECT_TRUE(ParseLongDouble("10.5", &v));
  EXPECT_TRUE(ParseLongDouble("-5e3", &v));
  EXPECT_EQ(v, -5000);
  EXPECT_TRUE(ParseLongDouble("inf", &v));
  for (const char* bad : {"", " 1", "1 ", "nan", "1x", "abc"}) {
    EXPECT_FALSE(ParseLongDouble(bad, &v)) << bad;
  }
}

TEST(FormatLongDouble, LikeIncrByFloat) {
  EXPECT_EQ(FormatLongDouble(10.5L), "10.5");
  EXPECT_EQ(FormatLongDouble(3.0L), "3");
  EXPECT_EQ(FormatLongDouble(5.0e3L), "5000");
  EXPECT_EQ(FormatLongDouble(-0.0L), "0");
  EXPECT_EQ(FormatLongDouble(10.6L - 0.1L), "10.5");
}

TEST(ParseMemorySize, RedisUnits) {
  int64_t v = 0;
  EXPECT_TRUE(ParseMemorySize("100", &v));
  EXPECT_EQ(v, 100);
  EXPECT_TRUE(ParseMemorySize("1k", &v));
  EXPECT_EQ(v, 1000);
  EXPECT_TRUE(ParseMemorySize("1kb", &v));
  EXPECT_EQ(v, 1024);
  EXPECT_TRUE(ParseMemorySize("100mb", &v));
  EXPECT_EQ(v, 100 * 1024 * 1024);
  EXPECT_TRUE(ParseMemorySize("2GB", &v));
  EXPECT_EQ(v, 2LL * 1024 * 1024 * 1024);
  EXPECT_TRUE(ParseMemorySize("3m", &v));
  EXPECT_EQ(v, 3000000);
  for (const char* bad : {"", "mb", "1tb", "1.5mb", "-", "1 mb", "99999999999999999999gb"}) {
    EXPECT_FALSE(ParseMemorySize(bad, &v)) << bad;
  }
}

TEST(GlobMatch, Patterns) {
  EXPECT_TRUE(GlobMatch("*", ""));
  EXPECT_TRUE(GlobMatch("h?llo", "hello"));
  EXPECT_TRUE(GlobMatch("h*llo", "heeeello"));
  EXPECT_TRUE(GlobMatch("h[ae]llo", "hallo"));
  EXPECT_FALSE(GlobMatch("h[ae]llo", "hillo"));
  EXPECT_TRUE(GlobMatch("h[^e]llo", "hallo"));
  EXPECT_FALSE(GlobMatch("h[^e]llo", "hello"));
  EXPECT_TRUE(GlobMatch("h[a-b]llo", "hbllo"));
  EXPECT_TRUE(GlobMatch("h\\*llo", "h*llo"));
  EXPECT_FALSE(GlobMatch("h\\*llo", "hello"));
  EXPECT_TRUE(GlobMatch("MAX*", "maxmemory", true));
  EXPECT_FALSE(GlobMatch("MAX*", "maxmemory", false));
  EXPECT_FALSE(GlobMatch("a*b", "acd"));
  // A pathological pattern finishes (bounded work), without matching.
  std::string stars;
  for (int i = 0; i < 40; ++i) stars += "a*";
  EXPECT_FALSE(GlobMatch(stars + "b", std::string(200, 'a')));
}

}  // namespace
}  // namespace cacheforge
