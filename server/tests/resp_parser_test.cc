// server/tests/resp_parser_test.cc
// -----------------------------------------------------------------------------
// The request parser: multibulk and inline forms, pipelining, every split
// point of a stream, the limits and the protocol errors Redis gives.
#include "net/resp_parser.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace cacheforge {
namespace {

using Requests = std::vector<std::vector<std::string>>;

struct FeedResult {
  Requests requests;
  std::string error;  // empty when no protocol error
  size_t leftover = 0;
};

// Feeds `chunks` in order, parsing after each, the way a connection does.
FeedResult Feed(const std::vector<std::string>& chunks, RespLimits limits = RespLimits{}) {
  RespParser parser(limits);
  FeedResult result;
  std::string buffer;
  std::vector<std::string_view> args;
  for (const std::string& chunk : chunks) {
    buffer += chunk;
    for (;;) {
      size_t consumed = 0;
      RespParser::Status status = parser.Parse(buffer, &consumed, &args);
      if (status == RespParser::Status::kError) {
        result.error = parser.error();
        return result;
      }
      if (status == RespParser::Status::kNeedMore) break;
      EXPECT_GT(consumed, 0u);
      if (!args.empty()) result.requests.emplace_back(args.begin(), args.end());
      buffer.erase(0, consumed);
    }
  }
  result.leftover = buffer.size();
  return result;
}

FeedResult FeedWhole(const std::string& data, RespLimits limits = RespLimits{}) {
  return Feed({data}, limits);
}

TEST(RespParser, Multibulk) {
  FeedResult r = FeedWhole("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n");
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.requests, (Requests{{"SET", "k", "hello"}}));
  EXPECT_EQ(r.leftover, 0u);
}

TEST(RespParser, BinarySafeBulk) {
  std::string value("a\r\nb\0c", 6);
  FeedResult r = FeedWhole("*2\r\n$4\r\nECHO\r\n$6\r\n" + value + "\r\n");
  ASSERT_EQ(r.error, "");
  ASSERT_EQ(r.requests.size(), 1u);
  EXPECT_EQ(r.requests[0][1], value);
}

TEST(RespParser, EmptyBulkAndEmptyMultibulk) {
  FeedResult r = FeedWhole("*0\r\n*-1\r\n*2\r\n$4\r\nECHO\r\n$0\r\n\r\n");
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.requests, (Requests{{"ECHO", ""}}));
}

TEST(RespParser, InlineCommands) {
  FeedResult r = FeedWhole("PING\r\nSET k \"hello world\"\nGET 'it''s'\r\n\r\n   \r\n");
  // 'it''s' is unbalanced (a closing quote must be followed by a space).
  EXPECT_EQ(r.error, "Protocol error: unbalanced quotes in request");
  EXPECT_EQ(r.requests, (Requests{{"PING"}, {"SET", "k", "hello world"}}));
}

TEST(RespParser, InlineEscapes) {
  FeedResult r = FeedWhole("ECHO \"a\\tb\\x41\\\"\" 'x\\'y'\r\n");
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.requests, (Requests{{"ECHO", "a\tbA\"", "x'y"}}));
}

TEST(RespParser, EmptyInlineLinesAreSkipped) {
  FeedResult r = FeedWhole("\r\n\n  \r\nPING\r\n");
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.requests, (Requests{{"PING"}}));
}

TEST(RespParser, PipelinedMixedForms) {
  std::string stream;
  Requests expected;
  for (int i = 0; i < 50; ++i) {
    std::string key = "key:" + std::to_string(i);
    stream +=
        "*3\r\n$3\r\nSET\r\n$" + std::to_string(key.size()) + "\r\n" + key + "\r\n$1\r\nv\r\n";
    stream += "GET " + key + "\r\n";
    expected.push_back({"SET", key, "v"});
    expected.push_back({"GET", key});
  }
  FeedResult r = FeedWhole(stream);
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.requests, expected);
}

// Splitting a stream anywhere must not change what is parsed.
TEST(RespParser, EverySplitPointGivesTheSameRequests) {
  const std::string stream =
      "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$10\r\nhello\r\nwor\r\n"
      "PING\r\n"
      "*2\r\n$4\r\nECHO\r\n$0\r\n\r\n"
      "ECHO \"quoted arg\" 'single'\n"
      "*1\r\n$4\r\nQUIT\r\n";
  const Requests expected = FeedWhole(stream).requests;
  ASSERT_EQ(expected.size(), 5u);
  for (size_t cut = 0; cut <= stream.size(); ++cut) {
    FeedResult r = Feed({stream.substr(0, cut), stream.substr(cut)});
    ASSERT_EQ(r.error, "") << "cut at " << cut;
    ASSERT_EQ(r.requests, expected) << "cut at " << cut;
  }
  for (size_t a = 0; a <= stream.size(); a += 3) {
    for (size_t b = a; b <= stream.size(); b += 5) {
      FeedResult r = Feed({stream.substr(0, a), stream.substr(a, b - a), stream.substr(b)});
      ASSERT_EQ(r.requests, expected) << "cuts at " << a << ", " << b;
    }
  }
  std::vector<std::string> bytes;
  for (char c : stream) bytes.emplace_back(1, c);
  EXPECT_EQ(Feed(bytes).requests, expected);
}

