// server/net/event_loop.cc
// -----------------------------------------------------------------------------
// The per-thread epoll loop.
#include "net/event_loop.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <mutex>

#include "base/log.h"
#include "commands/command_table.h"
#include "commands/maxmemory.h"
#include "net/listener.h"

namespace cacheforge {
namespace {

constexpr int kMaxEvents = 256;
constexpr size_t kExpireSamples = 20;
// Active expiry repeats while more than a quarter of a sample had expired, for
// at most this long per tick, so a mass expiry cannot stall the loop's clients.
constexpr int64_t kExpireBudgetUs = 2000;

}  // namespace

EventLoop::EventLoop(Server& server, int index, const std::vector<int>& listen_fds)
    : server_(server), index_(index), listen_fds_(listen_fds) {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = wake_fd_;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev);
  for (int fd : listen_fds_) {
    epoll_event lev{};
    lev.events = EPOLLIN | EPOLLEXCLUSIVE;
    lev.data.fd = fd;
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &lev);
  }
}

EventLoop::~EventLoop() {
  connections_.clear();
  close(wake_fd_);
  close(epoll_fd_);
}

void EventLoop::Wake() {
  uint64_t one = 1;
  ssize_t ignored = write(wake_fd_, &one, sizeof(one));
  (void)ignored;
}

void EventLoop::Run() {
  epoll_event events[kMaxEvents];
  last_cron_ms_ = last_second_ms_ = NowMs();
  while (!server_.shutdown_requested()) {
    int period_ms = std::max(1, 1000 / std::max(1, server_.config().hz()));
    int64_t now = NowMs();
    int timeout =
        static_cast<int>(std::clamp<int64_t>(last_cron_ms_ + period_ms - now, 0, period_ms));
    int n = epoll_wait(epoll_fd_, events, kMaxEvents, timeout);
    if (n < 0 && errno != EINTR) {
      Log(LogLevel::kWarning, "epoll_wait failed: %s", std::strerror(errno));
      break;
    }
    for (int i = 0; i < n; ++i) {
      int fd = events[i].data.fd;
      uint32_t what = events[i].events;
      if (fd == wake_fd_) {
        uint64_t count;
        ssize_t ignored = read(wake_fd_, &count, sizeof(count));
        (void)ignored;
        KillMarkedClients();
        continue;
      }
      if (std::find(listen_fds_.begin(), listen_fds_.end(), fd) != listen_fds_.end()) {
        Accept(fd);
        continue;
      }
      auto it = connections_.find(fd);
      if (it == connections_.end()) continue;  // closed earlier in this batch
      Connection* c = it->second.get();
      bool keep = true;
      if (what & (EPOLLIN | EPOLLHUP | EPOLLERR)) keep = c->OnReadable();
      if (keep && (what & EPOLLOUT)) keep = c->OnWritable();
      if (keep) {
        UpdateInterest(c);
      } else {
        Close(c);
      }
    }
    graveyard_.clear();
    now = NowMs();
    if (now - last_cron_ms_ >= period_ms) Cron(now);
  }
  // Shutdown: give every client what was already answered, then close.
  for (auto& [fd, connection] : connections_) connection->FlushBestEffort();
  std::vector<Connection*> all;
  for (auto& [fd, connection] : connections_) all.push_back(connection.get());
  for (Connection* c : all) Close(c);
  graveyard_.clear();
}

void EventLoop::Accept(int listen_fd) {
  for (int i = 0; i < 64; ++i) {
    int fd = accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        // Out of descriptors: stop watching the listener until the next tick
        // instead of spinning on a socket we cannot accept from.
        Log(LogLevel::kWarning, "Error accepting a client connection: %s (pausing accepts)",
            std::strerror(errno));
        for (int lfd : listen_fds_) epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, lfd, nullptr);
        accept_paused_ = true;
      }
      return;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    server_.connections_received.fetch_add(1, std::memory_order_relaxed);
    if (static_cast<int64_t>(server_.connected_clients.load()) >=
        server_.config().GetInt("maxclients")) {
      static constexpr char kFull[] = "-ERR max number of clients reached\r\n";
      ssize_t ignored = send(fd, kFull, sizeof(kFull) - 1, MSG_NOSIGNAL);
      (void)ignored;
      close(fd);
      server_.rejected_connections.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    auto info = std::make_shared<ClientInfo>();
    info->id = server_.clients().NextId();
    info->fd = fd;
    info->loop_index = index_;
    info->addr = SocketAddress(fd, true);
    info->laddr = SocketAddress(fd, false);
    info->created_ms = NowMs();
    info->last_interaction_ms.store(info->created_ms);
    server_.clients().Add(info);
    server_.connected_clients.fetch_add(1, std::memory_order_relaxed);
    Log(LogLevel::kDebug, "Accepted %s", info->addr.c_str());
    auto connection = std::make_unique<Connection>(server_, index_, fd, std::move(info));
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
    interest_[fd] = EPOLLIN;
    connections_[fd] = std::move(connection);
  }
}

