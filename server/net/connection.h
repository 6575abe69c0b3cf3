// server/net/connection.h
// -----------------------------------------------------------------------------
// One client connection, owned by one I/O thread: reads bytes, parses requests
// (RespParser), runs each through the dispatcher, and queues the encoded
// replies. Pipelined requests in one read are all answered in one write.
//
// Protocol errors are answered with `-ERR Protocol error: ...` and then the
// connection closes, as in Redis. A client whose pending output passes 64 MB
// stops being read until it drains, so a client that pipelines without
// reading cannot make the server buffer without bound. Beyond that, Redis's
// client-output-buffer-limit (normal class) closes a client whose pending
// output reaches the hard limit, or stays at or over the soft limit for longer
// than the soft seconds — which also covers one huge reply (KEYS *, a big
// MGET) — and client-query-buffer-limit closes one whose unparsed request
// grows too big. Each such close is logged with the client and the limit, and
// counted for INFO stats.
//
// The heap bytes of the connection's buffers are kept in its I/O thread's
// ThreadStats::client_buffer_bytes, which is part of used_memory.
//
// At shutdown a connection drains (BeginDrain): requests not yet run are
// dropped, every reply already produced is sent whole, then the write side is
// half-closed and the connection stays open, discarding input, until the
// client has acknowledged every byte or closed. Closing earlier with unread
// input would make the kernel answer with a reset and throw away replies
// still in the send queue.
#ifndef CACHEFORGE_NET_CONNECTION_H_
#define CACHEFORGE_NET_CONNECTION_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/server.h"
#include "commands/command.h"
#include "net/io_buffer.h"
#include "net/resp_parser.h"

namespace cacheforge {

class Connection;

// Replies waiting for their writes to reach the append-only file. The event
// loop opens a batch around each round of epoll events; a connection that ran
// writes queues here instead of syncing on its own, and the loop then syncs
// once for all of them — one write(), and under appendfsync always one fsync,
// per round, however many clients wrote — before they send (Redis does the
// same before it writes replies).
struct AofBatch {
  bool open = false;
  uint64_t offset = 0;
  std::vector<Connection*> waiting;
};

class Connection {
 public:
  Connection(Server& server, int loop_index, int fd, std::shared_ptr<ClientInfo> info);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  int fd() const { return fd_; }
  const ClientInfo& info() const { return *session_.info; }

  // Each returns false when the connection must be closed now.
  bool OnReadable();
  bool OnWritable();

  // Whether the loop should watch for writability / readability.
  bool WantsWrite() const { return !out_.empty() && !aof_batched_; }

  // The loop's batch (may be null: every flush then syncs on its own).
  void set_aof_batch(AofBatch* batch) { aof_batch_ = batch; }
  // After the loop synced the batch: sends what waited. False: close now.
  bool FinishAofBatch() {
    aof_batched_ = false;
    return OnWritable();
  }
  bool WantsRead() const {
    return draining_ ? !peer_closed_ : !closing_ && out_.size() < kOutputPauseBytes;
  }

  // Sends what can be sent without blocking (used before a forced close).
  void FlushBestEffort() { Flush(); }

  // `wake` is what a serving thread (commands/blocking.h) or a publisher
  // (base/pubsub.h) calls for this client: the loop then calls OnWake on its
  // own thread.
  void set_wake(std::function<void()> wake) { session_.wake = std::move(wake); }
  bool blocked() const { return session_.blocked != nullptr; }
  bool subscribed() const { return session_.subscribed(); }
  // When the wait times out, in Unix ms; 0: never.
  int64_t block_deadline_ms() const;
  // The client's wake-up (a posted task): a serving thread answered its wait
  // (sends the reply and goes on with the commands queued behind it), or
  // messages arrived in its pub/sub mailbox (moves them to the output).
  // False: close now.
  bool OnWake();
  // The wait's timeout passed: answers a null array, unless a serving thread
  // got to it first (then its reply is on the way). False: close now.
  bool OnBlockTimeout();
  // The connection is closing: ends the wait, so no element is handed to it.
  void CancelWait();

  // Shutdown: see the file comment. False when the connection is already done.
  bool BeginDrain();
  // Draining and nothing more to wait for: every reply byte was acknowledged.
  bool DrainFinished() const;

 private:
  static constexpr size_t kOutputPauseBytes = 64 * 1024 * 1024;

  // Runs every complete request in the input buffer. False: close now.
  bool ProcessInput();
  // A blocked wait ended with `reply`: queues it and runs what waited behind.
  bool FinishWait(const Reply& reply, uint64_t aof_offset);
  // Moves published messages to the output. False when the mailbox
  // overflowed the pubsub output limit (logged; the client must close).
  bool TakeMail();
  // Writes queued output. False on a socket error.
  bool Flush();
  // Whether the pending output is over client-output-buffer-limit; logs and
  // counts the disconnection when it is.
  bool OutputOverLimit(int64_t now_ms);
  // Brings ThreadStats::client_buffer_bytes up to date with this connection's buffers.
  void ReportBufferBytes();
  // Draining: reads and drops input. False on a socket error.
  bool DiscardInput();
  // Draining: half-closes once every reply is in the kernel's hands.
  void HalfCloseWhenFlushed();

  Server& server_;
  ThreadStats& stats_;
  int fd_;
  IoBuffer in_;
  std::string out_;
  size_t out_sent_ = 0;
  RespParser parser_;
  std::vector<std::string_view> args_;
  ClientSession session_;
  uint64_t aof_offset_ = 0;  // the AOF must reach this offset before replies go out
  AofBatch* aof_batch_ = nullptr;
  bool aof_batched_ = false;         // queued in aof_batch_, replies held back
  bool closing_ = false;             // close once `out_` is written
  int64_t soft_limit_since_ms_ = 0;  // when output first reached the soft limit; 0: below it
  int64_t reported_buffer_bytes_ = 0;
  bool draining_ = false;     // shutting down: see BeginDrain
  bool half_closed_ = false;  // draining and the write side is shut
  bool peer_closed_ = false;  // draining and the client sent its FIN
};

}  // namespace cacheforge

#endif  // CACHEFORGE_NET_CONNECTION_H_
