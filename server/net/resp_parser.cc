// server/net/resp_parser.cc
// -----------------------------------------------------------------------------
// The request parser's state machine:
//
//   kStart ──'*'──▶ kMultibulkCount ──▶ (kBulkHeader ──▶ kBulkBody)×N ──▶ request
//      └──other──▶ kInline ──'\n'──▶ request
//
// `pos_` is an offset from the start of the request, so the caller may move
// or reallocate its buffer between calls.
#include "net/resp_parser.h"

#include <algorithm>
#include <cstring>

#include "util/numbers.h"

namespace cacheforge {
namespace {

// Finds "\r\n" at or after `from`; returns the offset of '\r' or npos.
size_t FindCrlf(std::string_view input, size_t from) {
  while (from < input.size()) {
    const void* cr = std::memchr(input.data() + from, '\r', input.size() - from);
    if (cr == nullptr) return std::string_view::npos;
    size_t at = static_cast<const char*>(cr) - input.data();
    if (at + 1 >= input.size()) return std::string_view::npos;  // '\n' not here yet
    if (input[at + 1] == '\n') return at;
    from = at + 1;
  }
  return std::string_view::npos;
}

}  // namespace

void RespParser::Reset() {
  state_ = State::kStart;
  pos_ = 0;
  elements_left_ = 0;
  bulk_len_ = 0;
}

RespParser::Status RespParser::Fail(std::string message) {
  error_ = "Protocol error: " + std::move(message);
  Reset();
  return Status::kError;
}

RespParser::Status RespParser::Parse(std::string_view input, size_t* consumed,
                                     std::vector<std::string_view>* args) {
  *consumed = 0;
  args->clear();
  if (state_ == State::kStart) {
    if (input.empty()) return Status::kNeedMore;
    if (input[0] == '*') {
      state_ = State::kMultibulkCount;
      pos_ = 1;
    } else {
      state_ = State::kInline;
      pos_ = 0;
    }
  }
  if (state_ == State::kInline) return ParseInline(input, consumed, args);

  for (;;) {
    switch (state_) {
      case State::kMultibulkCount: {
        size_t cr = FindCrlf(input, pos_);
        if (cr == std::string_view::npos) {
          if (input.size() > limits_.max_inline_len) return Fail("too big mbulk count string");
          return Status::kNeedMore;
        }
        int64_t count = 0;
        if (!ParseInt64(input.substr(1, cr - 1), &count) || count > limits_.max_multibulk_len) {
          return Fail("invalid multibulk length");
        }
        pos_ = cr + 2;
        if (count <= 0) {  // "*0" and "*-1" carry no command; Redis skips them
          *consumed = pos_;
          Reset();
          return Status::kRequest;
        }
        elements_left_ = count;
        spans_.clear();
        spans_.reserve(static_cast<size_t>(std::min<int64_t>(count, 1024)));
        state_ = State::kBulkHeader;
        break;
      }
      case State::kBulkHeader: {
        if (pos_ >= input.size()) return Status::kNeedMore;
        if (input[pos_] != '$') {
          return Fail(std::string("expected '$', got '") + input[pos_] + "'");
        }
        size_t cr = FindCrlf(input, pos_ + 1);
        if (cr == std::string_view::npos) {
          if (input.size() - pos_ > limits_.max_inline_len) {
            return Fail("too big bulk count string");
          }
          return Status::kNeedMore;
        }
        int64_t len = 0;
        if (!ParseInt64(input.substr(pos_ + 1, cr - pos_ - 1), &len) || len < 0 ||
            len > limits_.max_bulk_len) {
          return Fail("invalid bulk length");
        }
        bulk_len_ = len;
        pos_ = cr + 2;
        state_ = State::kBulkBody;
        break;
      }
      case State::kBulkBody: {
        size_t need = static_cast<size_t>(bulk_len_) + 2;
        if (input.size() - pos_ < need) return Status::kNeedMore;
        size_t end = pos_ + static_cast<size_t>(bulk_len_);
        if (input[end] != '\r' || input[end + 1] != '\n') {
          return Fail("bulk string not followed by CRLF");
        }
        spans_.emplace_back(pos_, static_cast<size_t>(bulk_len_));
        pos_ = end + 2;
        if (--elements_left_ > 0) {
          state_ = State::kBulkHeader;
          break;
        }
        args->reserve(spans_.size());
        for (const auto& [offset, length] : spans_) args->push_back(input.substr(offset, length));
        *consumed = pos_;
        Reset();
        return Status::kRequest;
      }
      case State::kStart:
      case State::kInline:
        return Fail("internal parser state");  // unreachable: handled above
    }
  }
}

RespParser::Status RespParser::ParseInline(std::string_view input, size_t* consumed,
                                           std::vector<std::string_view>* args) {
  const void* nl = std::memchr(input.data() + pos_, '\n', input.size() - pos_);
  if (nl == nullptr) {
    pos_ = input.size();  // never scan these bytes again
    if (input.size() > limits_.max_inline_len) return Fail("too big inline request");
    return Status::kNeedMore;
  }
  size_t at = static_cast<const char*>(nl) - input.data();
  if (at > limits_.max_inline_len) return Fail("too big inline request");
  std::string_view line = input.substr(0, at);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  inline_args_.clear();
  if (!SplitInlineArgs(line, &inline_args_)) return Fail("unbalanced quotes in request");
  args->reserve(inline_args_.size());
  for (const std::string& arg : inline_args_) args->push_back(arg);
  *consumed = at + 1;
  Reset();
  return Status::kRequest;
}

namespace {

bool IsHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

}  // namespace

bool SplitInlineArgs(std::string_view line, std::vector<std::string>* out) {
  size_t i = 0;
  const size_t n = line.size();
  for (;;) {
    while (i < n && IsSpace(line[i])) ++i;
    if (i >= n) return true;
    std::string current;
    bool in_double = false;
    bool in_single = false;
    bool done = false;
    while (!done) {
      if (in_double) {
        if (i >= n) return false;
        char c = line[i];
        if (c == '\\' && i + 3 < n && line[i + 1] == 'x' && IsHexDigit(line[i + 2]) &&
            IsHexDigit(line[i + 3])) {
          current.push_back(static_cast<char>(HexValue(line[i + 2]) * 16 + HexValue(line[i + 3])));
          i += 3;
        } else if (c == '\\' && i + 1 < n) {
          ++i;
          switch (line[i]) {
            case 'n':
              current.push_back('\n');
              break;
            case 'r':
              current.push_back('\r');
              break;
            case 't':
              current.push_back('\t');
              break;
            case 'b':
              current.push_back('\b');
              break;
            case 'a':
              current.push_back('\a');
              break;
            default:
              current.push_back(line[i]);
              break;
          }
        } else if (c == '"') {
          // The closing quote must end the argument.
          if (i + 1 < n && !IsSpace(line[i + 1])) return false;
          done = true;
        } else {
          current.push_back(c);
        }
      } else if (in_single) {
        if (i >= n) return false;
        char c = line[i];
        if (c == '\\' && i + 1 < n && line[i + 1] == '\'') {
          ++i;
          current.push_back('\'');
        } else if (c == '\'') {
          if (i + 1 < n && !IsSpace(line[i + 1])) return false;
          done = true;
        } else {
          current.push_back(c);
        }
      } else {
        if (i >= n) {
          done = true;
          break;
        }
        char c = line[i];
        if (IsSpace(c)) {
          done = true;
        } else if (c == '"') {
          in_double = true;
        } else if (c == '\'') {
          in_single = true;
        } else {
          current.push_back(c);
        }
      }
      if (i < n) ++i;
    }
    out->push_back(std::move(current));
  }
}

}  // namespace cacheforge
