// server/commands/pubsub_family.h
// -----------------------------------------------------------------------------
// SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH and PUBSUB
// CHANNELS|NUMSUB|NUMPAT|HELP, with Redis's RESP2 replies (one per channel for
// the subscribe family). Delivery across I/O threads: base/pubsub.h.
#ifndef CACHEFORGE_COMMANDS_PUBSUB_FAMILY_H_
#define CACHEFORGE_COMMANDS_PUBSUB_FAMILY_H_

#include "commands/command.h"

namespace cacheforge {

Reply SubscribeCommand(CommandContext& ctx);
Reply UnsubscribeCommand(CommandContext& ctx);
Reply PSubscribeCommand(CommandContext& ctx);
Reply PUnsubscribeCommand(CommandContext& ctx);
Reply PublishCommand(CommandContext& ctx);
Reply PubSubChannelsCommand(CommandContext& ctx);
Reply PubSubNumSubCommand(CommandContext& ctx);
Reply PubSubNumPatCommand(CommandContext& ctx);
Reply PubSubHelpCommand(CommandContext& ctx);

// Leaves every channel and pattern (a closing connection, RESET); CLIENT
// LIST then counts none.
void LeaveAllSubscriptions(Server& server, ClientSession& session);

}  // namespace cacheforge

#endif  // CACHEFORGE_COMMANDS_PUBSUB_FAMILY_H_
