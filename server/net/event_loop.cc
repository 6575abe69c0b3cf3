// server/net/event_loop.cc
// -----------------------------------------------------------------------------
// The per-thread epoll loop; the metrics loop's HTTP clients at the end.
#include "net/event_loop.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>

#include "base/log.h"
#include "commands/command_table.h"
#include "commands/maxmemory.h"
#include "http/http_connection.h"
#include "net/listener.h"
#include "persist/append_only_file.h"

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

void EventLoop::Stop() {
  stop_.store(true, std::memory_order_release);
  Wake();
}

void EventLoop::Post(std::function<void()> task) {
  {
    lockgraph::MutexLock lock(tasks_mu_);
    tasks_.push_back(std::move(task));
  }
  Wake();
}

void EventLoop::RunPostedTasks() {
  std::vector<std::function<void()>> tasks;
  {
    lockgraph::MutexLock lock(tasks_mu_);
    tasks.swap(tasks_);
  }
  // Run with no lock held: a task may post again or take other locks.
  for (auto& task : tasks) task();
}

void EventLoop::Run() {
  epoll_event events[kMaxEvents];
  last_cron_ms_ = last_second_ms_ = last_idle_check_ms_ = NowMs();
  while (index_ == kMetricsLoop ? !stop_.load(std::memory_order_acquire)
                                : !server_.shutdown_requested()) {
    int period_ms = std::max(1, 1000 / std::max(1, server_.config().hz()));
    int64_t now = NowMs();
    int64_t wake_ms = last_cron_ms_ + period_ms;
    for (auto& [fd, c] : http_clients_) wake_ms = std::min(wake_ms, c->NextTickMs(now));
    for (Connection* c : blocked_) {
      if (c->block_deadline_ms() != 0) wake_ms = std::min(wake_ms, c->block_deadline_ms());
    }
    int timeout = static_cast<int>(std::clamp<int64_t>(wake_ms - now, 0, period_ms));
    // Nothing may be held across the wait: every client of this loop, and
    // every thread that wants the lock, would stall behind it (the blocked
    // event loop of the seed incidents). lockgraph reports it with the stack.
    lockgraph::AssertNoLocksHeld();
    int n = epoll_wait(epoll_fd_, events, kMaxEvents, timeout);
    if (n < 0 && errno != EINTR) {
      Log(LogLevel::kWarning, "epoll_wait failed: %s", std::strerror(errno));
      break;
    }
    aof_batch_.open = true;
    for (int i = 0; i < n; ++i) {
      int fd = events[i].data.fd;
      uint32_t what = events[i].events;
      if (fd == wake_fd_) {
        uint64_t count;
        ssize_t ignored = read(wake_fd_, &count, sizeof(count));
        (void)ignored;
        RunPostedTasks();
        KillMarkedClients();
        continue;
      }
      if (std::find(listen_fds_.begin(), listen_fds_.end(), fd) != listen_fds_.end()) {
        Accept(fd);
        continue;
      }
      auto it = connections_.find(fd);
      if (it == connections_.end()) {
        auto http = http_clients_.find(fd);
        if (http != http_clients_.end()) {
          AfterHttp(http->second.get(), http->second->OnEvents(what, NowMs()));
        }
        continue;  // else closed earlier in this batch
      }
      Connection* c = it->second.get();
      bool keep = true;
      if (what & (EPOLLIN | EPOLLHUP | EPOLLERR)) keep = c->OnReadable();
      if (keep && (what & EPOLLOUT)) keep = c->OnWritable();
      Settle(c, keep);
    }
    FinishAofBatch();
    now = NowMs();
    if (!blocked_.empty()) ExpireBlocked(now);
    if (!http_clients_.empty()) TickHttp(now);
    graveyard_.clear();
    http_graveyard_.clear();
    if (now - last_cron_ms_ >= period_ms) Cron(now);
  }
  if (index_ != kMetricsLoop) Drain();
  http_clients_.clear();
  http_graveyard_.clear();
}

