// server/commands/blocking.cc
// -----------------------------------------------------------------------------
// Waiting and waking for the blocking commands; see the header.
#include "commands/blocking.h"

#include <cmath>
#include <utility>

#include "commands/command_table.h"
#include "commands/dispatcher.h"
#include "store/keyspace.h"
#include "util/numbers.h"

namespace cacheforge {
namespace {

// Takes `client` off every key it waits on, one shard at a time.
void Unregister(Keyspace& keyspace, BlockedClient& client) {
  for (const std::string& key : client.keys) {
    Shard& shard = keyspace.ShardFor(Keyspace::Hash(key));
    ShardLock lock(keyspace, shard);
    shard.AssertHeld();
    shard.UnblockLocked(key, &client);
  }
}

// The client no longer waits: counts and flags follow.
void LeaveWait(Server& server, BlockedClient& client) {
  Unregister(server.db(client.session.db), client);
  client.session.info->waiting.store(nullptr);
  client.session.info->blocked.store(false, std::memory_order_relaxed);
  server.clients().AddBlocked(-1);
}

bool KeyExists(Keyspace& keyspace, Shard& shard, std::string_view key) {
  ShardLock lock(keyspace, shard);
  shard.AssertHeld();
  return shard.DictLocked().Find(key, Keyspace::Hash(key)) != nullptr;
}

// The waiters of `key`, longest-waiting first.
std::vector<std::shared_ptr<BlockedClient>> Waiters(Keyspace& keyspace, Shard& shard,
                                                    std::string_view key) {
  std::vector<std::shared_ptr<BlockedClient>> out;
  ShardLock lock(keyspace, shard);
  shard.AssertHeld();
  shard.ForEachWaiterLocked(key, [&](const std::shared_ptr<Waiter>& waiter) {
    out.push_back(std::static_pointer_cast<BlockedClient>(waiter));
  });
  return out;
}

}  // namespace

std::optional<Reply> ParseBlockTimeout(const CommandContext& ctx, std::string_view text,
                                       int64_t* deadline_ms) {
  long double seconds = 0;
  if (!ParseLongDouble(text, &seconds) || std::isnan(seconds)) {
    return Reply::Error("ERR timeout is not a float or out of range");
  }
  const long double ms = std::ceil(seconds * 1000.0L);
  if (ms > static_cast<long double>(INT64_MAX)) return Reply::Error("ERR timeout is out of range");
  if (ms < 0) return Reply::Error("ERR timeout is negative");
  int64_t timeout = static_cast<int64_t>(ms);
  if (timeout > 0) {
    if (timeout > INT64_MAX - ctx.now_ms) return Reply::Error("ERR timeout is out of range");
    timeout += ctx.now_ms;
  }
  *deadline_ms = timeout;
  return std::nullopt;
}

Reply BlockOn(CommandContext& ctx, std::span<const std::string_view> keys, int64_t deadline_ms,
              Reply empty) {
  ClientSession& client = ctx.client;
  // Nothing changed that a replay would need (a lazily expired key is
  // expired again by its recorded time).
  ctx.propagated = true;
  if (client.serving) return Reply::None();
  if (client.exec != nullptr || !client.wake) return empty;
  auto blocked = std::make_shared<BlockedClient>();
  blocked->entry = ctx.entry;
  blocked->args.assign(ctx.args.begin(), ctx.args.end());
  blocked->deadline_ms = deadline_ms;
  blocked->session.info = client.info;
  blocked->session.authenticated = true;
  blocked->session.db = client.db;
  blocked->session.serving = true;
  blocked->wake = client.wake;
  Keyspace& keyspace = ctx.db();
  for (std::string_view key : keys) {
    if (std::find(blocked->keys.begin(), blocked->keys.end(), key) != blocked->keys.end()) continue;
    Shard& shard = keyspace.ShardFor(Keyspace::Hash(key));
    shard.AssertHeld();  // by the caller, since it found the key empty
    shard.BlockLocked(key, blocked);
    blocked->keys.emplace_back(key);
  }
  client.info->blocked.store(true, std::memory_order_relaxed);
  client.info->waiting.store(blocked);
  ctx.server.clients().AddBlocked(1);
  client.blocked = std::move(blocked);
  return Reply::None();
}

void ServeReadyKeys(Server& server, ThreadStats& stats) {
  std::vector<ReadyKey>& ready = ThreadReadyKeys();
  // Served commands may make more keys ready: the list grows while we go.
  for (size_t i = 0; i < ready.size(); ++i) {
    Shard& shard = *ready[i].shard;
    Keyspace& keyspace = server.db(shard.db());
    const std::string key = ready[i].key;
    for (const std::shared_ptr<BlockedClient>& client : Waiters(keyspace, shard, key)) {
      int expected = Waiter::kBlocked;
      if (!client->state.compare_exchange_strong(expected, Waiter::kClaimed)) continue;
      std::vector<std::string_view> views(client->args.begin(), client->args.end());
      CommandContext ctx{server, client->session, stats, views, NowMs()};
      Reply reply = Call(ctx, *client->entry);
      if (reply.type() == Reply::Type::kNoReply) {
        // Not served: back to waiting, unless it went away meanwhile.
        client->state.store(Waiter::kBlocked);
        if (client->cancelled.load()) EndWait(server, *client, Waiter::kCancelled);
        // An empty key serves nobody; one of another type may serve another
        // kind of waiter.
        if (!KeyExists(keyspace, shard, key)) break;
        continue;
      }
      client->reply = std::move(reply);
      client->aof_offset = ctx.aof_offset;
      LeaveWait(server, *client);
      client->state.store(Waiter::kDone);
      client->wake();
    }
  }
  ready.clear();
}

bool UnblockClient(Server& server, uint64_t id, Reply reply) {
  std::shared_ptr<ClientInfo> info = server.clients().Find(id);
  if (info == nullptr) return false;
  auto client = std::static_pointer_cast<BlockedClient>(info->waiting.load());
  if (client == nullptr) return false;
  // Claimed like a serving thread claims it, so only one of them answers.
  int expected = Waiter::kBlocked;
  if (!client->state.compare_exchange_strong(expected, Waiter::kClaimed)) return false;
  client->reply = std::move(reply);
  LeaveWait(server, *client);
  client->state.store(Waiter::kDone);
  client->wake();
  return true;
}

bool EndWait(Server& server, BlockedClient& client, Waiter::State state) {
  if (state == Waiter::kCancelled) client.cancelled.store(true);
  int expected = Waiter::kBlocked;
  if (!client.state.compare_exchange_strong(expected, state)) return false;
  LeaveWait(server, client);
  return true;
}

}  // namespace cacheforge
