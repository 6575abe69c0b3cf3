// server/commands/reply.h
// -----------------------------------------------------------------------------
// The result value of every command handler. Handlers build a Reply; only the
// protocol layer (net/resp_writer.h) turns it into bytes, in the protocol the
// client chose with HELLO. Errors are values: an error reply carries Redis's
// full text including its code ("ERR ...", "WRONGTYPE ...").
//
// The types beyond RESP2's say what a reply means, so that RESP3 clients get
// Redis's RESP3 shape and RESP2 clients the same bytes as before: a map is a
// flat array of 2N in RESP2, a set an array, a double a bulk string, a push
// (pub/sub) an array, a pair array a flat array of 2N (WITHSCORES), a
// verbatim string a bulk string.
#ifndef CACHEFORGE_COMMANDS_REPLY_H_
#define CACHEFORGE_COMMANDS_REPLY_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "util/numbers.h"

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
    kDouble,     // text(): the number as Redis prints it ("%.17g", "inf", "-inf")
    kMap,        // elements(): key, value, key, value, ...
    kSet,        // elements(): the members
    kPairArray,  // elements(): a, b, a, b, ...: an array of [a, b] pairs in RESP3
    kPush,       // elements(): an out-of-band message (pub/sub)
    kVerbatim,   // text(): plain text meant for people (CLIENT LIST)
    kBoolean,    // integer(): 0 or 1 (RESP2: an integer)
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

  // A double as Redis replies with a score: RESP3's double type, or a bulk
  // string in RESP2.
  static Reply Double(double value) { return Reply(Type::kDouble, FormatDouble(value)); }
  // A double as a client received it, digits untouched.
  static Reply DoubleText(std::string text) { return Reply(Type::kDouble, std::move(text)); }
  // `key_values`: key, value, key, value, ...
  static Reply Map(std::vector<Reply> key_values) { return Aggregate(Type::kMap, key_values); }
  static Reply Set(std::vector<Reply> members) { return Aggregate(Type::kSet, members); }
  // `flat`: a, b, a, b, ...: RESP2 sends it as it is, RESP3 as [[a, b], ...].
  static Reply PairArray(std::vector<Reply> flat) { return Aggregate(Type::kPairArray, flat); }
  static Reply Push(std::vector<Reply> elements) { return Aggregate(Type::kPush, elements); }
  static Reply Verbatim(std::string text) { return Reply(Type::kVerbatim, std::move(text)); }
  static Reply Boolean(bool value) {
    Reply r(Type::kBoolean, {});
    r.integer_ = value ? 1 : 0;
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
  static Reply Aggregate(Type type, std::vector<Reply>& elements) {
    Reply r(type, {});
    r.elements_ = std::move(elements);
    return r;
  }

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