void EventLoop::Drain() {
  // Stop accepting: clients still in the backlog are refused by the kernel
  // once the listening sockets close.
  if (!accept_paused_) {
    for (int fd : listen_fds_) epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
    accept_paused_ = true;
  }
  const int64_t timeout_ms = server_.config().GetInt("shutdown-timeout") * 1000;
  const int64_t deadline = NowMs() + timeout_ms;
  std::vector<Connection*> done;
  for (auto& [fd, c] : connections_) {
    if (!c->BeginDrain() || c->DrainFinished()) done.push_back(c.get());
  }
  for (Connection* c : done) Close(c);
  graveyard_.clear();
  size_t owed = connections_.size();
  if (owed > 0) {
    Log(LogLevel::kNotice, "Loop %d: finishing replies to %zu client(s), for at most %lld s",
        index_, owed, static_cast<long long>(timeout_ms / 1000));
  }
  epoll_event events[kMaxEvents];
  while (!connections_.empty() && !server_.shutdown_options().now && NowMs() < deadline) {
    for (auto& [fd, c] : connections_) UpdateInterest(c.get());
    // A short wait: the acknowledgement a drain waits for raises no event.
    int n = epoll_wait(epoll_fd_, events, kMaxEvents, 10);
    for (int i = 0; i < n; ++i) {
      int fd = events[i].data.fd;
      uint32_t what = events[i].events;
      if (fd == wake_fd_) {
        uint64_t count;
        ssize_t ignored = read(wake_fd_, &count, sizeof(count));
        (void)ignored;
        RunPostedTasks();
        continue;
      }
      auto it = connections_.find(fd);
      if (it == connections_.end()) continue;
      Connection* c = it->second.get();
      bool keep = true;
      if (what & (EPOLLIN | EPOLLHUP | EPOLLERR)) keep = c->OnReadable();
      if (keep && (what & EPOLLOUT)) keep = c->OnWritable();
      if (!keep) Close(c);
    }
    done.clear();
    for (auto& [fd, c] : connections_) {
      if (c->DrainFinished()) done.push_back(c.get());
    }
    for (Connection* c : done) Close(c);
    graveyard_.clear();
  }
  if (!connections_.empty()) {
    Log(LogLevel::kWarning, "Loop %d: closing %zu client(s) that did not read their replies",
        index_, connections_.size());
  }
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
        PauseAccepts(errno);
      }
      return;
    }
    if (index_ == kMetricsLoop) {
      AdmitHttpClient(fd);
      continue;
    }
    server_.connections_received.fetch_add(1, std::memory_order_relaxed);
    AdmitClient(fd);
  }
}

void EventLoop::PauseAccepts(int error) {
  // The pending client stays in the backlog, so a level-triggered listener
  // would wake this loop again at once: stop watching it until the next tick.
  for (int lfd : listen_fds_) epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, lfd, nullptr);
  accept_paused_ = true;
  // One line a second for the whole process, with the count it stands for.
  static std::atomic<int64_t> last_log_ms{0};
  static std::atomic<uint64_t> unlogged{0};
  uint64_t count = unlogged.fetch_add(1, std::memory_order_relaxed) + 1;
  int64_t now = NowMs();
  int64_t last = last_log_ms.load(std::memory_order_relaxed);
  if (now - last >= 1000 && last_log_ms.compare_exchange_strong(last, now)) {
    count = unlogged.exchange(0, std::memory_order_relaxed);
    Log(LogLevel::kWarning,
        "Error accepting a client connection: %s (accepts paused; %llu error(s) since the "
        "last message)",
        std::strerror(error), static_cast<unsigned long long>(count));
  }
}

