// server/net/resp_writer.cc
// -----------------------------------------------------------------------------
// RESP2 encoding of Reply values.
#include "net/resp_writer.h"

#include <charconv>

namespace cacheforge {
namespace {

void AppendNumberLine(char prefix, int64_t value, std::string* out) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  out->push_back(prefix);
  out->append(buf, end);
  out->append("\r\n", 2);
}

void AppendLine(char prefix, std::string_view text, std::string* out) {
  out->push_back(prefix);
  for (char c : text) out->push_back(c == '\r' || c == '\n' ? ' ' : c);
  out->append("\r\n", 2);
}

}  // namespace

void AppendError(std::string_view text, std::string* out) { AppendLine('-', text, out); }

void AppendReply(const Reply& reply, std::string* out) {
  switch (reply.type()) {
    case Reply::Type::kStatus:
      AppendLine('+', reply.text(), out);
      break;
    case Reply::Type::kError:
      AppendLine('-', reply.text(), out);
      break;
    case Reply::Type::kInteger:
      AppendNumberLine(':', reply.integer(), out);
      break;
    case Reply::Type::kBulk:
      AppendNumberLine('$', static_cast<int64_t>(reply.text().size()), out);
      out->append(reply.text());
      out->append("\r\n", 2);
      break;
    case Reply::Type::kNull:
      out->append("$-1\r\n", 5);
      break;
    case Reply::Type::kNullArray:
      out->append("*-1\r\n", 5);
      break;
    case Reply::Type::kArray:
      AppendNumberLine('*', static_cast<int64_t>(reply.elements().size()), out);
      for (const Reply& element : reply.elements()) AppendReply(element, out);
      break;
    case Reply::Type::kNoReply:
      break;
    case Reply::Type::kSequence:
      for (const Reply& element : reply.elements()) AppendReply(element, out);
      break;
  }
}

}  // namespace cacheforge
