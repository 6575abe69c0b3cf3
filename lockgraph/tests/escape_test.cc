// Escaping for every output format: what each one must not pass through
// (quotes, backslashes, control characters, markup), what it must leave
// alone (UTF-8), and JSON that a strict parser reads back unchanged.
#include "internal/escape.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace lockgraph::internal {
namespace {

using std::string_literals::operator""s;

const std::string kUtf8 = "caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x94\x92";  // "café → 🔒"

TEST(EscapeTest, JsonQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(JsonQuoted(""), "\"\"");
  EXPECT_EQ(JsonQuoted("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(JsonQuoted("\n\r\t"), "\"\\n\\r\\t\"");
  EXPECT_EQ(JsonQuoted("\x01\x1f\b\f"), "\"\\u0001\\u001f\\u0008\\u000c\"");
  EXPECT_EQ(JsonQuoted("a\0b"s), "\"a\\u0000b\"");
  EXPECT_EQ(JsonQuoted("<>&'\x7f/"), "\"<>&'\x7f/\"");
  EXPECT_EQ(JsonQuoted(kUtf8), "\"" + kUtf8 + "\"");
  std::string appended = "[";
  AppendJsonQuoted(&appended, "x");
  EXPECT_EQ(appended, "[\"x\"");
}

TEST(EscapeTest, JsonReplacesIllFormedUtf8) {
  const std::string r = "\xef\xbf\xbd";                                    // U+FFFD
  EXPECT_EQ(JsonQuoted("caf\xc3"), "\"caf" + r + "\"");                    // cut inside a character
  EXPECT_EQ(JsonQuoted("\xe9t\xe9"), "\"" + r + "t" + r + "\"");           // Latin-1
  EXPECT_EQ(JsonQuoted("\xc0\xaf"), "\"" + r + r + "\"");                  // overlong '/'
  EXPECT_EQ(JsonQuoted("\xed\xa0\x80"), "\"" + r + r + r + "\"");          // a surrogate
  EXPECT_EQ(JsonQuoted("\xf4\x90\x80\x80"), "\"" + r + r + r + r + "\"");  // past U+10FFFF
  // One replacement for the longest start of a valid sequence, as Unicode
  // recommends: E2 86 is the start of U+2192, cut short by 'x'.
  EXPECT_EQ(JsonQuoted("\xe2\x86x"), "\"" + r + "x\"");
  EXPECT_EQ(JsonQuoted("\xf0\x9f\x94"), "\"" + r + "\"");
  EXPECT_EQ(JsonQuoted("\x80\xbf"), "\"" + r + r + "\"");
}

TEST(EscapeTest, JsonRoundTripsThroughAStrictParser) {
  for (const std::string& s : {kUtf8, "\"\\\n\x01</script>"s, "nul \0 inside"s}) {
    EXPECT_EQ(nlohmann::json::parse(JsonQuoted(s)).get<std::string>(), s);
  }
  // What is not UTF-8 still parses (nlohmann, like the `check` reader,
  // rejects ill-formed UTF-8 outright).
  std::string every_byte;
  for (int c = 0; c < 256; ++c) every_byte.push_back(static_cast<char>(c));
  EXPECT_TRUE(nlohmann::json::accept(JsonQuoted(every_byte)));
  EXPECT_EQ(nlohmann::json::parse(JsonQuoted("caf\xc3")).get<std::string>(), "caf\xef\xbf\xbd");
}

TEST(EscapeTest, DotQuotesBackslashesAndNewlines) {
  EXPECT_EQ(DotQuoted(""), "\"\"");
  EXPECT_EQ(DotQuoted("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(DotQuoted("name\nsite.cc:12"), "\"name\\nsite.cc:12\"");
  EXPECT_EQ(DotQuoted("<>&'{}"), "\"<>&'{}\"");
  EXPECT_EQ(DotQuoted(kUtf8), "\"" + kUtf8 + "\"");
}

TEST(EscapeTest, HtmlEscapesMarkupAndDoubleQuotes) {
  EXPECT_EQ(HtmlEscape("<b>&\"x\"</b>"), "&lt;b&gt;&amp;&quot;x&quot;&lt;/b&gt;");
  EXPECT_EQ(HtmlEscape("it's"), "it's");
  EXPECT_EQ(HtmlEscape("&amp;"), "&amp;amp;");
  EXPECT_EQ(HtmlEscape("a\nb\x01"), "a\nb\x01");
  EXPECT_EQ(HtmlEscape(kUtf8), kUtf8);
}

TEST(EscapeTest, XmlEscapesBothQuotesAndDropsForbiddenControlCharacters) {
  EXPECT_EQ(XmlEscape("<>&\"'"), "&lt;&gt;&amp;&quot;&apos;");
  EXPECT_EQ(XmlEscape("a\tb\nc\rd"), "a\tb\nc\rd");
  EXPECT_EQ(XmlEscape("\x01x\x1f\0"s), "?x??");
  EXPECT_EQ(XmlEscape("\\"), "\\");
  EXPECT_EQ(XmlEscape(kUtf8), kUtf8);
}

}  // namespace
}  // namespace lockgraph::internal
