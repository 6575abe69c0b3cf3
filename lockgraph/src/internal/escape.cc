#include "internal/escape.h"

#include <cstddef>

namespace lockgraph::internal {
namespace {

constexpr char kReplacement[] = "\xef\xbf\xbd";  // U+FFFD in UTF-8

// The length of the well-formed UTF-8 sequence at the start of `s` (whose
// first byte is >= 0x80), or 0 with `*invalid` set to the length of its
// ill-formed maximal subpart. Unicode's table 3-7: the second byte's range
// depends on the first (no overlong forms, no surrogates, nothing past
// U+10FFFF); the others are 0x80..0xBF.
size_t Utf8SequenceLength(std::string_view s, size_t* invalid) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char lead = byte(0);
  size_t length = 0;
  unsigned char low = 0x80, high = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    if (lead == 0xe0) low = 0xa0;
    if (lead == 0xed) high = 0x9f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    if (lead == 0xf0) low = 0x90;
    if (lead == 0xf4) high = 0x8f;
  } else {
    *invalid = 1;
    return 0;
  }
  size_t i = 1;
  for (; i < length && i < s.size(); ++i) {
    if (byte(i) < low || byte(i) > high) break;
    low = 0x80;
    high = 0xbf;
  }
  if (i == length) return length;
  *invalid = i;
  return 0;
}

void AppendEntity(std::string* out, char c) {
  switch (c) {
    case '&':
      *out += "&amp;";
      break;
    case '<':
      *out += "&lt;";
      break;
    case '>':
      *out += "&gt;";
      break;
    case '"':
      *out += "&quot;";
      break;
    case '\'':
      *out += "&apos;";
      break;
    default:
      out->push_back(c);
  }
}

}  // namespace

void AppendJsonQuoted(std::string* out, std::string_view s) {
  out->push_back('"');
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      size_t invalid = 0;
      const size_t length = Utf8SequenceLength(s.substr(i), &invalid);
      if (length > 0) {
        out->append(s.substr(i, length));
        i += length;
      } else {
        *out += kReplacement;
        i += invalid;
      }
      continue;
    }
    ++i;
    switch (c) {
      case '"':
        *out += "\\\"";
        break;
      case '\\':
        *out += "\\\\";
        break;
      case '\n':
        *out += "\\n";
        break;
      case '\r':
        *out += "\\r";
        break;
      case '\t':
        *out += "\\t";
        break;
      default:
        if (c < 0x20) {
          constexpr char kHex[] = "0123456789abcdef";
          *out += "\\u00";
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 0xf]);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

std::string JsonQuoted(std::string_view s) {
  std::string out;
  AppendJsonQuoted(&out, s);
  return out;
}

std::string DotQuoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string HtmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    // An apostrophe needs no reference: attributes are always double-quoted.
    if (c == '\'') {
      out.push_back(c);
    } else {
      AppendEntity(&out, c);
    }
  }
  return out;
}

std::string XmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') {
      out.push_back('?');
    } else {
      AppendEntity(&out, c);
    }
  }
  return out;
}

}  // namespace lockgraph::internal
