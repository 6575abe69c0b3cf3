// server/cli/reply_printer.cc
// -----------------------------------------------------------------------------
// redis-cli's reply formats.
#include "cli/reply_printer.h"

#include <cstdio>

namespace cacheforge {
namespace {

std::string FormatHuman(const Reply& reply, const std::string& indent) {
  switch (reply.type()) {
    case Reply::Type::kStatus:
      return reply.text() + "\n";
    case Reply::Type::kError:
      return "(error) " + reply.text() + "\n";
    case Reply::Type::kInteger:
      return "(integer) " + std::to_string(reply.integer()) + "\n";
    case Reply::Type::kBulk:
      return QuoteString(reply.text()) + "\n";
    case Reply::Type::kNull:
    case Reply::Type::kNullArray:
      return "(nil)\n";
    case Reply::Type::kArray: {
      if (reply.elements().empty()) return "(empty array)\n";
      std::string out;
      const size_t count = reply.elements().size();
      const size_t width = std::to_string(count).size();
      for (size_t i = 0; i < count; ++i) {
        std::string number = std::to_string(i + 1);
        std::string prefix = std::string(width - number.size(), ' ') + number + ") ";
        if (i > 0) out += indent;
        out += prefix + FormatHuman(reply.elements()[i], indent + std::string(prefix.size(), ' '));
      }
      return out;
    }
    case Reply::Type::kNoReply:
      return "";
    case Reply::Type::kSequence: {  // the reader never makes one; shown as consecutive replies
      std::string out;
      for (const Reply& element : reply.elements()) out += FormatHuman(element, indent);
      return out;
    }
  }
  return "";
}

std::string FormatRaw(const Reply& reply) {
  switch (reply.type()) {
    case Reply::Type::kStatus:
    case Reply::Type::kBulk:
      return reply.text() + "\n";
    case Reply::Type::kError:
      return "(error) " + reply.text() + "\n";
    case Reply::Type::kInteger:
      return std::to_string(reply.integer()) + "\n";
    case Reply::Type::kNull:
    case Reply::Type::kNullArray:
      return "\n";
    case Reply::Type::kArray:
    case Reply::Type::kSequence: {
      std::string out;
      for (const Reply& element : reply.elements()) out += FormatRaw(element);
      return out;
    }
    case Reply::Type::kNoReply:
      return "";
  }
  return "";
}

}  // namespace

std::string QuoteString(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\a':
        out += "\\a";
        break;
      case '\b':
        out += "\\b";
        break;
      default:
        if (c >= 0x20 && c < 0x7f) {
          out.push_back(static_cast<char>(c));
        } else {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\x%02x", c);
          out += buf;
        }
    }
  }
  out += "\"";
  return out;
}

std::string FormatReply(const Reply& reply, bool raw) {
  return raw ? FormatRaw(reply) : FormatHuman(reply, "");
}

}  // namespace cacheforge
