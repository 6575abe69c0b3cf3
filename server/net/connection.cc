// server/net/connection.cc
// -----------------------------------------------------------------------------
// Read → parse → dispatch → encode → write for one client.
#include "net/connection.h"

#include <errno.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

#include "base/log.h"
#include "commands/blocking.h"
#include "commands/dispatcher.h"
#include "commands/pubsub_family.h"
#include "commands/transaction_family.h"
#include "net/resp_writer.h"
#include "persist/append_only_file.h"

namespace cacheforge {
namespace {

constexpr size_t kReadChunk = 64 * 1024;
constexpr int kReadsPerEvent = 4;  // fairness between clients of one loop

RespLimits LimitsFrom(const Config& config) {
  RespLimits limits;
  limits.max_bulk_len = config.proto_max_bulk_len();
  return limits;
}

}  // namespace

Connection::Connection(Server& server, int loop_index, int fd, std::shared_ptr<ClientInfo> info)
    : server_(server),
      stats_(server.thread_stats(loop_index)),
      fd_(fd),
      parser_(LimitsFrom(server.config())) {
  session_.info = std::move(info);
}

Connection::~Connection() {
  CancelWait();
  LeaveAllSubscriptions(server_, session_);
  // The shards' watch lists hold this client's flag until told otherwise.
  UnwatchAll(server_.databases(), session_.watch);
  stats_.client_buffer_bytes.fetch_sub(reported_buffer_bytes_, std::memory_order_relaxed);
  close(fd_);
}

void Connection::ReportBufferBytes() {
  // Each buffer is one heap block of about its capacity.
  int64_t bytes = static_cast<int64_t>(in_.capacity() + out_.capacity());
  if (bytes != reported_buffer_bytes_) {
    stats_.client_buffer_bytes.fetch_add(bytes - reported_buffer_bytes_, std::memory_order_relaxed);
    reported_buffer_bytes_ = bytes;
  }
}

bool Connection::OutputOverLimit(int64_t now_ms) {
  const Config& config = server_.config();
  // A subscribed client is of the pubsub class, as in Redis.
  const Config::OutputClass cls =
      session_.subscribed() ? Config::kPubSubClients : Config::kNormalClients;
  const int64_t hard = config.output_hard_limit(cls);
  const int64_t soft = config.output_soft_limit(cls);
  if (hard == 0 && soft == 0) return false;
  const int64_t pending = static_cast<int64_t>(out_.size() - out_sent_);
  bool over = hard != 0 && pending >= hard;
  // Redis's rule: the soft limit counts once output has stayed at or over it
  // for more than soft-seconds.
  if (soft != 0 && pending >= soft) {
    if (soft_limit_since_ms_ == 0) {
      soft_limit_since_ms_ = now_ms;
    } else if (now_ms - soft_limit_since_ms_ > config.output_soft_seconds(cls) * 1000) {
      over = true;
    }
  } else {
    soft_limit_since_ms_ = 0;
  }
  if (!over) return false;
  std::string name = server_.clients().GetName(session_.info->id);
  Log(LogLevel::kWarning,
      "Closing client id=%llu addr=%s name=%s for overcoming of output buffer limits: %lld bytes "
      "pending, client-output-buffer-limit %s %lld %lld %lld",
      static_cast<unsigned long long>(session_.info->id), session_.info->addr.c_str(), name.c_str(),
      static_cast<long long>(pending), cls == Config::kPubSubClients ? "pubsub" : "normal",
      static_cast<long long>(hard), static_cast<long long>(soft),
      static_cast<long long>(config.output_soft_seconds(cls)));
  stats_.client_output_buffer_limit_disconnections.Add();
  return true;
}

bool Connection::OnReadable() {
  if (draining_) return DiscardInput();
  for (int i = 0; i < kReadsPerEvent; ++i) {
    char* tail = in_.Reserve(kReadChunk);
    ssize_t n = read(fd_, tail, kReadChunk);
    if (n > 0) {
      in_.Commit(static_cast<size_t>(n));
      stats_.net_input_bytes.Add(static_cast<uint64_t>(n));
      if (static_cast<size_t>(n) < kReadChunk) break;
      continue;
    }
    if (n == 0) return false;  // the client closed
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) break;
    return false;
  }
  session_.info->last_interaction_ms.store(NowMs(), std::memory_order_relaxed);
  if (static_cast<int64_t>(in_.size()) > server_.config().client_query_buffer_limit()) {
    Log(LogLevel::kWarning,
        "Closing client id=%llu addr=%s: query buffer of %zu bytes over client-query-buffer-limit",
        static_cast<unsigned long long>(session_.info->id), session_.info->addr.c_str(),
        in_.size());
    // The request can never complete: answer, drop it, and close once sent.
    stats_.client_query_buffer_limit_disconnections.Add();
    AppendError("ERR Protocol error: query buffer over client-query-buffer-limit", &out_);
    in_.Consume(in_.size());
    in_.ShrinkIfIdle(0);
    closing_ = true;
    bool keep = Flush() && !out_.empty();
    ReportBufferBytes();
    return keep;
  }
  return ProcessInput();
}

