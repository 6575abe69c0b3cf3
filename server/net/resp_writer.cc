// server/net/resp_writer.cc
// -----------------------------------------------------------------------------
// RESP2 and RESP3 encoding of Reply values.
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

void AppendBulk(std::string_view data, std::string* out) {
  AppendNumberLine('$', static_cast<int64_t>(data.size()), out);
  out->append(data);
  out->append("\r\n", 2);
}

void AppendElements(char prefix, const std::vector<Reply>& elements, int protocol,
                    std::string* out) {
  AppendNumberLine(prefix, static_cast<int64_t>(elements.size()), out);
  for (const Reply& element : elements) AppendReply(element, protocol, out);
}

}  // namespace

void AppendError(std::string_view text, std::string* out) { AppendLine('-', text, out); }

void AppendReply(const Reply& reply, int protocol, std::string* out) {
  const bool resp3 = protocol >= 3;
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
      AppendBulk(reply.text(), out);
      break;
    case Reply::Type::kNull:
      out->append(resp3 ? "_\r\n" : "$-1\r\n");
      break;
    case Reply::Type::kNullArray:
      out->append(resp3 ? "_\r\n" : "*-1\r\n");
      break;
    case Reply::Type::kArray:
      AppendElements('*', reply.elements(), protocol, out);
      break;
    case Reply::Type::kNoReply:
      break;
    case Reply::Type::kSequence:
      for (const Reply& element : reply.elements()) AppendReply(element, protocol, out);
      break;
    case Reply::Type::kDouble:
      if (resp3) {
        AppendLine(',', reply.text(), out);
      } else {
        AppendBulk(reply.text(), out);
      }
      break;
    case Reply::Type::kMap:
      if (resp3) {
        AppendNumberLine('%', static_cast<int64_t>(reply.elements().size() / 2), out);
        for (const Reply& element : reply.elements()) AppendReply(element, protocol, out);
      } else {
        AppendElements('*', reply.elements(), protocol, out);
      }
      break;
    case Reply::Type::kSet:
      AppendElements(resp3 ? '~' : '*', reply.elements(), protocol, out);
      break;
    case Reply::Type::kPairArray: {
      const std::vector<Reply>& flat = reply.elements();
      if (!resp3) {
        AppendElements('*', flat, protocol, out);
        break;
      }
      AppendNumberLine('*', static_cast<int64_t>(flat.size() / 2), out);
      for (size_t i = 0; i + 1 < flat.size(); i += 2) {
        out->append("*2\r\n");
        AppendReply(flat[i], protocol, out);
        AppendReply(flat[i + 1], protocol, out);
      }
      break;
    }
    case Reply::Type::kPush:
      AppendElements(resp3 ? '>' : '*', reply.elements(), protocol, out);
      break;
    case Reply::Type::kVerbatim:
      if (resp3) {
        // =LEN\r\ntxt:TEXT\r\n, LEN counting the "txt:" format prefix.
        AppendNumberLine('=', static_cast<int64_t>(reply.text().size() + 4), out);
        out->append("txt:");
        out->append(reply.text());
        out->append("\r\n", 2);
      } else {
        AppendBulk(reply.text(), out);
      }
      break;
    case Reply::Type::kBoolean:
      if (resp3) {
        out->append(reply.integer() != 0 ? "#t\r\n" : "#f\r\n");
      } else {
        AppendNumberLine(':', reply.integer() != 0 ? 1 : 0, out);
      }
      break;
  }
}

}  // namespace cacheforge