TEST(RespParser, PartialRequestWaits) {
  FeedResult r = FeedWhole("*2\r\n$4\r\nECHO\r\n$5\r\nhel");
  EXPECT_EQ(r.error, "");
  EXPECT_TRUE(r.requests.empty());
  EXPECT_EQ(r.leftover, 21u);
}

struct BadInput {
  std::string input;
  std::string error;
};

TEST(RespParser, ProtocolErrorsUseRedisMessages) {
  RespLimits limits;
  limits.max_bulk_len = 1024;
  limits.max_multibulk_len = 100;
  limits.max_inline_len = 64;
  const std::vector<BadInput> cases = {
      {"*abc\r\n", "Protocol error: invalid multibulk length"},
      {"*101\r\n", "Protocol error: invalid multibulk length"},
      {"*1x\r\n", "Protocol error: invalid multibulk length"},
      {"*9223372036854775808\r\n", "Protocol error: invalid multibulk length"},
      {"*1\r\nfoo\r\n", "Protocol error: expected '$', got 'f'"},
      {"*1\r\n:1\r\n", "Protocol error: expected '$', got ':'"},
      {"*1\r\n$-1\r\n", "Protocol error: invalid bulk length"},
      {"*1\r\n$1025\r\n", "Protocol error: invalid bulk length"},
      {"*1\r\n$x\r\n", "Protocol error: invalid bulk length"},
      {"*1\r\n$3\r\nfooXY", "Protocol error: bulk string not followed by CRLF"},
      {"*" + std::string(70, '1'), "Protocol error: too big mbulk count string"},
      {"*1\r\n$" + std::string(70, '1'), "Protocol error: too big bulk count string"},
      {std::string(65, 'a'), "Protocol error: too big inline request"},
      {std::string(70, 'a') + "\r\n", "Protocol error: too big inline request"},
      {"SET k \"unterminated\r\n", "Protocol error: unbalanced quotes in request"},
  };
  for (const BadInput& c : cases) {
    EXPECT_EQ(FeedWhole(c.input, limits).error, c.error) << c.input;
  }
}

TEST(RespParser, DefaultLimitsMatchRedis) {
  EXPECT_EQ(FeedWhole("*1048577\r\n").error, "Protocol error: invalid multibulk length");
  EXPECT_EQ(FeedWhole("*1\r\n$536870913\r\n").error, "Protocol error: invalid bulk length");
  // At the limits themselves the parser waits for the data.
  EXPECT_EQ(FeedWhole("*1048576\r\n").error, "");
  EXPECT_EQ(FeedWhole("*1\r\n$536870912\r\n").error, "");
}

TEST(RespParser, ParserIsReusableAfterRequests) {
  RespParser parser;
  std::vector<std::string_view> args;
  size_t consumed = 0;
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(parser.Parse("*1\r\n$4\r\nPING\r\n", &consumed, &args), RespParser::Status::kRequest);
    EXPECT_EQ(consumed, 14u);
    ASSERT_EQ(parser.Parse("PING\r\n", &consumed, &args), RespParser::Status::kRequest);
    EXPECT_EQ(consumed, 6u);
  }
}

TEST(SplitInlineArgs, RedisCliRules) {
  std::vector<std::string> out;
  ASSERT_TRUE(SplitInlineArgs("  set  a   b ", &out));
  EXPECT_EQ(out, (std::vector<std::string>{"set", "a", "b"}));
  out.clear();
  ASSERT_TRUE(SplitInlineArgs("\"\" ''", &out));
  EXPECT_EQ(out, (std::vector<std::string>{"", ""}));
  out.clear();
  EXPECT_FALSE(SplitInlineArgs("\"abc\"def", &out));
  out.clear();
  EXPECT_FALSE(SplitInlineArgs("'abc", &out));
}

// Inputs kept from fuzzing runs (server/tests/fuzz_regressions): each must parse
// to the same requests whole and byte by byte, without crashing.
TEST(RespParserRegression, FuzzCorpusReplays) {
  const char* dir = CACHEFORGE_FUZZ_REGRESSIONS;
  size_t files = 0;
  RespLimits limits;
  limits.max_bulk_len = 1024;
  limits.max_multibulk_len = 64;
  limits.max_inline_len = 256;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (!entry.is_regular_file() || entry.path().extension() == ".md") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream data;
    data << in.rdbuf();
    std::string input = data.str();
    FeedResult whole = FeedWhole(input, limits);
    std::vector<std::string> bytes;
    for (char c : input) bytes.emplace_back(1, c);
    FeedResult split = Feed(bytes, limits);
    EXPECT_EQ(whole.error.empty(), split.error.empty()) << entry.path();
    if (whole.error.empty()) {
      EXPECT_EQ(whole.requests, split.requests) << entry.path();
    }
    ++files;
  }
  EXPECT_GT(files, 0u) << "no corpus files in " << dir;
}

}  // namespace
}  // namespace cacheforge
