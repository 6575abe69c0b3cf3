// server/commands/pubsub_family.cc
// -----------------------------------------------------------------------------
// The pub/sub commands; see the header.
#include "commands/pubsub_family.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "base/pubsub.h"

namespace cacheforge {
namespace {

// The mailbox, made at the first subscription.
const std::shared_ptr<Subscriber>& MailboxOf(ClientSession& session) {
  if (session.subscriber == nullptr) {
    std::function<void()> wake = session.wake ? session.wake : [] {};
    session.subscriber = std::make_shared<Subscriber>(std::move(wake));
    session.subscriber->set_resp3(session.protocol == 3);
  }
  return session.subscriber;
}

// ["subscribe", channel, count] and its siblings; a null channel when absent.
Reply Confirmation(const char* kind, const std::string* name, const ClientSession& session) {
  std::vector<Reply> out;
  out.push_back(Reply::Bulk(kind));
  out.push_back(name != nullptr ? Reply::Bulk(*name) : Reply::Null());
  out.push_back(
      Reply::Integer(static_cast<int64_t>(session.channels.size() + session.patterns.size())));
  return Reply::Push(std::move(out));
}

void Publish(ClientInfo& info, ClientSession& session) {
  info.subscriptions.store(static_cast<int>(session.channels.size()), std::memory_order_relaxed);
  info.pattern_subscriptions.store(static_cast<int>(session.patterns.size()),
                                   std::memory_order_relaxed);
}

// SUBSCRIBE / PSUBSCRIBE.
Reply SubscribeGeneric(CommandContext& ctx, bool patterns) {
  ClientSession& session = ctx.client;
  const std::shared_ptr<Subscriber>& mailbox = MailboxOf(session);
  PubSub& pubsub = ctx.server.pubsub();
  std::vector<std::string>& names = patterns ? session.patterns : session.channels;
  std::vector<Reply> replies;
  for (size_t i = 1; i < ctx.argc(); ++i) {
    std::string name(ctx.arg(i));
    const bool added =
        patterns ? pubsub.PSubscribe(mailbox, name) : pubsub.Subscribe(mailbox, name);
    if (added) names.push_back(name);
    replies.push_back(Confirmation(patterns ? "psubscribe" : "subscribe", &name, session));
  }
  Publish(*session.info, session);
  return Reply::Sequence(std::move(replies));
}

// UNSUBSCRIBE / PUNSUBSCRIBE: the named ones, or with no name all of them.
Reply UnsubscribeGeneric(CommandContext& ctx, bool patterns) {
  ClientSession& session = ctx.client;
  PubSub& pubsub = ctx.server.pubsub();
  std::vector<std::string>& names = patterns ? session.patterns : session.channels;
  const char* kind = patterns ? "punsubscribe" : "unsubscribe";
  std::vector<std::string> targets;
  if (ctx.argc() == 1) {
    targets = names;
  } else {
    for (size_t i = 1; i < ctx.argc(); ++i) targets.emplace_back(ctx.arg(i));
  }
  std::vector<Reply> replies;
  for (const std::string& name : targets) {
    const Subscriber* mailbox = session.subscriber.get();
    if (mailbox != nullptr &&
        (patterns ? pubsub.PUnsubscribe(mailbox, name) : pubsub.Unsubscribe(mailbox, name))) {
      names.erase(std::find(names.begin(), names.end(), name));
    }
    replies.push_back(Confirmation(kind, &name, session));
  }
  // Nothing to leave: one reply all the same, as Redis gives.
  if (replies.empty()) replies.push_back(Confirmation(kind, nullptr, session));
  Publish(*session.info, session);
  return Reply::Sequence(std::move(replies));
}

}  // namespace

Reply SubscribeCommand(CommandContext& ctx) { return SubscribeGeneric(ctx, false); }
Reply PSubscribeCommand(CommandContext& ctx) { return SubscribeGeneric(ctx, true); }
Reply UnsubscribeCommand(CommandContext& ctx) { return UnsubscribeGeneric(ctx, false); }
Reply PUnsubscribeCommand(CommandContext& ctx) { return UnsubscribeGeneric(ctx, true); }

// PUBLISH channel message
Reply PublishCommand(CommandContext& ctx) {
  const int64_t limit = ctx.server.config().output_hard_limit(Config::kPubSubClients);
  return Reply::Integer(
      static_cast<int64_t>(ctx.server.pubsub().Publish(ctx.arg(1), ctx.arg(2), limit)));
}

// PUBSUB CHANNELS [pattern]
Reply PubSubChannelsCommand(CommandContext& ctx) {
  if (ctx.argc() > 3)
    return Reply::Error("ERR wrong number of arguments for 'pubsub|channels' command");
  std::vector<Reply> out;
  for (std::string& channel : ctx.server.pubsub().Channels(ctx.argc() == 3 ? ctx.arg(2) : ""))
    out.push_back(Reply::Bulk(std::move(channel)));
  return Reply::Array(std::move(out));
}

// PUBSUB NUMSUB [channel ...]
Reply PubSubNumSubCommand(CommandContext& ctx) {
  std::vector<Reply> out;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    out.push_back(Reply::Bulk(std::string(ctx.arg(i))));
    out.push_back(Reply::Integer(static_cast<int64_t>(ctx.server.pubsub().NumSub(ctx.arg(i)))));
  }
  return Reply::Array(std::move(out));
}

// PUBSUB NUMPAT
Reply PubSubNumPatCommand(CommandContext& ctx) {
  return Reply::Integer(static_cast<int64_t>(ctx.server.pubsub().NumPat()));
}

Reply PubSubHelpCommand(CommandContext&) {
  std::vector<Reply> out;
  for (const char* line :
       {"PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", "CHANNELS [<pattern>]",
        "    Return the currently active channels matching a <pattern> (default: '*').", "NUMPAT",
        "    Return number of subscriptions to patterns.", "NUMSUB [<channel> ...]",
        "    Return the number of subscribers for the specified channels, excluding",
        "    pattern subscriptions(default: no channels).", "HELP", "    Print this help."}) {
    out.push_back(Reply::Status(line));
  }
  return Reply::Array(std::move(out));
}

void LeaveAllSubscriptions(Server& server, ClientSession& session) {
  if (session.subscriber == nullptr) return;
  for (const std::string& channel : session.channels) {
    server.pubsub().Unsubscribe(session.subscriber.get(), channel);
  }
  for (const std::string& pattern : session.patterns) {
    server.pubsub().PUnsubscribe(session.subscriber.get(), pattern);
  }
  session.channels.clear();
  session.patterns.clear();
  if (session.info != nullptr) Publish(*session.info, session);
}

}  // namespace cacheforge