bool EventLoop::AdmitClient(int fd) {
  const Config& config = server_.config();
  auto refuse = [&](const char* reply, size_t length) {
    ssize_t ignored = send(fd, reply, length, MSG_NOSIGNAL);
    (void)ignored;
    close(fd);
    server_.rejected_connections.fetch_add(1, std::memory_order_relaxed);
    return false;
  };
  if (static_cast<int64_t>(server_.connected_clients.load()) >= config.maxclients()) {
    static constexpr char kFull[] = "-ERR max number of clients reached\r\n";
    return refuse(kFull, sizeof(kFull) - 1);
  }
  // Checked per client, not only at startup: requirepass or protected-mode
  // may have been changed by CONFIG SET since.
  if (config.protected_mode() && !config.requires_password() && !IsLoopbackPeer(fd)) {
    static constexpr char kDenied[] =
        "-DENIED cacheforge is running in protected mode because protected mode is enabled and "
        "no password is set for the default user. In this mode connections are only accepted "
        "from the loopback interface. To accept other clients, set a password (CONFIG SET "
        "requirepass <password> from the loopback interface, or --requirepass), or, if the "
        "network is trusted, disable protected mode (CONFIG SET protected-mode no, or "
        "--protected-mode no).\r\n";
    Log(LogLevel::kVerbose, "Refused %s: protected mode", SocketAddress(fd, true).c_str());
    return refuse(kDenied, sizeof(kDenied) - 1);
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  if (int64_t interval = config.tcp_keepalive(); interval > 0) {
    // As Redis: first probe after `interval` idle seconds, then every third
    // of it, and give up after three unanswered probes.
    int idle = static_cast<int>(std::min<int64_t>(interval, 32767));
    int every = std::max(1, idle / 3);
    int probes = 3;
    setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &every, sizeof(every));
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &probes, sizeof(probes));
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
  const uint64_t id = info->id;
  auto connection = std::make_unique<Connection>(server_, index_, fd, std::move(info));
  connection->set_aof_batch(&aof_batch_);
  // The loop outlives its connections; a task for one that closed meanwhile
  // finds nothing (or another id on the fd) and does nothing.
  connection->set_wake([this, fd, id] { Post([this, fd, id] { WakeConnection(fd, id); }); });
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = fd;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
  interest_[fd] = EPOLLIN;
  connections_[fd] = std::move(connection);
  return true;
}

void EventLoop::FinishAofBatch() {
  aof_batch_.open = false;
  if (aof_batch_.waiting.empty()) return;
  server_.aof()->Sync(aof_batch_.offset);
  std::vector<Connection*> waiting;
  waiting.swap(aof_batch_.waiting);
  aof_batch_.offset = 0;
  for (Connection* c : waiting) {
    // One closed earlier in this round sits in the graveyard: skip it.
    auto it = connections_.find(c->fd());
    if (it == connections_.end() || it->second.get() != c) continue;
    if (c->FinishAofBatch()) {
      UpdateInterest(c);
    } else {
      Close(c);
    }
  }
}

void EventLoop::Settle(Connection* c, bool keep) {
  if (!keep) {
    Close(c);
    return;
  }
  UpdateInterest(c);
  if (c->blocked()) {
    blocked_.insert(c);
  } else {
    blocked_.erase(c);
  }
}

void EventLoop::WakeConnection(int fd, uint64_t id) {
  auto it = connections_.find(fd);
  if (it == connections_.end() || it->second->info().id != id) return;  // gone since
  Connection* c = it->second.get();
  Settle(c, c->OnWake());
}

void EventLoop::ExpireBlocked(int64_t now_ms) {
  std::vector<Connection*> due;
  for (Connection* c : blocked_) {
    if (c->block_deadline_ms() != 0 && c->block_deadline_ms() <= now_ms) due.push_back(c);
  }
  for (Connection* c : due) Settle(c, c->OnBlockTimeout());
}

void EventLoop::UpdateInterest(Connection* c) {
  Watch(c->fd(), (c->WantsRead() ? EPOLLIN : 0u) | (c->WantsWrite() ? EPOLLOUT : 0u));
}

void EventLoop::Watch(int fd, uint32_t want) {
  uint32_t& have = interest_[fd];
  if (want == have) return;
  epoll_event ev{};
  ev.events = want;
  ev.data.fd = fd;
  epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev);
  have = want;
}

