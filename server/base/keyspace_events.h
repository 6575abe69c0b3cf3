// server/base/keyspace_events.h
// -----------------------------------------------------------------------------
// Keyspace notifications (notify-keyspace-events): a change to a key is
// published as a message to __keyspace@<db>__:<key> (the event's name) and to
// __keyevent@<db>__:<event> (the key), for the classes the setting enables.
//
// Events are published by the command that makes the change, while it still
// holds the key's shard lock, so the messages about one key arrive in the
// order the changes happened even when clients on several I/O threads write
// it. Lock order: store.shard → pubsub.channels → pubsub.mailbox; nothing
// under the pub/sub locks takes a shard (see server/README.md).
//
// Thread safety: every method may be called from any thread.
#ifndef CACHEFORGE_BASE_KEYSPACE_EVENTS_H_
#define CACHEFORGE_BASE_KEYSPACE_EVENTS_H_

#include <cstdint>
#include <string_view>

#include "base/config.h"
#include "base/notify_classes.h"
#include "base/pubsub.h"
#include "store/shard.h"

namespace cacheforge {

class KeyspaceEvents : public ShardEvents {
 public:
  KeyspaceEvents(const Config& config, PubSub& pubsub) : config_(config), pubsub_(pubsub) {}

  // Whether an event of class `type` would be published now: one relaxed
  // load, so callers can skip building event names when off.
  bool Enabled(uint32_t type) const {
    const uint32_t flags = config_.notify_keyspace_events();
    return (flags & type) != 0 && (flags & (kNotifyKeyspace | kNotifyKeyevent)) != 0;
  }

  // Redis's notifyKeyspaceEvent(type, event, key, db).
  void Notify(uint32_t type, std::string_view event, std::string_view key, int db);

  // ShardEvents: keys the shards create and expire.
  void OnNew(int db, std::string_view key) override {
    if (Enabled(kNotifyNew)) Notify(kNotifyNew, "new", key, db);
  }
  void OnExpired(int db, std::string_view key) override {
    if (Enabled(kNotifyExpired)) Notify(kNotifyExpired, "expired", key, db);
  }

 private:
  const Config& config_;
  PubSub& pubsub_;
};

}  // namespace cacheforge

#endif  // CACHEFORGE_BASE_KEYSPACE_EVENTS_H_
