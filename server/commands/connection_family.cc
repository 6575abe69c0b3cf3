// server/commands/connection_family.cc
// -----------------------------------------------------------------------------
// Connection commands. The server speaks RESP2 only and has one database.
#include "commands/connection_family.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "util/numbers.h"
#include "util/strings.h"

namespace cacheforge {
namespace {

// Checks a password against requirepass; sets the session's state.
Reply Authenticate(CommandContext& ctx, std::string_view user, std::string_view password) {
  std::string expected = ctx.server.config().GetString("requirepass");
  if (expected.empty()) {
    return Reply::Error(
        "ERR AUTH <password> called without any password configured for the default user. "
        "Are you sure your configuration is correct?");
  }
  if (user != "default" || password != expected) {
    return Reply::Error("WRONGPASS invalid username-password pair or user is disabled.");
  }
  ctx.client.authenticated = true;
  return Reply::Ok();
}

}  // namespace

// PING [message]
Reply PingCommand(CommandContext& ctx) {
  if (ctx.argc() > 2) return Reply::Error("ERR wrong number of arguments for 'ping' command");
  return ctx.argc() == 2 ? Reply::Bulk(std::string(ctx.arg(1))) : Reply::Status("PONG");
}

// ECHO message
Reply EchoCommand(CommandContext& ctx) { return Reply::Bulk(std::string(ctx.arg(1))); }

// QUIT: answers OK, then the connection closes.
Reply QuitCommand(CommandContext& ctx) {
  ctx.client.close_after_reply = true;
  return Reply::Ok();
}

// AUTH [username] password
Reply AuthCommand(CommandContext& ctx) {
  if (ctx.argc() > 3) return Reply::Error(errors::kSyntax);
  return ctx.argc() == 3 ? Authenticate(ctx, ctx.arg(1), ctx.arg(2))
                         : Authenticate(ctx, "default", ctx.arg(1));
}

// HELLO [protover [AUTH username password] [SETNAME clientname]]
Reply HelloCommand(CommandContext& ctx) {
  if (ctx.argc() >= 2) {
    int64_t version = 0;
    if (!ParseInt64(ctx.arg(1), &version)) {
      return Reply::Error("ERR Protocol version is not an integer or out of range");
    }
    if (version != 2) return Reply::Error("NOPROTO unsupported protocol version");
  }
  std::string name;
  bool set_name = false;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    bool more = i + 1 < ctx.argc();
    if (EqualsIgnoreCase(ctx.arg(i), "AUTH") && ctx.argc() - i - 1 >= 2) {
      Reply auth = Authenticate(ctx, ctx.arg(i + 1), ctx.arg(i + 2));
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
  std::vector<Reply> fields;
  auto add = [&](const char* key, Reply value) {
    fields.push_back(Reply::Bulk(key));
    fields.push_back(std::move(value));
  };
  add("server", Reply::Bulk("cacheforge"));
  add("version", Reply::Bulk(kVersion));
  add("proto", Reply::Integer(2));
  add("id", Reply::Integer(static_cast<int64_t>(ctx.client.info->id)));
  add("mode", Reply::Bulk("standalone"));
  add("role", Reply::Bulk("master"));
  add("modules", Reply::Array());
  return Reply::Array(std::move(fields));
}

// SELECT index (only database 0 exists)
Reply SelectCommand(CommandContext& ctx) {
  int64_t index = 0;
  if (!ParseInt64(ctx.arg(1), &index)) return Reply::Error(errors::kNotInteger);
  if (index != 0) return Reply::Error("ERR DB index is out of range");
  return Reply::Ok();
}

}  // namespace cacheforge
