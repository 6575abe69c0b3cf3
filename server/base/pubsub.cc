// server/base/pubsub.cc
// -----------------------------------------------------------------------------
#include "base/pubsub.h"

#include <algorithm>
#include <charconv>

#include "util/absl_key.h"
#include "util/glob.h"

namespace cacheforge {
namespace {

void AppendBulk(std::string_view s, std::string* out) {
  char len[24];
  auto [end, ec] = std::to_chars(len, len + sizeof(len), s.size());
  out->push_back('$');
  out->append(len, end);
  out->append("\r\n");
  out->append(s);
  out->append("\r\n");
}

bool Remove(std::vector<std::shared_ptr<Subscriber>>* subscribers, const Subscriber* subscriber) {
  auto it = std::find_if(subscribers->begin(), subscribers->end(),
                         [subscriber](const auto& s) { return s.get() == subscriber; });
  if (it == subscribers->end()) return false;
  subscribers->erase(it);
  return true;
}

bool Contains(const std::vector<std::shared_ptr<Subscriber>>& subscribers,
              const Subscriber* subscriber) {
  return std::any_of(subscribers.begin(), subscribers.end(),
                     [subscriber](const auto& s) { return s.get() == subscriber; });
}

}  // namespace

bool Subscriber::Deliver(std::string_view data, int64_t hard_limit) {
  lockgraph::MutexLock lock(mu_);
  if (overflowed_) return false;
  const size_t start = pending_.size();
  pending_.append(data);
  if (resp3_.load(std::memory_order_relaxed) && !data.empty()) pending_[start] = '>';
  if (hard_limit > 0 && static_cast<int64_t>(pending_.size()) >= hard_limit) {
    overflowed_ = true;
    pending_.clear();
    pending_.shrink_to_fit();
  }
  has_mail_.store(true, std::memory_order_release);
  const bool wake = !wake_scheduled_;
  wake_scheduled_ = true;
  return wake;
}

bool Subscriber::TakeMail(std::string* out) {
  lockgraph::MutexLock lock(mu_);
  wake_scheduled_ = false;
  has_mail_.store(false, std::memory_order_relaxed);
  if (overflowed_) return false;
  out->append(pending_);
  pending_.clear();
  if (pending_.capacity() > 1024 * 1024) pending_.shrink_to_fit();
  return true;
}

bool PubSub::Subscribe(const std::shared_ptr<Subscriber>& subscriber, std::string_view channel) {
  lockgraph::MutexLock lock(mu_);
  auto& subscribers = channels_[AbslKey(channel)];
  if (Contains(subscribers, subscriber.get())) return false;
  subscribers.push_back(subscriber);
  return true;
}

bool PubSub::Unsubscribe(const Subscriber* subscriber, std::string_view channel) {
  lockgraph::MutexLock lock(mu_);
  auto it = channels_.find(AbslKey(channel));
  if (it == channels_.end() || !Remove(&it->second, subscriber)) return false;
  if (it->second.empty()) channels_.erase(it);
  return true;
}

bool PubSub::PSubscribe(const std::shared_ptr<Subscriber>& subscriber, std::string_view pattern) {
  lockgraph::MutexLock lock(mu_);
  auto it = patterns_.find(pattern);
  if (it == patterns_.end()) it = patterns_.emplace(std::string(pattern), 0).first;
  if (Contains(it->second, subscriber.get())) return false;
  it->second.push_back(subscriber);
  return true;
}

bool PubSub::PUnsubscribe(const Subscriber* subscriber, std::string_view pattern) {
  lockgraph::MutexLock lock(mu_);
  auto it = patterns_.find(pattern);
  if (it == patterns_.end() || !Remove(&it->second, subscriber)) return false;
  if (it->second.empty()) patterns_.erase(it);
  return true;
}

size_t PubSub::Publish(std::string_view channel, std::string_view message, int64_t hard_limit) {
  std::string encoded = "*3\r\n$7\r\nmessage\r\n";
  AppendBulk(channel, &encoded);
  AppendBulk(message, &encoded);
  std::vector<std::shared_ptr<Subscriber>> to_wake;
  size_t receivers = 0;
  {
    lockgraph::ReaderLock lock(mu_);
    auto it = channels_.find(AbslKey(channel));
    if (it != channels_.end()) {
      for (const auto& subscriber : it->second) {
        if (subscriber->Deliver(encoded, hard_limit)) to_wake.push_back(subscriber);
        ++receivers;
      }
    }
    for (const auto& [pattern, subscribers] : patterns_) {
      if (!GlobMatch(pattern, channel)) continue;
      std::string pencoded = "*4\r\n$8\r\npmessage\r\n";
      AppendBulk(pattern, &pencoded);
      AppendBulk(channel, &pencoded);
      AppendBulk(message, &pencoded);
      for (const auto& subscriber : subscribers) {
        if (subscriber->Deliver(pencoded, hard_limit)) to_wake.push_back(subscriber);
        ++receivers;
      }
    }
  }
  // Posting takes the I/O thread's task lock: not under ours.
  for (const auto& subscriber : to_wake) subscriber->Wake();
  return receivers;
}

std::vector<std::string> PubSub::Channels(std::string_view pattern) const {
  std::vector<std::string> out;
  lockgraph::ReaderLock lock(mu_);
  for (const auto& [channel, subscribers] : channels_) {
    if (pattern.empty() || GlobMatch(pattern, channel)) out.push_back(channel);
  }
  return out;
}

size_t PubSub::NumSub(std::string_view channel) const {
  lockgraph::ReaderLock lock(mu_);
  auto it = channels_.find(AbslKey(channel));
  return it == channels_.end() ? 0 : it->second.size();
}

size_t PubSub::NumPat() const {
  lockgraph::ReaderLock lock(mu_);
  return patterns_.size();
}

}  // namespace cacheforge