bool Connection::ProcessInput() {
  parser_.set_limits(LimitsFrom(server_.config()));
  // A blocked client runs nothing more until its wait ends.
  while (!closing_ && !session_.blocked && out_.size() < kOutputPauseBytes) {
    size_t consumed = 0;
    RespParser::Status status = parser_.Parse(in_.readable(), &consumed, &args_);
    if (status == RespParser::Status::kNeedMore) break;
    if (status == RespParser::Status::kError) {
      AppendError("ERR " + parser_.error(), &out_);
      Log(LogLevel::kVerbose, "Protocol error (%s) from client id=%llu addr=%s",
          parser_.error().c_str(), static_cast<unsigned long long>(session_.info->id),
          session_.info->addr.c_str());
      closing_ = true;
      break;
    }
    if (!args_.empty()) {
      // Messages published before this command go out before its reply.
      if (!TakeMail()) return false;
      CommandContext ctx{server_, session_, stats_, args_, NowMs()};
      Reply reply = Dispatch(ctx);
      // CLIENT REPLY OFF/SKIP silence replies, but not the subscribe family's
      // confirmations (Redis pushes those, like the messages).
      const bool pushed = ctx.entry != nullptr && (ctx.entry->spec->flags & kCmdSubscribed) &&
                          (ctx.entry->spec->flags & kCmdPubSub);
      if (pushed || !(session_.replies_off || session_.skipping_reply))
        AppendReply(reply, session_.protocol, &out_);
      session_.skipping_reply = session_.skip_next_reply;
      session_.skip_next_reply = false;
      if (ctx.aof_offset > aof_offset_) aof_offset_ = ctx.aof_offset;
      if (session_.close_after_reply) closing_ = true;
      if (OutputOverLimit(ctx.now_ms)) {
        // Like Redis: the client is dropped with its pending output unsent.
        out_.clear();
        out_.shrink_to_fit();
        out_sent_ = 0;
        ReportBufferBytes();
        return false;
      }
    }
    // The arguments view the buffer: consume only after the command ran.
    in_.Consume(consumed);
  }
  in_.ShrinkIfIdle(1024 * 1024);
  if (session_.info->kill_requested.load(std::memory_order_acquire)) closing_ = true;
  session_.info->query_buffer_bytes.store(in_.size(), std::memory_order_relaxed);
  bool flushed = Flush();
  ReportBufferBytes();
  if (!flushed) return false;
  return !(closing_ && out_.empty());
}

int64_t Connection::block_deadline_ms() const {
  return session_.blocked != nullptr ? session_.blocked->deadline_ms : 0;
}

bool Connection::FinishWait(const Reply& reply, uint64_t aof_offset) {
  session_.blocked.reset();
  AppendReply(reply, session_.protocol, &out_);
  if (aof_offset > aof_offset_) aof_offset_ = aof_offset;
  return ProcessInput();
}

bool Connection::TakeMail() {
  if (session_.subscriber == nullptr || !session_.subscriber->has_mail()) return true;
  if (session_.subscriber->TakeMail(&out_)) return true;
  Log(LogLevel::kWarning,
      "Closing client id=%llu addr=%s for overcoming of output buffer limits: published messages "
      "waiting passed client-output-buffer-limit pubsub %lld",
      static_cast<unsigned long long>(session_.info->id), session_.info->addr.c_str(),
      static_cast<long long>(server_.config().output_hard_limit(Config::kPubSubClients)));
  stats_.client_output_buffer_limit_disconnections.Add();
  return false;
}

