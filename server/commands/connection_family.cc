// server/commands/connection_family.cc
// -----------------------------------------------------------------------------
// Connection commands. HELLO picks the protocol, RESP2 (the default) or RESP3.
#include "commands/connection_family.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "commands/keys_family.h"
#include "commands/pubsub_family.h"
#include "commands/transaction_family.h"
#include "util/numbers.h"
#include "util/strings.h"

namespace cacheforge {
namespace {

// Compares in time that depends only on the lengths, so response times do not
// reveal how much of a guessed password was right.
bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ (b.empty() ? 0 : b[i % b.size()]));
  }
  return diff == 0;
}

// Checks a user and password against requirepass; sets the session's state.
// As in Redis 7, the only user is "default"; with no requirepass it has no
// password, so `AUTH default <anything>` succeeds and the one-argument form
// is an error that says nothing is configured.
Reply Authenticate(CommandContext& ctx, std::string_view user, std::string_view password,
                   bool user_given) {
  static constexpr char kWrongPass[] =
      "WRONGPASS invalid username-password pair or user is disabled.";
  std::string expected = ctx.server.config().GetString("requirepass");
  if (expected.empty()) {
    if (!user_given) {
      return Reply::Error(
          "ERR AUTH <password> called without any password configured for the default user. "
          "Are you sure your configuration is correct?");
    }
    if (user != "default") return Reply::Error(kWrongPass);
    ctx.client.authenticated = true;
    return Reply::Ok();
  }
  bool password_ok = ConstantTimeEquals(password, expected);
  if (user != "default" || !password_ok) return Reply::Error(kWrongPass);
  ctx.client.authenticated = true;
  return Reply::Ok();
}

// Switches the connection's replies, CLIENT LIST's resp= and its pub/sub
// messages to RESP `protocol` (2 or 3).
void SetProtocol(ClientSession& client, int protocol) {
  client.protocol = protocol;
  client.info->resp.store(protocol, std::memory_order_relaxed);
  if (client.subscriber != nullptr) client.subscriber->set_resp3(protocol == 3);
}

}  // namespace

// PING [message]
Reply PingCommand(CommandContext& ctx) {
  if (ctx.argc() > 2) return Reply::Error("ERR wrong number of arguments for 'ping' command");
  if (ctx.client.subscribed_resp2()) {  // in subscribed mode PING answers like a message
    std::vector<Reply> out;
    out.push_back(Reply::Bulk("pong"));
    out.push_back(Reply::Bulk(ctx.argc() == 2 ? std::string(ctx.arg(1)) : std::string()));
    return Reply::Array(std::move(out));
  }
  return ctx.argc() == 2 ? Reply::Bulk(std::string(ctx.arg(1))) : Reply::Status("PONG");
}

// ECHO message
Reply EchoCommand(CommandContext& ctx) { return Reply::Bulk(std::string(ctx.arg(1))); }

// QUIT: answers OK, then the connection closes.
Reply QuitCommand(CommandContext& ctx) {
  ctx.client.close_after_reply = true;
  return Reply::Ok();
}

// RESET, as Redis 7.0's: leaves MULTI (queue dropped) and every WATCH and
// subscription, clears the name, CLIENT REPLY OFF/SKIP and the protocol
// (back to RESP2), selects database 0, and logs out when a password is set.
// Allowed while subscribed; always answers +RESET.
Reply ResetCommand(CommandContext& ctx) {
  ClientSession& client = ctx.client;
  LeaveTransaction(ctx.server.databases(), client);
  LeaveAllSubscriptions(ctx.server, client);
  client.db = 0;
  client.info->db.store(0, std::memory_order_relaxed);
  SetProtocol(client, 2);
  client.RepliesOn();
  client.authenticated = !ctx.server.config().requires_password();
  ctx.server.clients().SetName(client.info->id, "");
  return Reply::Status("RESET");
}

// AUTH [username] password
Reply AuthCommand(CommandContext& ctx) {
  if (ctx.argc() > 3) return Reply::Error(errors::kSyntax);
  return ctx.argc() == 3 ? Authenticate(ctx, ctx.arg(1), ctx.arg(2), /*user_given=*/true)
                         : Authenticate(ctx, "default", ctx.arg(1), /*user_given=*/false);
}

// HELLO [protover [AUTH username password] [SETNAME clientname]]
Reply HelloCommand(CommandContext& ctx) {
  int protocol = ctx.client.protocol;
  if (ctx.argc() >= 2) {
    int64_t version = 0;
    if (!ParseInt64(ctx.arg(1), &version)) {
      return Reply::Error("ERR Protocol version is not an integer or out of range");
    }
    if (version < 2 || version > 3) return Reply::Error("NOPROTO unsupported protocol version");
    protocol = static_cast<int>(version);
  }
  std::string name;
  bool set_name = false;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    bool more = i + 1 < ctx.argc();
    if (EqualsIgnoreCase(ctx.arg(i), "AUTH") && ctx.argc() - i - 1 >= 2) {
      Reply auth = Authenticate(ctx, ctx.arg(i + 1), ctx.arg(i + 2), /*user_given=*/true);
      if (auth.is_error()) return auth;
      i += 2;
    } else if (EqualsIgnoreCase(ctx.arg(i), "SETNAME") && more) {
      name = std::string(ctx.arg(++i));
      set_name = true;
    } else {
      return Reply::Error("ERR Syntax error in HELLO option '" + std::string(ctx.arg(i)) + "'");
    }
  }
  if (ctx.server.config().requires_password() && !ctx.client.authenticated) {
    return Reply::Error(
        "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO "
        "<proto> AUTH <user> <pass> option can be used to authenticate the client and select the "
        "RESP protocol version at the same time");
  }
  if (set_name) {
    for (char c : name) {
      if (c < '!' || c > '~') {
        return Reply::Error(
            "ERR Client names cannot contain spaces, newlines or special characters.");
      }
    }
    ctx.server.clients().SetName(ctx.client.info->id, name);
  }
  // The new protocol applies from this reply on, as in Redis.
  SetProtocol(ctx.client, protocol);
  std::vector<Reply> fields;
  auto add = [&](const char* key, Reply value) {
    fields.push_back(Reply::Bulk(key));
    fields.push_back(std::move(value));
  };
  add("server", Reply::Bulk("cacheforge"));
  add("version", Reply::Bulk(kVersion));
  add("proto", Reply::Integer(protocol));
  add("id", Reply::Integer(static_cast<int64_t>(ctx.client.info->id)));
  add("mode", Reply::Bulk("standalone"));
  add("role", Reply::Bulk("master"));
  add("modules", Reply::Array());
  return Reply::Map(std::move(fields));
}

// SELECT index (only database 0 exists)
Reply SelectCommand(CommandContext& ctx) {
  int db = 0;
  if (auto error = ParseDbIndex(ctx, ctx.arg(1), errors::kNotInteger, &db)) return *error;
  ctx.client.db = db;
  ctx.client.info->db.store(db, std::memory_order_relaxed);
  return Reply::Ok();
}

}  // namespace cacheforge
