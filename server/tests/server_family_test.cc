// server/tests/server_family_test.cc
// -----------------------------------------------------------------------------
// The dispatcher (lookup, arity, auth), connection commands and administration.
#include <cstdio>
#include <initializer_list>

#include "command_test_util.h"

namespace cacheforge {
namespace {

using Dispatcher = CommandTest;
using ConnectionFamily = CommandTest;
using ServerFamily = CommandTest;

TEST_F(Dispatcher, UnknownCommandsAndArity) {
  EXPECT_EQ(Run({"foo"}), Err("ERR unknown command 'foo', with args beginning with: "));
  EXPECT_EQ(Run({"foo", "a", "b"}),
            Err("ERR unknown command 'foo', with args beginning with: 'a' 'b' "));
  EXPECT_EQ(Run({"GET"}), Err("ERR wrong number of arguments for 'get' command"));
  EXPECT_EQ(Run({"get", "a", "b"}), Err("ERR wrong number of arguments for 'get' command"));
  EXPECT_EQ(Run({"CONFIG"}), Err("ERR wrong number of arguments for 'config' command"));
  EXPECT_EQ(Run({"CONFIG", "GET"}), Err("ERR wrong number of arguments for 'config|get' command"));
  EXPECT_EQ(Run({"CONFIG", "NOPE"}), Err("ERR unknown subcommand 'NOPE'. Try CONFIG HELP."));
  EXPECT_EQ(Run({"client", "nope"}), Err("ERR unknown subcommand 'nope'. Try CLIENT HELP."));
}

TEST_F(Dispatcher, EveryTableEntryIsConsistent) {
  const CommandTable& table = CommandTable::Get();
  for (const auto& entry : table.all()) {
    const CommandSpec& spec = *entry->spec;
    EXPECT_NE(spec.arity, 0) << entry->full_name;
    EXPECT_TRUE(spec.handler != nullptr || !entry->subcommands.empty()) << entry->full_name;
    EXPECT_EQ(table.all()[entry->id].get(), entry.get());
    if (entry->parent == nullptr) {
      EXPECT_EQ(table.Find(entry->full_name), entry.get());
    }
  }
  EXPECT_GE(table.commands().size(), 54u);
}

TEST_F(Dispatcher, CountsCallsAndFailures) {
  Run({"SET", "k", "v"});
  Run({"INCR", "k"});
  Run({"GET"});
  std::string info = Run({"INFO", "commandstats"});
  EXPECT_NE(info.find("cmdstat_set:calls=1,"), std::string::npos) << info;
  EXPECT_NE(info.find("cmdstat_incr:calls=1,"), std::string::npos);
  EXPECT_NE(info.find("failed_calls=1"), std::string::npos);
  EXPECT_NE(info.find("cmdstat_get:calls=0,usec=0,usec_per_call=0.00,rejected_calls=1"),
            std::string::npos);
  EXPECT_EQ(Run({"CONFIG", "RESETSTAT"}), kOk);
  EXPECT_EQ(Run({"INFO", "commandstats"}).find("cmdstat_set"), std::string::npos);
}

// INFO's rdb_changes_since_last_save counts the write commands that changed
// data, once each (Redis's dirty counter): not reads, not writes that found
// nothing to change; FLUSHALL counts even on an empty keyspace, and CONFIG
// RESETSTAT leaves the count alone, as in Redis.
TEST_F(Dispatcher, ChangesSinceLastSaveCountChangingWrites) {
  auto changes = [&] {
    const std::string info = Run({"INFO", "persistence"});
    const std::string field = "rdb_changes_since_last_save:";
    const size_t at = info.find(field);
    EXPECT_NE(at, std::string::npos);
    return std::stoll(info.substr(at + field.size()));
  };
  const int64_t start = changes();
  Run({"SET", "k", "v"});
  Run({"MSET", "a", "1", "b", "2"});
  Run({"GET", "k"});
  Run({"SETBIT", "bits", "0", "0"});  // creates the key: a change
  EXPECT_EQ(changes(), start + 3);
  Run({"SETBIT", "bits", "0", "0"});  // the same bit: none
  Run({"DEL", "nothing"});
  Run({"SREM", "nothing", "x"});
  EXPECT_EQ(changes(), start + 3);
  Run({"SETBIT", "bits", "0", "1"});
  EXPECT_EQ(Run({"CONFIG", "RESETSTAT"}), kOk);
  EXPECT_EQ(changes(), start + 4);
  Run({"FLUSHALL"});
  Run({"FLUSHALL"});
  EXPECT_EQ(changes(), start + 6);
}

TEST_F(Dispatcher, RequirePassGatesCommands) {
  EXPECT_EQ(Run({"AUTH", "x"}),
            Err("ERR AUTH <password> called without any password configured for the default "
                "user. Are you sure your configuration is correct?"));
  EXPECT_EQ(Run({"CONFIG", "SET", "requirepass", "secret"}), kOk);
  EXPECT_EQ(Run({"GET", "k"}), Err("NOAUTH Authentication required."));
  EXPECT_EQ(Run({"AUTH", "wrong"}),
            Err("WRONGPASS invalid username-password pair or user is disabled."));
  EXPECT_EQ(Run({"AUTH", "default", "secret"}), kOk);
  EXPECT_EQ(Run({"GET", "k"}), kNil);
}

TEST_F(Dispatcher, AuthFormsAsRedis7) {
  // No password: the default user has none, so naming it succeeds.
  EXPECT_EQ(Run({"AUTH", "default", "anything"}), kOk);
  EXPECT_EQ(Run({"AUTH", "someone", "anything"}),
            Err("WRONGPASS invalid username-password pair or user is disabled."));
  EXPECT_EQ(Run({"CONFIG", "SET", "requirepass", "s3cret"}), kOk);
  session_.authenticated = false;  // as a new connection
  EXPECT_EQ(Run({"SET", "k", "v"}), Err("NOAUTH Authentication required."));
  EXPECT_EQ(Run({"SHUTDOWN"}), Err("NOAUTH Authentication required."));
  EXPECT_FALSE(server_.shutdown_requested()) << "an unauthenticated client stopped the server";
  EXPECT_EQ(Run({"AUTH", "default", "s3cre"}),
            Err("WRONGPASS invalid username-password pair or user is disabled."));
  EXPECT_EQ(Run({"AUTH", "default", "s3cret!"}),
            Err("WRONGPASS invalid username-password pair or user is disabled."));
  EXPECT_EQ(Run({"AUTH", "other", "s3cret"}),
            Err("WRONGPASS invalid username-password pair or user is disabled."));
  EXPECT_EQ(Run({"AUTH", "default", "s3cret", "extra"}), Err("ERR syntax error"));
  EXPECT_EQ(Run({"PING"}), Err("NOAUTH Authentication required."));
  EXPECT_EQ(Run({"AUTH", "s3cret"}), kOk);
  EXPECT_EQ(Run({"SET", "k", "v"}), kOk);
  // Changing the password does not log out a connection already in.
  EXPECT_EQ(Run({"CONFIG", "SET", "requirepass", "other"}), kOk);
  EXPECT_EQ(Run({"GET", "k"}), Bulk("v"));
}

TEST_F(ConnectionFamily, PingEchoSelectHello) {
  EXPECT_EQ(Run({"PING"}), "+PONG\r\n");
  EXPECT_EQ(Run({"PING", "hi"}), Bulk("hi"));
  EXPECT_EQ(Run({"PING", "a", "b"}), Err("ERR wrong number of arguments for 'ping' command"));
  EXPECT_EQ(Run({"ECHO", "x y"}), Bulk("x y"));
  EXPECT_EQ(Run({"SELECT", "0"}), kOk);
  EXPECT_EQ(Run({"SELECT", "15"}), kOk);
  EXPECT_EQ(Run({"SELECT", "16"}), Err("ERR DB index is out of range"));
  EXPECT_EQ(Run({"SELECT", "-1"}), Err("ERR DB index is out of range"));
  EXPECT_EQ(Run({"SELECT", "x"}), Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(Run({"HELLO", "4"}), Err("NOPROTO unsupported protocol version"));
  EXPECT_EQ(Run({"HELLO", "1"}), Err("NOPROTO unsupported protocol version"));
  // The new protocol answers HELLO itself: a map in RESP3.
  std::string hello3 = Run({"HELLO", "3"});
  EXPECT_EQ(hello3.substr(0, 4), "%7\r\n");
  EXPECT_NE(hello3.find(Bulk("proto") + Int(3)), std::string::npos);
  EXPECT_NE(Run({"CLIENT", "INFO"}).find("resp=3"), std::string::npos);
  EXPECT_EQ(Run({"HELLO"}).substr(0, 4), "%7\r\n");  // no version: the protocol stays
  EXPECT_EQ(Run({"HELLO", "x"}), Err("ERR Protocol version is not an integer or out of range"));
  std::string hello = Run({"HELLO", "2", "SETNAME", "me"});
  EXPECT_EQ(hello.substr(0, 4), "*14\r");
  EXPECT_NE(hello.find(Bulk("proto") + Int(2)), std::string::npos);
  EXPECT_EQ(Run({"CLIENT", "GETNAME"}), Bulk("me"));
  EXPECT_FALSE(session_.close_after_reply);
  EXPECT_EQ(Run({"QUIT"}), kOk);
  EXPECT_TRUE(session_.close_after_reply);
}

TEST_F(ServerFamily, ConfigGetSet) {
  std::string all = Run({"CONFIG", "GET", "*"});
  EXPECT_NE(all.find(Bulk("maxmemory-policy") + Bulk("noeviction")), std::string::npos);
  EXPECT_EQ(Run({"CONFIG", "GET", "maxmemory"}), "*2\r\n" + Bulk("maxmemory") + Bulk("0"));
  EXPECT_EQ(Run({"CONFIG", "GET", "nothing-matches"}), "*0\r\n");
  EXPECT_EQ(Run({"CONFIG", "SET", "maxmemory", "100mb", "loglevel", "warning"}), kOk);
  EXPECT_EQ(Run({"CONFIG", "GET", "maxmemory"}), "*2\r\n" + Bulk("maxmemory") + Bulk("104857600"));
  EXPECT_EQ(Run({"CONFIG", "SET", "maxmemory", "lots"}),
            Err("ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must "
                "be a memory value"));
  EXPECT_EQ(Run({"CONFIG", "SET", "port", "1"}),
            Err("ERR CONFIG SET failed (possibly related to argument 'port') - can't set immutable "
                "config"));
  EXPECT_EQ(Run({"CONFIG", "SET", "bogus", "1"}),
            Err("ERR Unknown option or number of arguments for CONFIG SET - 'bogus'"));
  EXPECT_EQ(Run({"CONFIG", "SET", "maxmemory", "1mb", "hz", "0"}),
            Err("ERR CONFIG SET failed (possibly related to argument 'hz') - argument must be "
                "between 1 and 500 inclusive"));
  EXPECT_EQ(Run({"CONFIG", "GET", "maxmemory"}), "*2\r\n" + Bulk("maxmemory") + Bulk("104857600"))
      << "a failed CONFIG SET changes nothing";
}

TEST_F(ServerFamily, InfoSectionsUseRedisFieldNames) {
  Run({"SET", "k", "v", "EX", "100"});
  Run({"GET", "k"});
  Run({"GET", "nope"});
  std::string info = Run({"INFO"});
  for (const char* field : {"# Server",
                            "redis_version:",
                            "tcp_port:",
                            "uptime_in_seconds:",
                            "# Clients",
                            "connected_clients:",
                            "# Memory",
                            "used_memory:",
                            "used_memory_rss:",
                            "maxmemory_policy:",
                            "# Persistence",
                            "aof_enabled:0",
                            "# Stats",
                            "total_commands_processed:",
                            "keyspace_hits:1",
                            "keyspace_misses:1",
                            "expired_keys:0",
                            "# Replication",
                            "role:master",
                            "# CPU",
                            "used_cpu_sys:",
                            "# Keyspace",
                            "db0:keys=1,expires=1,avg_ttl=0"}) {
    EXPECT_NE(info.find(field), std::string::npos) << field;
  }
  EXPECT_EQ(info.find("# Commandstats"), std::string::npos);
  std::string one = Run({"INFO", "clients"});
  EXPECT_NE(one.find("# Clients"), std::string::npos);
  EXPECT_EQ(one.find("# Server"), std::string::npos);
  EXPECT_NE(Run({"INFO", "all"}).find("# Commandstats"), std::string::npos);
}

TEST_F(ServerFamily, CommandIntrospection) {
  std::string count = Run({"COMMAND", "COUNT"});
  EXPECT_EQ(count, Int(static_cast<int64_t>(CommandTable::Get().commands().size())));
  std::string get = Run({"COMMAND", "INFO", "get", "nosuch"});
  EXPECT_EQ(get.substr(0, 4), "*2\r\n");
  EXPECT_NE(
      get.find(Bulk("get") + Int(2) + "*2\r\n+readonly\r\n+fast\r\n" + Int(1) + Int(1) + Int(1)),
      std::string::npos)
      << get;
  EXPECT_NE(get.find("*-1\r\n"), std::string::npos);
  // Keys a client cannot place from first/last/step are flagged, as Redis
  // flags them, so a cluster client asks COMMAND GETKEYS.
  for (const char* name : {"zunionstore", "sort", "sort_ro", "lmpop", "sintercard"}) {
    EXPECT_NE(Run({"COMMAND", "INFO", name}).find("+movablekeys\r\n"), std::string::npos) << name;
  }
  EXPECT_EQ(Run({"COMMAND", "INFO", "mset"}).find("movablekeys"), std::string::npos);
  EXPECT_NE(Run({"COMMAND", "LIST"}).find(Bulk("incrbyfloat")), std::string::npos);
  EXPECT_EQ(Run({"COMMAND", "LIST", "FILTERBY", "PATTERN", "getr*"}), "*1\r\n" + Bulk("getrange"));
  // Subcommands are listed under their full names, and filters apply to them.
  EXPECT_NE(Run({"COMMAND", "LIST"}).find(Bulk("config|get")), std::string::npos);
  const std::string config_re = Run({"COMMAND", "LIST", "FILTERBY", "PATTERN", "config|*re*"});
  EXPECT_NE(config_re.find(Bulk("config|resetstat")), std::string::npos) << config_re;
  EXPECT_EQ(config_re.find(Bulk("config|get")), std::string::npos) << config_re;
  const std::string lists = Run({"COMMAND", "LIST", "FILTERBY", "ACLCAT", "list"});
  EXPECT_NE(lists.find(Bulk("lpush")), std::string::npos);
  EXPECT_NE(lists.find(Bulk("blmpop")), std::string::npos);
  EXPECT_EQ(lists.find(Bulk("set")), std::string::npos);
  EXPECT_EQ(Run({"COMMAND", "LIST", "FILTERBY", "ACLCAT", "no_such_category"}), "*0\r\n");
  EXPECT_EQ(Run({"COMMAND", "LIST", "FILTERBY", "MODULE", "no_such_module"}), "*0\r\n");
  EXPECT_EQ(Run({"COMMAND", "LIST", "FILTERBY", "NAME", "x"}), Err("ERR syntax error"));
  // ACL categories as Redis 7.0 gives them for LPUSH and BLPOP.
  EXPECT_NE(Run({"COMMAND", "INFO", "lpush"}).find("+@write\r\n+@fast\r\n+@list\r\n"),
            std::string::npos);
  EXPECT_NE(Run({"COMMAND", "INFO", "blpop"}).find("+@write\r\n+@slow\r\n+@blocking\r\n+@list\r\n"),
            std::string::npos);
  EXPECT_NE(Run({"COMMAND", "DOCS", "set"}).find(Bulk("summary")), std::string::npos);
  EXPECT_EQ(Run({"COMMAND"}).substr(0, 1), "*");
}

// COMMAND GETKEYS names the keys EXEC locks for a queued command; replies and
// errors as redis-server 7.0 gives them.
TEST_F(ServerFamily, CommandGetKeys) {
  auto keys = [](std::initializer_list<const char*> names) {
    std::string out = "*" + std::to_string(names.size()) + "\r\n";
    for (const char* name : names) out += Bulk(name);
    return out;
  };
  EXPECT_EQ(Run({"COMMAND", "GETKEYS", "MSET", "a", "1", "b", "2"}), keys({"a", "b"}));
  EXPECT_EQ(Run({"COMMAND", "GETKEYS", "zunionstore", "d", "2", "x", "y", "WEIGHTS", "1", "2"}),
            keys({"d", "x", "y"}));
  EXPECT_EQ(Run({"COMMAND", "GETKEYS", "BLMPOP", "0", "2", "a", "b", "LEFT"}), keys({"a", "b"}));
  EXPECT_EQ(Run({"COMMAND", "GETKEYS", "BLPOP", "a", "b", "0"}), keys({"a", "b"}));
  EXPECT_EQ(Run({"COMMAND", "GETKEYS", "OBJECT", "ENCODING", "k"}), keys({"k"}));
  // SORT's destination: the last STORE, options skipped with their arguments.
  EXPECT_EQ(Run({"COMMAND", "GETKEYS", "sort", "abc", "store", "invalid", "store", "stillbad",
                 "store", "def"}),
            keys({"abc", "def"}));
  EXPECT_EQ(Run({"COMMAND", "GETKEYS", "sort", "abc", "GET", "store", "LIMIT", "0", "1"}),
            keys({"abc"}));
  EXPECT_EQ(Run({"COMMAND", "GETKEYS", "sort", "abc", "BY", "store", "STORE", "x"}),
            keys({"abc", "x"}));
  EXPECT_EQ(Run({"COMMAND", "GETKEYS", "sort_ro", "abc", "STORE", "x"}), keys({"abc"}));

  EXPECT_EQ(Run({"COMMAND", "GETKEYS", "nosuch", "a"}), Err("ERR Invalid command specified"));
  EXPECT_EQ(Run({"COMMAND", "GETKEYS", "OBJECT", "nosuch"}), Err("ERR Invalid command specified"));
  EXPECT_EQ(Run({"COMMAND", "GETKEYS", "PING", "x"}), Err("ERR The command has no key arguments"));
  EXPECT_EQ(Run({"COMMAND", "GETKEYS", "GET", "a", "b"}),
            Err("ERR Invalid number of arguments specified for command"));
  EXPECT_EQ(Run({"COMMAND", "GETKEYS", "LMPOP", "5", "l1", "LEFT"}),
            Err("ERR Invalid arguments specified for command"));
  EXPECT_EQ(Run({"COMMAND", "GETKEYS", "GET"}),
            Err("ERR wrong number of arguments for 'command|getkeys' command"));
}

TEST_F(ServerFamily, ClientCommands) {
  EXPECT_EQ(Run({"CLIENT", "ID"}), Int(static_cast<int64_t>(session_.info->id)));
  EXPECT_EQ(Run({"CLIENT", "GETNAME"}), kNil);
  EXPECT_EQ(Run({"CLIENT", "SETNAME", "worker-1"}), kOk);
  EXPECT_EQ(Run({"CLIENT", "SETNAME", "bad name"}),
            Err("ERR Client names cannot contain spaces, newlines or special characters."));
  EXPECT_EQ(Run({"CLIENT", "GETNAME"}), Bulk("worker-1"));
  std::string list = Run({"CLIENT", "LIST"});
  EXPECT_NE(list.find("name=worker-1"), std::string::npos) << list;
  EXPECT_NE(list.find("addr=127.0.0.1:5000"), std::string::npos);
  EXPECT_NE(Run({"CLIENT", "INFO"}).find("id=" + std::to_string(session_.info->id)),
            std::string::npos);
  EXPECT_EQ(Run({"CLIENT", "KILL", "1.2.3.4:5"}), Err("ERR No such client"));
  EXPECT_EQ(Run({"CLIENT", "KILL", "ADDR", "127.0.0.1:5000"}), Int(0)) << "SKIPME yes by default";
  EXPECT_EQ(Run({"CLIENT", "KILL", "ADDR", "127.0.0.1:5000", "SKIPME", "no"}), Int(1));
  EXPECT_TRUE(session_.close_after_reply);
  EXPECT_EQ(Run({"CLIENT", "KILL", "ID", "0"}), Err("ERR client-id should be greater than 0"));
}

// CLIENT KILL TYPE and USER, with Redis's errors: the one client here is
// normal until it subscribes, then pubsub; no client is a replica.
TEST_F(ServerFamily, ClientKillByTypeAndUser) {
  EXPECT_EQ(Run({"CLIENT", "KILL", "TYPE", "wrong_type"}),
            Err("ERR Unknown client type 'wrong_type'"));
  EXPECT_EQ(Run({"CLIENT", "KILL", "USER", "wrong_user"}), Err("ERR No such user 'wrong_user'"));
  EXPECT_EQ(Run({"CLIENT", "KILL", "TYPE", "replica", "SKIPME", "no"}), Int(0));
  EXPECT_EQ(Run({"CLIENT", "KILL", "TYPE", "pubsub", "SKIPME", "no"}), Int(0));
  session_.info->subscriptions.store(1);
  EXPECT_EQ(Run({"CLIENT", "KILL", "TYPE", "normal", "SKIPME", "no"}), Int(0));
  EXPECT_FALSE(session_.close_after_reply);
  EXPECT_EQ(Run({"CLIENT", "KILL", "TYPE", "PUBSUB", "USER", "default", "SKIPME", "no"}), Int(1));
  EXPECT_TRUE(session_.close_after_reply);
}

// CLIENT REPLY ON right after SKIP cancels the skip: ON's own OK is sent.
TEST_F(ServerFamily, ClientReplyOnCancelsSkip) {
  EXPECT_EQ(Run({"CLIENT", "REPLY", "SKIP"}), "");
  session_.skipping_reply = session_.skip_next_reply;  // what the connection does after a reply
  session_.skip_next_reply = false;
  EXPECT_EQ(Run({"CLIENT", "REPLY", "ON"}), kOk);
  EXPECT_FALSE(session_.skipping_reply);
}

TEST_F(ServerFamily, TimeAndLockgraph) {
  std::string time = Run({"TIME"});
  EXPECT_EQ(time.substr(0, 4), "*2\r\n");
  std::string graph = Run({"DEBUG", "LOCKGRAPH"});
  EXPECT_NE(graph.find("\"classes\""), std::string::npos);
  EXPECT_NE(graph.find("\"cycles\""), std::string::npos);
  EXPECT_EQ(Run({"DEBUG", "WHAT"}), Err("ERR unknown subcommand 'WHAT'. Try DEBUG HELP."));
}

TEST_F(ServerFamily, DebugPopulate) {
  Run({"SET", "key:1", "mine"});
  EXPECT_EQ(Run({"DEBUG", "POPULATE", "100"}), kOk);
  EXPECT_EQ(Run({"DBSIZE"}), Int(100));
  EXPECT_EQ(Run({"GET", "key:1"}), Bulk("mine")) << "existing keys are kept";
  EXPECT_EQ(Run({"GET", "key:99"}), Bulk("value:99"));
  EXPECT_EQ(Run({"DEBUG", "POPULATE", "3", "big", "12"}), kOk);
  EXPECT_EQ(Run({"GET", "big:2"}), Bulk(std::string("value:2\0\0\0\0\0", 12)));
  EXPECT_EQ(Run({"DEBUG", "POPULATE", "-1"}), Err("ERR count must be a non-negative integer"));
}

TEST_F(ServerFamily, ShutdownRequestsStopAndAnswersNothing) {
  EXPECT_EQ(Run({"SHUTDOWN", "BOGUS"}), Err("ERR syntax error"));
  EXPECT_FALSE(server_.shutdown_requested());
  EXPECT_EQ(Run({"SHUTDOWN", "NOSAVE"}), "");
  EXPECT_TRUE(server_.shutdown_requested());
  EXPECT_TRUE(session_.close_after_reply);
}

TEST_F(ServerFamily, ShutdownOptions) {
  EXPECT_EQ(Run({"SHUTDOWN", "SAVE", "NOSAVE"}), Err("ERR syntax error"));
  EXPECT_EQ(Run({"SHUTDOWN", "ABORT", "NOW"}), Err("ERR syntax error"));
  EXPECT_EQ(Run({"SHUTDOWN", "NOW", "BOGUS"}), Err("ERR syntax error"));
  EXPECT_EQ(Run({"SHUTDOWN", "ABORT"}), Err("ERR No shutdown in progress."));
  EXPECT_FALSE(server_.shutdown_requested());
  EXPECT_EQ(Run({"shutdown", "nosave", "now", "force"}), "");
  ASSERT_TRUE(server_.shutdown_requested());
  ShutdownOptions options = server_.shutdown_options();
  EXPECT_TRUE(options.nosave);
  EXPECT_TRUE(options.now);
  EXPECT_TRUE(options.force);
  EXPECT_FALSE(options.save);
  EXPECT_EQ(Run({"SHUTDOWN", "ABORT"}),
            Err("ERR Shutdown in progress and it can no longer be aborted."));
}

TEST_F(ServerFamily, ShutdownOptionsAccumulate) {
  server_.RequestShutdown();  // SIGTERM
  EXPECT_FALSE(server_.shutdown_options().now);
  server_.RequestShutdown(ShutdownOptions{.now = true});  // a second signal
  EXPECT_TRUE(server_.shutdown_options().now);
  EXPECT_FALSE(server_.shutdown_options().nosave);
}

TEST_F(ServerFamily, LatencyStatsInRedisFormat) {
  EXPECT_EQ(Run({"INFO", "latencystats"}), Bulk("# Latencystats\r\n"));
  for (int i = 0; i < 10; ++i) Run({"SET", "k", "v"});
  Run({"DEBUG", "SLEEP", "0.02"});
  std::string info = Run({"INFO", "latencystats"});
  EXPECT_NE(info.find("latency_percentiles_usec_set:p50="), std::string::npos) << info;
  // 20 ms asleep: every percentile of DEBUG SLEEP is at least 20000 us.
  size_t at = info.find("latency_percentiles_usec_debug|sleep:p50=");
  ASSERT_NE(at, std::string::npos) << info;
  double p50 = 0, p99 = 0, p999 = 0;
  ASSERT_EQ(std::sscanf(info.c_str() + at,
                        "latency_percentiles_usec_debug|sleep:p50=%lf,p99=%lf,p99.9=%lf", &p50,
                        &p99, &p999),
            3)
      << info;
  EXPECT_GE(p50, 20000.0);
  EXPECT_LE(p50, p99);
  EXPECT_LE(p99, p999);
  EXPECT_EQ(info.find("latency_percentiles_usec_get:"), std::string::npos) << "never called";
  EXPECT_NE(Run({"INFO", "everything"}).find("# Latencystats"), std::string::npos);
  EXPECT_EQ(Run({"INFO"}).find("# Latencystats"), std::string::npos) << "not a default section";
  EXPECT_EQ(Run({"CONFIG", "RESETSTAT"}), kOk);
  info = Run({"INFO", "latencystats"});
  EXPECT_EQ(info.find("latency_percentiles_usec_set:"), std::string::npos) << info;
  EXPECT_EQ(info.find("latency_percentiles_usec_debug|sleep:"), std::string::npos) << info;
}

}  // namespace
}  // namespace cacheforge
