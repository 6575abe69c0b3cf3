// server/commands/command.h
// -----------------------------------------------------------------------------
// What a command handler is given and what the command table says about it.
//
// A handler gets a CommandContext (the server, the calling client, its
// arguments with args[0] the command name, and the time the command started)
// and returns a Reply. The dispatcher has already checked the arity and the
// client's authentication, so a handler only checks its own options.
#ifndef CACHEFORGE_COMMANDS_COMMAND_H_
#define CACHEFORGE_COMMANDS_COMMAND_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/clients.h"
#include "base/server.h"
#include "base/stats.h"
#include "commands/reply.h"

namespace cacheforge {

class AppendOnlyFile;
struct BlockedClient;
class Subscriber;
struct CommandEntry;
struct WatchFlag;

// A command queued between MULTI and EXEC, with its own copy of the arguments.
struct QueuedCommand {
  const CommandEntry* entry;
  std::vector<std::string> args;
};

// MULTI: the queue EXEC runs.
struct MultiState {
  bool active = false;   // between MULTI and EXEC or DISCARD
  bool aborted = false;  // a command was refused while queueing: EXEC answers EXECABORT
  std::vector<QueuedCommand> commands;
};

// WATCH: the keys this client watches, and the flag their shards set when
// one of them changes (store/watched_keys.h).
struct WatchedKey {
  int db;
  std::string key;
  bool operator==(const WatchedKey&) const = default;
};

struct WatchState {
  std::shared_ptr<WatchFlag> flag;
  std::vector<WatchedKey> keys;
};

// What an EXEC collects while it runs its queue under the shard locks.
struct ExecScope {
  std::string aof_records;  // the queued writes' AOF records, in order
  size_t aof_count = 0;     // records, not counting the SELECTs between them
  int aof_first_db = 0;     // the database of the first record
  int aof_last_db = 0;      // and of the last
  // Work that must not run under shard locks (an AOF rewrite, eviction):
  // it runs once EXEC has released them.
  std::vector<std::function<void()>> after_unlock;
};

// Per-connection state that commands may read or change.
struct ClientSession {
  std::shared_ptr<ClientInfo> info;
  bool authenticated = false;
  bool close_after_reply = false;  // QUIT, CLIENT KILL of itself
  bool replaying_aof = false;      // the loader: limits such as maxmemory do not apply
  int db = 0;                      // SELECT's database (mirrored in info->db)
  int protocol = 2;                // HELLO's RESP version, 2 or 3 (mirrored in info->resp)
  // CLIENT REPLY: OFF sends no replies until ON; SKIP none for the next
  // command (`skip_next_reply`, then `skipping_reply` while it runs).
  // Pub/sub confirmations and messages are sent regardless, as in Redis.
  bool replies_off = false;
  bool skip_next_reply = false;
  bool skipping_reply = false;
  // CLIENT REPLY ON and RESET: replies from this command on, any SKIP
  // included (the command's own reply is sent).
  void RepliesOn() { replies_off = skip_next_reply = skipping_reply = false; }
  MultiState multi;
  WatchState watch;
  ExecScope* exec = nullptr;  // set while EXEC runs the queue
  // Blocking commands (commands/blocking.h). `blocked`: set while the client
  // waits; its connection reads no command until the wait ends. `wake`:
  // posts "look at your wait and your mailbox" to the client's I/O thread
  // (null for callers without one: they cannot block). `serving`: this
  // session runs a waiting client's command again, on the thread that made
  // it ready.
  std::shared_ptr<BlockedClient> blocked;
  std::function<void()> wake;
  bool serving = false;
  // Pub/sub (base/pubsub.h): the mailbox, made at the first SUBSCRIBE, and
  // what the client subscribes to, in order.
  std::shared_ptr<Subscriber> subscriber;
  std::vector<std::string> channels;
  std::vector<std::string> patterns;
  // Subscribed to anything. In RESP2 only the pub/sub commands, PING, QUIT
  // and RESET run then; RESP3 tells messages from replies by their type, so
  // every command does (as in Redis).
  bool subscribed() const { return !channels.empty() || !patterns.empty(); }
  bool subscribed_resp2() const { return protocol == 2 && subscribed(); }
};

struct CommandContext {
  Server& server;
  ClientSession& client;
  ThreadStats& stats;
  std::span<const std::string_view> args;
  int64_t now_ms;

