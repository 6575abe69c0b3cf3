// server/cli/reply_printer.cc
// -----------------------------------------------------------------------------
// redis-cli's reply formats.
#include "cli/reply_printer.h"

#include <cstdio>

namespace cacheforge {
namespace {

// Whether redis-cli would print `reply` on more than one line.
bool IsMultiline(const Reply& reply) {
  switch (reply.type()) {
    case Reply::Type::kArray:
    case Reply::Type::kSet:
    case Reply::Type::kPush:
    case Reply::Type::kPairArray:
      if (reply.elements().empty()) return false;
      if (reply.elements().size() > 1) return true;
      return IsMultiline(reply.elements()[0]);
    case Reply::Type::kMap:
      if (reply.elements().empty()) return false;
      if (reply.elements().size() > 2) return true;
      return IsMultiline(reply.elements()[1]);
    default:
      return false;
  }
}

std::string FormatHuman(const Reply& reply, const std::string& indent);

// Numbered elements: `1) a` for arrays and pushes, `1~ a` for sets, and
// `1# key => value` for maps, nested ones indented under their number.
std::string FormatAggregate(const Reply& reply, const std::string& indent) {
  const std::vector<Reply>& elements = reply.elements();
  const bool map = reply.type() == Reply::Type::kMap;
  if (elements.empty()) {
    switch (reply.type()) {
      case Reply::Type::kMap:
        return "(empty hash)\n";
      case Reply::Type::kSet:
        return "(empty set)\n";
      case Reply::Type::kPush:
        return "(empty push)\n";
      default:
        return "(empty array)\n";
    }
  }
  const char separator = map ? '#' : reply.type() == Reply::Type::kSet ? '~' : ')';
  const size_t count = map ? elements.size() / 2 : elements.size();
  const size_t width = std::to_string(count).size();
  const std::string nested = indent + std::string(width + 2, ' ');
  std::string out;
  for (size_t i = 0; i < count; ++i) {
    std::string number = std::to_string(i + 1);
    if (i > 0) out += indent;
    out += std::string(width - number.size(), ' ') + number + separator + ' ';
    if (!map) {
      out += FormatHuman(elements[i], nested);
      continue;
    }
    std::string key = FormatHuman(elements[2 * i], nested);
    if (!key.empty() && key.back() == '\n') key.pop_back();
    out += key + " => ";
    const Reply& value = elements[2 * i + 1];
    if (IsMultiline(value)) out += "\n" + nested;
    out += FormatHuman(value, nested);
  }
  return out;
}

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
    case Reply::Type::kVerbatim:
      return reply.text() + "\n";
    case Reply::Type::kDouble:
      return "(double) " + reply.text() + "\n";
    case Reply::Type::kBoolean:
      return reply.integer() != 0 ? "(true)\n" : "(false)\n";
    case Reply::Type::kNull:
    case Reply::Type::kNullArray:
      return "(nil)\n";
    case Reply::Type::kArray:
    case Reply::Type::kPairArray:
    case Reply::Type::kSet:
    case Reply::Type::kMap:
    case Reply::Type::kPush:
      return FormatAggregate(reply, indent);
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
    case Reply::Type::kVerbatim:
    case Reply::Type::kDouble:
      return reply.text() + "\n";
    case Reply::Type::kError:
      return "(error) " + reply.text() + "\n";
    case Reply::Type::kInteger:
      return std::to_string(reply.integer()) + "\n";
    case Reply::Type::kBoolean:
      return reply.integer() != 0 ? "(true)\n" : "(false)\n";
    case Reply::Type::kNull:
    case Reply::Type::kNullArray:
      return "\n";
    case Reply::Type::kMap: {  // "key value" per line, as redis-cli --raw
      std::string out;
      const std::vector<Reply>& kv = reply.elements();
      for (size_t i = 0; i + 1 < kv.size(); i += 2) {
        std::string key = FormatRaw(kv[i]);
        if (!key.empty() && key.back() == '\n') key.pop_back();
        out += key + " " + FormatRaw(kv[i + 1]);
      }
      return out;
    }
    case Reply::Type::kArray:
    case Reply::Type::kPairArray:
    case Reply::Type::kSet:
    case Reply::Type::kPush:
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
