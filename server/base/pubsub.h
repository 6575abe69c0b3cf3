// server/base/pubsub.h
// -----------------------------------------------------------------------------
// Pub/sub across I/O threads: which clients subscribe to which channels and
// patterns, and each subscriber's mailbox.
//
// PUBLISH runs on the publisher's thread; a subscriber's connection belongs to
// its own I/O thread. So a message is encoded once (RESP2 `message` or
// `pmessage`), appended to each receiver's mailbox, and the receiver's thread
// is woken once per batch (a posted task) to move the mailbox into the
// connection's output, where the `pubsub` class of client-output-buffer-limit
// applies. A mailbox that grows past that class's hard limit before its
// thread gets to it marks the subscriber overflowed: it gets nothing more and
// its connection closes, as Redis closes a slow subscriber. A publisher never
// waits for a subscriber.
//
// Messages from one publisher reach each subscriber in the order published;
// a subscriber to a channel and a matching pattern gets `message` first, then
// `pmessage`, as in Redis.
//
// Thread safety: the registry is guarded by a lockgraph::SharedMutex
// ("pubsub.channels": PUBLISH reads, SUBSCRIBE writes), each mailbox by a
// lockgraph::Mutex ("pubsub.mailbox") taken inside it. Both are leaves: no
// other lock is taken while either is held, and wake-ups are posted after
// both are released.
#ifndef CACHEFORGE_BASE_PUBSUB_H_
#define CACHEFORGE_BASE_PUBSUB_H_

#include <absl/container/flat_hash_map.h>
#include <lockgraph/mutex.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace cacheforge {

class Subscriber {
 public:
  // `wake` asks the subscriber's I/O thread to call TakeMail.
  explicit Subscriber(std::function<void()> wake) : wake_(std::move(wake)) {}

  // Appends `data`, one message encoded as a RESP2 array, unless overflowed;
  // past `hard_limit` bytes (0: none) the subscriber is overflowed. Returns whether the caller must
  // call Wake().
  bool Deliver(std::string_view data, int64_t hard_limit);
  void Wake() { wake_(); }
  // The I/O thread: moves pending messages to `out`. False when the mailbox
  // overflowed (the connection must close).
  bool TakeMail(std::string* out);
  bool has_mail() const { return has_mail_.load(std::memory_order_acquire); }
  // A RESP3 client gets messages as push replies ('>') rather than arrays:
  // messages are encoded once for all subscribers, and Deliver retypes them.
  void set_resp3(bool on) { resp3_.store(on, std::memory_order_relaxed); }

 private:
  std::function<void()> wake_;
  std::atomic<bool> has_mail_{false};
  std::atomic<bool> resp3_{false};
  lockgraph::Mutex mu_{"pubsub.mailbox"};
  std::string pending_ LOCKGRAPH_GUARDED_BY(mu_);
  bool wake_scheduled_ LOCKGRAPH_GUARDED_BY(mu_) = false;
  bool overflowed_ LOCKGRAPH_GUARDED_BY(mu_) = false;
};

class PubSub {
 public:
  // Each returns whether the subscription is new for `subscriber`.
  bool Subscribe(const std::shared_ptr<Subscriber>& subscriber, std::string_view channel);
  bool Unsubscribe(const Subscriber* subscriber, std::string_view channel);
  bool PSubscribe(const std::shared_ptr<Subscriber>& subscriber, std::string_view pattern);
  bool PUnsubscribe(const Subscriber* subscriber, std::string_view pattern);

  // Delivers `message` to every subscriber of `channel` and of a pattern that
  // matches it; returns how many deliveries that made. `hard_limit`: the
  // pubsub class's hard output limit.
  size_t Publish(std::string_view channel, std::string_view message, int64_t hard_limit);

  // PUBSUB CHANNELS [pattern]: channels with at least one subscriber.
  std::vector<std::string> Channels(std::string_view pattern) const;
  // PUBSUB NUMSUB: subscribers of `channel` (patterns not counted).
  size_t NumSub(std::string_view channel) const;
  // PUBSUB NUMPAT: distinct patterns subscribed to.
  size_t NumPat() const;

 private:
  mutable lockgraph::SharedMutex mu_{"pubsub.channels"};
  absl::flat_hash_map<std::string, std::vector<std::shared_ptr<Subscriber>>> channels_
      LOCKGRAPH_GUARDED_BY(mu_);
  // Pattern → subscribers, in subscription order; a map keeps the walk stable.
  std::map<std::string, std::vector<std::shared_ptr<Subscriber>>, std::less<>> patterns_
      LOCKGRAPH_GUARDED_BY(mu_);
};

}  // namespace cacheforge

#endif  // CACHEFORGE_BASE_PUBSUB_H_