void EventLoop::UpdateInterest(Connection* c) {
  uint32_t want = (c->WantsRead() ? EPOLLIN : 0u) | (c->WantsWrite() ? EPOLLOUT : 0u);
  uint32_t& have = interest_[c->fd()];
  if (want == have) return;
  epoll_event ev{};
  ev.events = want;
  ev.data.fd = c->fd();
  epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c->fd(), &ev);
  have = want;
}

void EventLoop::Close(Connection* c) {
  int fd = c->fd();
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  interest_.erase(fd);
  server_.clients().Remove(c->info().id);
  server_.connected_clients.fetch_sub(1, std::memory_order_relaxed);
  Log(LogLevel::kDebug, "Client closed connection id=%llu",
      static_cast<unsigned long long>(c->info().id));
  auto it = connections_.find(fd);
  // Keep the object (and so the descriptor) alive until the batch ends, so
  // the number cannot be reused by an accept while events for it are pending.
  graveyard_.push_back(std::move(it->second));
  connections_.erase(it);
}

void EventLoop::KillMarkedClients() {
  std::vector<Connection*> marked;
  for (auto& [fd, c] : connections_) {
    if (c->info().kill_requested.load(std::memory_order_acquire)) marked.push_back(c.get());
  }
  for (Connection* c : marked) {
    c->FlushBestEffort();
    Close(c);
  }
}

void EventLoop::Cron(int64_t now_ms) {
  last_cron_ms_ = now_ms;
  if (accept_paused_) {
    for (int fd : listen_fds_) {
      epoll_event ev{};
      ev.events = EPOLLIN | EPOLLEXCLUSIVE;
      ev.data.fd = fd;
      epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
    }
    accept_paused_ = false;
  }
  ActiveExpire(now_ms);
  // Memory over maxmemory (a lowered limit, or writes that outran the
  // per-command eviction slice): evict for up to a quarter of a tick.
  PerformEvictions(server_, server_.thread_stats(index_), now_ms,
                   250'000 / std::max(1, server_.config().hz()));
  server_.UpdatePeakMemory(server_.UsedMemory());
  if (index_ == 0 && now_ms - last_second_ms_ >= 1000) SecondlyStats(now_ms);
}

void EventLoop::ActiveExpire(int64_t now_ms) {
  Keyspace& keyspace = server_.keyspace();
  ThreadStats& stats = server_.thread_stats(index_);
  const int64_t deadline = NowUs() + kExpireBudgetUs;
  for (int s = index_; s < keyspace.shard_count(); s += server_.loop_count()) {
    Shard& shard = keyspace.shard(s);
    for (;;) {
      std::pair<size_t, size_t> result;
      {
        std::lock_guard lock(shard.mu());
        result = shard.ActiveExpireLocked(now_ms, kExpireSamples);
      }
      stats.expired_keys.Add(result.second);
      if (result.second * 4 <= result.first || NowUs() > deadline) break;
    }
  }
}

void EventLoop::SecondlyStats(int64_t now_ms) {
  static const size_t set_id = CommandTable::Get().Find("set")->id;
  uint64_t total = 0, set_calls = 0;
  for (int i = 0; i < server_.loop_count(); ++i) {
    total += server_.thread_stats(i).commands.Get();
    set_calls += server_.thread_stats(i).per_command[set_id].calls.Get();
  }
  int64_t elapsed = now_ms - last_second_ms_;
  uint64_t ops = total >= last_total_commands_ ? total - last_total_commands_ : 0;
  server_.instantaneous_ops_per_sec.store(elapsed > 0 ? ops * 1000 / elapsed : 0);
  uint64_t sets = set_calls >= last_set_calls_ ? set_calls - last_set_calls_ : 0;
  if (sets > 0) {
    Log(LogLevel::kVerbose, "Processed %llu SET operations in last second",
        static_cast<unsigned long long>(sets));
  }
  last_total_commands_ = total;
  last_set_calls_ = set_calls;
  last_second_ms_ = now_ms;
}

}  // namespace cacheforge
