// server/tests/http_request_parser_test.cc
// -----------------------------------------------------------------------------
// The metrics port's request parser: a table of heads and what each must
// give, then a deterministic mutation run that checks the properties the
// fuzzer (server/fuzz/http_request_fuzzer.cc) checks, on every build.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "http/request_parser.h"

namespace cacheforge {
namespace {

using Status = HttpParseResult::Status;
constexpr size_t kLimit = 256;

struct Case {
  const char* name;
  std::string input;
  Status status;
  int code;          // kError: the status code
  const char* path;  // kComplete: the path
};

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

std::vector<Case> Cases() {
  return {
      {"minimal 1.1", "GET /metrics HTTP/1.1\r\n\r\n", Status::kComplete, 0, "/metrics"},
      {"1.0 with headers", "GET /healthz HTTP/1.0\r\nHost: x\r\nUser-Agent: curl/8\r\n\r\n",
       Status::kComplete, 0, "/healthz"},
      {"query dropped from path", "GET /metrics?name=x HTTP/1.1\r\n\r\n", Status::kComplete, 0,
       "/metrics"},
      {"HEAD", "HEAD / HTTP/1.1\r\n\r\n", Status::kComplete, 0, "/"},
      {"other methods parse (405 is routing's)", "DELETE /x HTTP/1.1\r\n\r\n", Status::kComplete, 0,
       "/x"},
      {"leading empty lines skipped", "\r\n\r\nGET / HTTP/1.1\r\n\r\n", Status::kComplete, 0, "/"},
      {"Content-Length 0 is no body", "GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
       Status::kComplete, 0, "/"},
      {"header value with spaces and obs-text", "GET / HTTP/1.1\r\nX: a b \xff\r\n\r\n",
       Status::kComplete, 0, "/"},
      {"empty", "", Status::kNeedMore, 0, nullptr},
      {"partial method", "GE", Status::kNeedMore, 0, nullptr},
      {"partial version", "GET / HT", Status::kNeedMore, 0, nullptr},
      {"line without LF yet", "GET / HTTP/1.1\r", Status::kNeedMore, 0, nullptr},
      {"head not finished", "GET / HTTP/1.1\r\nHost: x\r\n", Status::kNeedMore, 0, nullptr},
      {"partial header", "GET / HTTP/1.1\r\nHo", Status::kNeedMore, 0, nullptr},
      {"RESP on the wrong port", "*1\r\n$4\r\nPING\r\n", Status::kError, 400, nullptr},
      {"TLS hello", std::string("\x16\x03\x01\x02\x00\x01", 6), Status::kError, 400, nullptr},
      {"binary in method", std::string("G\0T", 3), Status::kError, 400, nullptr},
      {"lower-case garbage word", "garbage\r\n\r\n", Status::kError, 400, nullptr},
      {"empty method", " / HTTP/1.1\r\n\r\n", Status::kError, 400, nullptr},
      {"absolute target", "GET http://h/metrics HTTP/1.1\r\n\r\n", Status::kError, 400, nullptr},
      {"asterisk target", "OPTIONS * HTTP/1.1\r\n\r\n", Status::kError, 400, nullptr},
      {"space in target", "GET /a b HTTP/1.1\r\n\r\n", Status::kError, 400, nullptr},
      {"control char in target", "GET /a\x01 HTTP/1.1\r\n\r\n", Status::kError, 400, nullptr},
      {"no version", "GET /\r\n\r\n", Status::kError, 400, nullptr},
      {"bad version", "GET / HTTQ/1.1\r\n", Status::kError, 400, nullptr},
      {"version too long", "GET / HTTP/1.10\r\n\r\n", Status::kError, 400, nullptr},
      {"HTTP/2", "GET / HTTP/2.0\r\n\r\n", Status::kError, 505, nullptr},
      {"HTTP/0.9 style", "GET /\r\n", Status::kError, 400, nullptr},
      {"bare LF", "GET / HTTP/1.1\n\n", Status::kError, 400, nullptr},
      {"bare CR", "GET / HTTP/1.1\rX\r\n\r\n", Status::kError, 400, nullptr},
      {"header without colon", "GET / HTTP/1.1\r\nHost\r\n\r\n", Status::kError, 400, nullptr},
      {"empty header name", "GET / HTTP/1.1\r\n: x\r\n\r\n", Status::kError, 400, nullptr},
      {"space before colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", Status::kError, 400, nullptr},
      {"line folding", "GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n", Status::kError, 400, nullptr},
      {"control char in value", "GET / HTTP/1.1\r\nA: b\x01\r\n\r\n", Status::kError, 400, nullptr},
      {"a body", "GET / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello", Status::kError, 400, nullptr},
      {"chunked body", "GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", Status::kError, 400,
       nullptr},
      {"bad Content-Length", "GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n", Status::kError, 400,
       nullptr},
      {"long target", "GET /" + std::string(300, 'a') + " HTTP/1.1\r\n\r\n", Status::kError, 414,
       nullptr},
      {"long target, still arriving", "GET /" + std::string(300, 'a'), Status::kError, 414,
       nullptr},
      {"long header", "GET / HTTP/1.1\r\nX: " + std::string(300, 'a') + "\r\n\r\n", Status::kError,
       431, nullptr},
      {"endless empty lines", Repeat("\r\n", 200), Status::kError, 414, nullptr},
  };
}

TEST(HttpRequestParser, Table) {
  for (const Case& c : Cases()) {
    HttpRequest request;
    HttpParseResult r = ParseHttpRequest(c.input, kLimit, &request);
    EXPECT_EQ(r.status, c.status) << c.name << ": " << r.error;
    if (c.status == Status::kError) {
      EXPECT_EQ(r.error_code, c.code) << c.name << ": " << r.error;
      EXPECT_FALSE(r.error.empty()) << c.name;
    }
    if (c.status == Status::kComplete) {
      EXPECT_EQ(request.path, c.path) << c.name;
      EXPECT_LE(r.consumed, c.input.size()) << c.name;
    }
  }
}

TEST(HttpRequestParser, FieldsOfACompleteHead) {
  HttpRequest request;
  std::string head = "GET /metrics?x=1 HTTP/1.0\r\nHost: example\r\nAccept:  text/plain \r\n\r\n";
  HttpParseResult r = ParseHttpRequest(head + "trailing", kLimit, &request);
  ASSERT_EQ(r.status, Status::kComplete);
  EXPECT_EQ(r.consumed, head.size());
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.target, "/metrics?x=1");
  EXPECT_EQ(request.minor_version, 0);
  ASSERT_EQ(request.headers.size(), 2u);
  EXPECT_EQ(request.headers[0].first, "host");
  EXPECT_EQ(request.headers[1].second, "text/plain");
}

TEST(HttpRequestParser, TooManyHeaders) {
  std::string head = "GET / HTTP/1.1\r\n";
  for (size_t i = 0; i <= kMaxHeaders; ++i) head += "A: b\r\n";
  head += "\r\n";
  HttpRequest request;
  HttpParseResult r = ParseHttpRequest(head, 1 << 20, &request);
  ASSERT_EQ(r.status, Status::kError);
  EXPECT_EQ(r.error_code, 431);
}

// The fuzzer's properties: no valid head is refused while it is arriving,
// and a refusal never changes as more bytes come.
void CheckPrefixConsistency(const std::string& input) {
  HttpRequest request;
  HttpParseResult whole = ParseHttpRequest(input, kLimit, &request);
  if (whole.status == Status::kComplete) {
    ASSERT_GT(whole.consumed, 0u);
    ASSERT_LE(whole.consumed, std::min(input.size(), kLimit));
  }
  for (size_t cut = 0; cut < input.size(); ++cut) {
    HttpRequest partial;
    HttpParseResult prefix = ParseHttpRequest(input.substr(0, cut), kLimit, &partial);
    if (whole.status == Status::kComplete && cut < whole.consumed) {
      ASSERT_EQ(prefix.status, Status::kNeedMore) << "cut " << cut << " of " << input;
    }
    if (prefix.status == Status::kError) {
      ASSERT_EQ(whole.status, Status::kError) << "cut " << cut << " of " << input;
      ASSERT_EQ(whole.error_code, prefix.error_code) << "cut " << cut << " of " << input;
    }
  }
}

TEST(HttpRequestParser, MutationsKeepPrefixConsistency) {
  std::vector<std::string> seeds;
  for (const Case& c : Cases()) seeds.push_back(c.input);
  std::mt19937 random(12345);
  static constexpr char kAlphabet[] = "GETHP/1.0 \r\n:azAZ?*\t\x7f\x80";
  const std::string alphabet = std::string(kAlphabet, sizeof(kAlphabet) - 1) + '\0';
  for (const std::string& seed : seeds) CheckPrefixConsistency(seed);
  for (int round = 0; round < 3000; ++round) {
    std::string input = seeds[random() % seeds.size()];
    int edits = 1 + static_cast<int>(random() % 4);
    for (int e = 0; e < edits; ++e) {
      size_t at = input.empty() ? 0 : random() % input.size();
      char c = alphabet[random() % alphabet.size()];
      switch (random() % 3) {
        case 0:
          if (!input.empty()) input[at] = c;
          break;
        case 1:
          input.insert(input.begin() + static_cast<long>(at), c);
          break;
        default:
          if (!input.empty()) input.erase(at, 1);
          break;
      }
    }
    CheckPrefixConsistency(input);
    if (testing::Test::HasFatalFailure()) return;
  }
}

}  // namespace
}  // namespace cacheforge