void EventLoop::Close(Connection* c) {
  int fd = c->fd();
  c->CancelWait();
  blocked_.erase(c);
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
  if (index_ == kMetricsLoop) return;  // the keyspace's jobs are the I/O loops'
  ActiveExpire(now_ms);
  // Memory over maxmemory (a lowered limit, or writes that outran the
  // per-command eviction slice): evict for up to a quarter of a tick.
  PerformEvictions(server_, server_.thread_stats(index_), now_ms,
                   250'000 / std::max(1, server_.config().hz()));
  server_.UpdatePeakMemory(server_.UsedMemory());
  if (now_ms - last_idle_check_ms_ >= 1000) CloseIdleClients(now_ms);
  if (index_ == 0 && now_ms - last_second_ms_ >= 1000) SecondlyStats(now_ms);
}

void EventLoop::CloseIdleClients(int64_t now_ms) {
  last_idle_check_ms_ = now_ms;
  const int64_t timeout_s = server_.config().timeout_seconds();
  if (timeout_s <= 0) return;
  std::vector<Connection*> idle;
  for (auto& [fd, c] : connections_) {
    // Waiting for an element or a message is not idling (Redis spares both).
    if (c->blocked() || c->subscribed()) continue;
    int64_t last = c->info().last_interaction_ms.load(std::memory_order_relaxed);
    if (now_ms - last > timeout_s * 1000) idle.push_back(c.get());
  }
  for (Connection* c : idle) {
    Log(LogLevel::kVerbose, "Closing idle client id=%llu addr=%s",
        static_cast<unsigned long long>(c->info().id), c->info().addr.c_str());
    Close(c);
  }
  graveyard_.clear();
}

void EventLoop::ActiveExpire(int64_t now_ms) {
  Databases& dbs = server_.databases();
  ThreadStats& stats = server_.thread_stats(index_);
  const int64_t deadline = NowUs() + kExpireBudgetUs;
  // The loops split every database's shards between them.
  const int per_db = dbs.shards_per_db();
  for (int s = index_; s < dbs.count() * per_db; s += server_.loop_count()) {
    Shard& shard = dbs.db(s / per_db).shard(s % per_db);
    for (;;) {
      std::pair<size_t, size_t> result;
      {
        lockgraph::MutexLock lock(shard.mu());
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

// --- The metrics loop's HTTP clients ----------------------------------------

void EventLoop::AdmitHttpClient(int fd) {
  if (http_clients_.size() >= 2 * HttpConnection::kMaxConnections) {
    close(fd);  // far past the cap: not even an answer
    return;
  }
  const int64_t now = NowMs();
  auto owned = std::make_unique<HttpConnection>(server_, fd, now, [this] { Wake(); });
  HttpConnection* c = owned.get();
  http_clients_[fd] = std::move(owned);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = fd;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
  interest_[fd] = EPOLLIN;
  // Past the cap: answered at once, but closed the careful way, so the answer
  // is not lost to a reset if the request is already on its way.
  if (http_clients_.size() > HttpConnection::kMaxConnections) AfterHttp(c, c->TurnAway(now));
}

void EventLoop::AfterHttp(HttpConnection* c, bool keep) {
  const int fd = c->fd();
  if (keep) {
    Watch(fd, c->interest());
    return;
  }
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  interest_.erase(fd);
  auto it = http_clients_.find(fd);
  // As in Close: the descriptor stays open until the batch ends.
  http_graveyard_.push_back(std::move(it->second));
  http_clients_.erase(it);
}

void EventLoop::TickHttp(int64_t now_ms) {
  std::vector<HttpConnection*> all;
  all.reserve(http_clients_.size());
  for (auto& [fd, c] : http_clients_) all.push_back(c.get());
  for (HttpConnection* c : all) AfterHttp(c, c->OnTick(now_ms));
}

}  // namespace cacheforge