bool Connection::OnWake() {
  if (!TakeMail()) return false;
  if (OutputOverLimit(NowMs())) return false;
  if (session_.blocked != nullptr && session_.blocked->state.load() == Waiter::kDone) {
    std::shared_ptr<BlockedClient> blocked = session_.blocked;
    return FinishWait(blocked->reply, blocked->aof_offset);
  }
  return ProcessInput();  // flushes what arrived
}

bool Connection::OnBlockTimeout() {
  if (session_.blocked == nullptr) return true;
  if (!EndWait(server_, *session_.blocked, Waiter::kTimedOut)) return true;
  // Redis answers a timed-out wait with a null array, whatever the command.
  return FinishWait(Reply::NullArray(), 0);
}

void Connection::CancelWait() {
  if (session_.blocked == nullptr) return;
  EndWait(server_, *session_.blocked, Waiter::kCancelled);
  session_.blocked.reset();
}

bool Connection::OnWritable() {
  bool flushed = Flush();
  ReportBufferBytes();
  if (!flushed) return false;
  if (draining_) {
    HalfCloseWhenFlushed();
    return true;
  }
  // Output that drained below the soft limit restarts its clock.
  if (soft_limit_since_ms_ != 0 &&
      static_cast<int64_t>(out_.size() - out_sent_) <
          server_.config().output_soft_limit(session_.subscribed() ? Config::kPubSubClients
                                                                   : Config::kNormalClients)) {
    soft_limit_since_ms_ = 0;
  }
  if (closing_) return !out_.empty();
  // Output drained below the pause mark: run requests that were waiting.
  if (!in_.empty() && out_.size() < kOutputPauseBytes) return ProcessInput();
  return true;
}

bool Connection::Flush() {
  if (aof_offset_ != 0) {
    // No reply leaves before the writes it acknowledges are in the file.
    if (aof_batch_ != nullptr && aof_batch_->open) {
      aof_batch_->offset = std::max(aof_batch_->offset, aof_offset_);
      if (!aof_batched_) {
        aof_batched_ = true;
        aof_batch_->waiting.push_back(this);
      }
      return true;
    }
    server_.aof()->Sync(aof_offset_);
    aof_offset_ = 0;
  }
  while (out_sent_ < out_.size()) {
    ssize_t n = send(fd_, out_.data() + out_sent_, out_.size() - out_sent_, MSG_NOSIGNAL);
    if (n > 0) {
      out_sent_ += static_cast<size_t>(n);
      stats_.net_output_bytes.Add(static_cast<uint64_t>(n));
      // A client that keeps reading a long reply is not idle (timeout).
      session_.info->last_interaction_ms.store(NowMs(), std::memory_order_relaxed);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    return false;
  }
  if (out_sent_ == out_.size()) {
    out_.clear();
    out_sent_ = 0;
    if (out_.capacity() > 1024 * 1024) out_.shrink_to_fit();
  } else if (out_sent_ > out_.size() / 2) {
    out_.erase(0, out_sent_);
    out_sent_ = 0;
  }
  session_.info->output_buffer_bytes.store(out_.size() - out_sent_, std::memory_order_relaxed);
  return true;
}

bool Connection::BeginDrain() {
  draining_ = true;
  closing_ = true;
  in_.Consume(in_.size());  // requests not run yet are dropped, not half-answered
  in_.ShrinkIfIdle(0);
  if (!Flush()) return false;
  HalfCloseWhenFlushed();
  return true;
}

bool Connection::DiscardInput() {
  char scratch[16 * 1024];
  for (int i = 0; i < kReadsPerEvent; ++i) {
    ssize_t n = read(fd_, scratch, sizeof(scratch));
    if (n > 0) continue;
    if (n == 0) {  // the client is done sending; it may still be reading
      peer_closed_ = true;
      return true;
    }
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK;
  }
  return true;
}

void Connection::HalfCloseWhenFlushed() {
  if (half_closed_ || !out_.empty()) return;
  shutdown(fd_, SHUT_WR);
  half_closed_ = true;
}

bool Connection::DrainFinished() const {
  if (!half_closed_) return false;
  // With no more input coming, closing cannot provoke a reset: the kernel
  // still delivers what it holds.
  if (peer_closed_) return true;
  int unacknowledged = 0;
  // SIOCOUTQ: bytes (and the FIN) sent but not yet acknowledged by the peer.
  if (ioctl(fd_, SIOCOUTQ, &unacknowledged) != 0) return true;
  return unacknowledged == 0;
}

}  // namespace cacheforge