  // Persistence. The dispatcher sets `aof` for a write command while the
  // append-only file is on. A handler whose effect differs from its arguments
  // (a relative TTL, a float result) fills `propagate_as` with the command that
  // reproduces the effect. KeyLock/KeysLock call Propagate() while they still
  // hold the shard locks, and only if the command changed data, so the file
  // lists writes to each key in the order they happened.
  AppendOnlyFile* aof = nullptr;
  std::vector<std::string> propagate_as;
  bool propagated = false;
  uint64_t aof_offset = 0;              // what the connection passes to AppendOnlyFile::Sync
  const CommandEntry* entry = nullptr;  // the command running (set by the dispatcher)

  // The client's selected database.
  Keyspace& db() const { return server.db(client.db); }

  // A keyspace notification for `key` of the selected database (base/
  // keyspace_events.h); call with the key's shard still locked. Costs one
  // relaxed load when the class is off.
  void Notify(uint32_t type, std::string_view event, std::string_view key) const {
    if (server.keyspace_events().Enabled(type)) {
      server.keyspace_events().Notify(type, event, key, client.db);
    }
  }

  size_t argc() const { return args.size(); }
  std::string_view arg(size_t i) const { return args[i]; }

  // Appends the command (or `propagate_as`) to the AOF once. Requires the
  // shard locks of every key it changed. Inside EXEC the record goes to the
  // transaction's, which EXEC appends whole.
  void Propagate();
  // A command changed data: counted once (INFO's rdb_changes_since_last_save)
  // and propagated. Called by the key locks when their shards' change
  // counters moved, and by commands that change data without them.
  void NoteChange() {
    changed = true;
    Propagate();
  }
  bool changed = false;

  // Runs `work` now or, inside EXEC (which holds shard locks for the whole
  // queue), once EXEC has released them: for work that takes locks ordered
  // before the shards (the AOF rewrite) or shard locks one by one
  // (eviction). Returns true when it was deferred.
  bool RunOutsideShardLocks(std::function<void()> work);
};

using CommandHandler = Reply (*)(CommandContext& ctx);

// Command flags, with the names COMMAND INFO prints.
enum CommandFlag : uint32_t {
  kCmdWrite = 1 << 0,        // "write": may change the keyspace
  kCmdReadonly = 1 << 1,     // "readonly"
  kCmdFast = 1 << 2,         // "fast": O(1) or O(log n)
  kCmdAdmin = 1 << 3,        // "admin"
  kCmdNoAuth = 1 << 4,       // "no_auth": allowed before AUTH
  kCmdLoading = 1 << 5,      // "loading"
  kCmdStale = 1 << 6,        // "stale"
  kCmdDenyOom = 1 << 7,      // "denyoom": may grow memory
  kCmdNoQueue = 1 << 8,      // runs at once inside MULTI (EXEC, DISCARD, WATCH, QUIT, ...)
  kCmdNoMulti = 1 << 9,      // "no_multi": refused inside MULTI (SHUTDOWN)
  kCmdBlocking = 1 << 10,    // "blocking": may wait for another client's write
  kCmdPubSub = 1 << 11,      // "pubsub": a publish/subscribe command
  kCmdSubscribed = 1 << 12,  // runs while the client is subscribed (SUBSCRIBE, PING, QUIT)
  kCmdAllDbs = 1 << 13,      // reads or changes every database (FLUSHALL, INFO)
};

struct CommandSpec {
  const char* name;  // lowercase
  int arity;         // N: exactly N arguments (name included); -N: at least N
  uint32_t flags;
  int first_key;  // position of the first key argument, 0 when none
  int last_key;   // position of the last key; -1 = the last argument
  int key_step;
  CommandHandler handler;  // null for a container (CONFIG, CLIENT, ...)
  const char* group;       // COMMAND DOCS group: "string", "generic", ...
  const char* summary;
  std::span<const CommandSpec> subcommands;  // empty unless a container
  // For commands that name their keys by a count (LMPOP numkeys key ...):
  // the position of the count; the keys follow it. 0 when none. Keys from
  // first_key..last_key are named as well (ZUNIONSTORE's destination).
  int numkeys_at = 0;
};

}  // namespace cacheforge

#endif  // CACHEFORGE_COMMANDS_COMMAND_H_
