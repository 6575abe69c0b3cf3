// server/base/notify_classes.cc
// -----------------------------------------------------------------------------
// notify-keyspace-events letters.
#include "base/notify_classes.h"

namespace cacheforge {
namespace {

struct Letter {
  char letter;
  uint32_t flags;
};

// The order FormatNotifyClasses writes them in (Redis's).
constexpr Letter kTypeLetters[] = {
    {'g', kNotifyGeneric}, {'$', kNotifyString}, {'l', kNotifyList},    {'s', kNotifySet},
    {'h', kNotifyHash},    {'z', kNotifyZset},   {'x', kNotifyExpired}, {'e', kNotifyEvicted},
    {'t', kNotifyStream},  {'d', kNotifyModule}, {'n', kNotifyNew},
};
constexpr Letter kChannelLetters[] = {
    {'K', kNotifyKeyspace}, {'E', kNotifyKeyevent}, {'m', kNotifyKeyMiss}};

}  // namespace

bool ParseNotifyClasses(std::string_view text, uint32_t* flags) {
  uint32_t out = 0;
  for (char c : text) {
    if (c == 'A') {
      out |= kNotifyAll;
      continue;
    }
    bool known = false;
    for (const Letter& l : kTypeLetters) {
      if (l.letter == c) {
        out |= l.flags;
        known = true;
      }
    }
    for (const Letter& l : kChannelLetters) {
      if (l.letter == c) {
        out |= l.flags;
        known = true;
      }
    }
    if (!known) return false;
  }
  *flags = out;
  return true;
}

std::string FormatNotifyClasses(uint32_t flags) {
  std::string text;
  if ((flags & kNotifyAll) == kNotifyAll) {
    // Redis prints "A" alone and so loses n; the text here is also what is
    // stored and parsed back, so n stays.
    text += 'A';
    if (flags & kNotifyNew) text += 'n';
  } else {
    for (const Letter& l : kTypeLetters) {
      if (flags & l.flags) text += l.letter;
    }
  }
  for (const Letter& l : kChannelLetters) {
    if (flags & l.flags) text += l.letter;
  }
  return text;
}

}  // namespace cacheforge
