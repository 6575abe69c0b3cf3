// server/commands/reply.h
// -----------------------------------------------------------------------------
// The result value of every command handler. Handlers build a Reply; only the
// protocol layer (net/resp_writer.h) turns it into bytes. Errors are values:
// an error reply carries Redis's full text including its code ("ERR ...",
// "WRONGTYPE ...").
#ifndef CACHEFORGE_COMMANDS_REPLY_H_
#define CACHEFORGE_COMMANDS_REPLY_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace cacheforge {

class Reply {
 public:
  enum class Type {
    kStatus,
    kError,
    kInteger,
    kBulk,
    kNull,
    kNullArray,
    kArray,
    kNoReply,
    kSequence,
  };

  static Reply Ok() { return Status("OK"); }
  static Reply Status(std::string text) { return Reply(Type::kStatus, std::move(text)); }
  static Reply Error(std::string text) { return Reply(Type::kError, std::move(text)); }
  static Reply Integer(int64_t value) {
    Reply r(Type::kInteger, {});
    r.integer_ = value;
    return r;
  }
  static Reply Bulk(std::string data) { return Reply(Type::kBulk, std::move(data)); }
  static Reply Null() { return Reply(Type::kNull, {}); }
  static Reply NullArray() { return Reply(Type::kNullArray, {}); }
  static Reply Array(std::vector<Reply> elements = {}) {
    Reply r(Type::kArray, {});
    r.elements_ = std::move(elements);
    return r;
  }
  // For commands that answer nothing (SHUTDOWN closes the connection instead).
  static Reply None() { return Reply(Type::kNoReply, {}); }
  // Several replies to one command, sent one after the other (SUBSCRIBE
  // answers once per channel).
  static Reply Sequence(std::vector<Reply> replies) {
    Reply r(Type::kSequence, {});
    r.elements_ = std::move(replies);
    return r;
  }

  Type type() const { return type_; }
  bool is_error() const { return type_ == Type::kError; }
  const std::string& text() const { return text_; }
  int64_t integer() const { return integer_; }
  const std::vector<Reply>& elements() const { return elements_; }
  std::vector<Reply>& elements() { return elements_; }

 private:
  Reply(Type type, std::string text) : type_(type), text_(std::move(text)) {}

  Type type_;
  std::string text_;
  int64_t integer_ = 0;
  std::vector<Reply> elements_;
};

// Redis's shared error texts, so every command says the same thing.
namespace errors {
inline constexpr char kSyntax[] = "ERR syntax error";
inline constexpr char kNotInteger[] = "ERR value is not an integer or out of range";
inline constexpr char kNotFloat[] = "ERR value is not a valid float";
inline constexpr char kNoSuchKey[] = "ERR no such key";
inline constexpr char kOverflow[] = "ERR increment or decrement would overflow";
inline constexpr char kWrongType[] =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
inline constexpr char kNoAuth[] = "NOAUTH Authentication required.";
inline constexpr char kOom[] = "OOM command not allowed when used memory > 'maxmemory'.";
}  // namespace errors

}  // namespace cacheforge

#endif  // CACHEFORGE_COMMANDS_REPLY_H_
