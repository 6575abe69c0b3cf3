// server/base/keyspace_events.cc
// -----------------------------------------------------------------------------
// Publishing keyspace notifications.
#include "base/keyspace_events.h"

#include <string>

namespace cacheforge {

void KeyspaceEvents::Notify(uint32_t type, std::string_view event, std::string_view key, int db) {
  const uint32_t flags = config_.notify_keyspace_events();
  if ((flags & type) == 0) return;
  const int64_t limit = config_.output_hard_limit(Config::kPubSubClients);
  const std::string number = std::to_string(db);
  std::string channel;
  if (flags & kNotifyKeyspace) {
    channel.append("__keyspace@").append(number).append("__:").append(key);
    pubsub_.Publish(channel, event, limit);
  }
  if (flags & kNotifyKeyevent) {
    channel.clear();
    channel.append("__keyevent@").append(number).append("__:").append(event);
    pubsub_.Publish(channel, key, limit);
  }
}

}  // namespace cacheforge
