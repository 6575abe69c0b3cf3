// server/commands/blocking.h
// -----------------------------------------------------------------------------
// How BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN, BZPOPMAX and BZMPOP
// wait, and how a write wakes them.
//
// A blocking command first tries to run at once, under the locks of all its
// keys. When no key can serve it, it calls BlockOn while still holding them:
// the client is registered on every key it waits for (store/blocked_keys.h),
// in the order clients blocked, and its connection stops reading commands.
//
// A write to a key with waiters marks it ready. Once the writing command has
// released its locks, the dispatcher calls ServeReadyKeys on the same thread:
// for each ready key, the longest-waiting client is claimed (an atomic state,
// so a timeout or a disconnect on the client's own I/O thread cannot also
// take it), and its command is run again, as that client, by the writer's
// thread — taking the locks of all its keys in ascending shard order, like
// any command. If it is served, the reply is handed to the client's I/O
// thread (a posted task) and the next waiter is tried; if not (another
// client emptied the key first), the client goes back to waiting. Served
// commands may push in turn (BLMOVE into a list others wait on): those keys
// join the ready list, and the loop goes on until no key is ready. So, as in
// Redis, by the time the writer gets its reply every client it could serve
// has been served, first come first served, and the data has moved.
//
// The client's I/O thread ends a wait on timeout (null array), on
// disconnect and on CLIENT KILL; inside MULTI/EXEC a blocking command does not
// block and answers as on timeout. The AOF gets the non-blocking form of what
// happened (LPOP, LMOVE, ZPOPMIN, ...).
#ifndef CACHEFORGE_COMMANDS_BLOCKING_H_
#define CACHEFORGE_COMMANDS_BLOCKING_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command.h"
#include "store/blocked_keys.h"

namespace cacheforge {

struct BlockedClient : Waiter {
  const CommandEntry* entry = nullptr;
  std::vector<std::string> args;  // the command, run again to serve it
  std::vector<std::string> keys;  // registered in their shards
  int64_t deadline_ms = 0;        // Unix ms; 0: waits forever
  ClientSession session;          // the client as the serving thread runs it
  Reply reply = Reply::None();    // kDone: the answer
  uint64_t aof_offset = 0;        // kDone: what the reply waits for in the AOF
  std::atomic<bool> cancelled{false};
  std::function<void()> wake;  // tells the client's I/O thread the reply is ready
};

// A blocking command's timeout, in seconds with decimals (Redis's parsing and
// error texts), as an absolute deadline in Unix ms; 0 means forever.
std::optional<Reply> ParseBlockTimeout(const CommandContext& ctx, std::string_view text,
                                       int64_t* deadline_ms);

// No key can serve the command now. The caller holds the shard locks of
// `keys`. Registers the client on `keys` and returns Reply::None() — or,
// where the client must not block (inside EXEC, or a caller without an I/O
// thread), returns `empty`. While a serving thread runs the command again it
// returns Reply::None(), meaning "not served yet".
Reply BlockOn(CommandContext& ctx, std::span<const std::string_view> keys, int64_t deadline_ms,
              Reply empty);

// Serves the waiters of every key this thread's writes made ready. Call with
// no shard lock held.
void ServeReadyKeys(Server& server, ThreadStats& stats);

// The waiting client's side: moves `client` from waiting to `state`
// (kTimedOut or kCancelled) unless a serving thread got to it first, and
// unregisters it. Returns whether it did. With kCancelled, a serving thread
// that is trying it now will finish the cancellation itself.
bool EndWait(Server& server, BlockedClient& client, Waiter::State state);

// CLIENT UNBLOCK: ends the wait of client `id` with `reply`, as a serving
// thread would. False when that client is not waiting (or was just served).
bool UnblockClient(Server& server, uint64_t id, Reply reply);

}  // namespace cacheforge

#endif  // CACHEFORGE_COMMANDS_BLOCKING_H_
