// server/net/event_loop.h
// -----------------------------------------------------------------------------
// One I/O thread: an epoll loop that accepts connections (every loop watches
// the listening sockets with EPOLLEXCLUSIVE, so the kernel spreads new clients
// over the loops), serves its own connections start to finish, and runs the
// periodic jobs (`hz` times a second): active expiry for its share of the
// shards, the idle-client timeout and, on loop 0, the once-a-second
// statistics.
//
// Accepting never spins: when the process is out of descriptors (EMFILE) the
// loop stops watching the listeners until its next tick and logs at most one
// line a second for the whole process. Clients past maxclients are answered
// `-ERR max number of clients reached`; with protected-mode on and no password,
// clients from other hosts get `-DENIED ...`. Accepted sockets get TCP_NODELAY
// and, when tcp-keepalive is set, keepalive probes.
//
// At shutdown the loop stops accepting and drains its connections (see
// Connection::BeginDrain) for at most shutdown-timeout seconds.
// A connection never moves between loops, so its state needs no lock; what
// other threads may touch (ClientInfo) is atomic or under the registry's lock.
//
// The metrics port (metrics-port) is served by one more instance of this
// class, the metrics loop (index kMetricsLoop): the same epoll, accept,
// task-queue and timer machinery, with HttpConnection (http/http_connection.h)
// as the protocol instead of Connection, and none of the I/O loops' periodic
// jobs. It runs on a thread of its own rather than on the I/O loops because
// /healthz exists to report an I/O loop that does not answer: an HTTP client
// accepted by an I/O loop that then blocks (DEBUG SLEEP, a slow command, a
// stuck lock) would hang with it instead of getting 503, and with `threads 1`
// nothing would be left to answer at all. The metrics loop is not one of the
// loops /healthz probes, and it keeps answering (503 "shutting down") while
// the I/O loops drain, until main calls Stop().
#ifndef CACHEFORGE_NET_EVENT_LOOP_H_
#define CACHEFORGE_NET_EVENT_LOOP_H_

#include <lockgraph/mutex.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "base/server.h"
#include "net/connection.h"

namespace cacheforge {

class HttpConnection;

class EventLoop {
 public:
  static constexpr int kMetricsLoop = -1;

  // I/O loop `index` (0 <= index < server.loop_count()) serves RESP clients
  // accepted from `listen_fds`; index kMetricsLoop makes the metrics loop,
  // which serves HTTP clients from them (see the file comment). The
  // descriptors stay the caller's.
  EventLoop(Server& server, int index, const std::vector<int>& listen_fds);
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // An I/O loop serves until the server's shutdown is requested, then drains
  // and closes its clients and returns; the metrics loop serves until Stop().
  void Run();
  // The metrics loop: makes Run return (from any thread). Call it only once
  // every I/O loop has returned, so that no /healthz probe task can still run
  // and wake this loop after it is gone.
  void Stop();
  // Interrupts epoll_wait from any thread (kills, shutdown).
  void Wake();
  // Runs `task` on this loop's thread at its next wake-up, from any thread.
  // Tasks still queued when the loop is destroyed are dropped unrun.
  void Post(std::function<void()> task);

 private:
  void Accept(int listen_fd);
  // Sets up an accepted socket; false when it was refused and closed.
  bool AdmitClient(int fd);
  void PauseAccepts(int error);
  void Close(Connection* connection);
  void RunPostedTasks();
  void CloseIdleClients(int64_t now_ms);
  void Drain();
  void UpdateInterest(Connection* connection);
  // After a connection ran: closes it (`keep` false) or updates what the
  // loop watches for it, including its blocked wait's timeout.
  void Settle(Connection* connection, bool keep);
  // A serving thread or a publisher woke client `id` on `fd` (posted task).
  void WakeConnection(int fd, uint64_t id);
  // Ends the waits whose timeout passed.
  void ExpireBlocked(int64_t now_ms);
  // Registers `want` (epoll events) for `fd` when it differs from before.
  void Watch(int fd, uint32_t want);
  // The metrics loop's HTTP clients.
  void AdmitHttpClient(int fd);
  void AfterHttp(HttpConnection* connection, bool keep);
  void TickHttp(int64_t now_ms);
  // Syncs the AOF once for every connection that queued this round, then lets
  // them send.
  void FinishAofBatch();
  void KillMarkedClients();
  void Cron(int64_t now_ms);
  void ActiveExpire(int64_t now_ms);
  void SecondlyStats(int64_t now_ms);

  Server& server_;
  const int index_;
  const std::vector<int> listen_fds_;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  std::unordered_map<int, std::unique_ptr<Connection>> connections_;
  std::unordered_map<int, uint32_t> interest_;          // epoll events registered per fd
  std::vector<std::unique_ptr<Connection>> graveyard_;  // closed in this batch
  std::unordered_set<Connection*> blocked_;             // waiting in a blocking command
  std::unordered_map<int, std::unique_ptr<HttpConnection>> http_clients_;
  std::vector<std::unique_ptr<HttpConnection>> http_graveyard_;
  std::atomic<bool> stop_{false};
  AofBatch aof_batch_;
  bool accept_paused_ = false;
  lockgraph::Mutex tasks_mu_{"net.loop_tasks"};
  std::vector<std::function<void()>> tasks_ LOCKGRAPH_GUARDED_BY(tasks_mu_);
  int64_t last_idle_check_ms_ = 0;
  int64_t last_cron_ms_ = 0;
  int64_t last_second_ms_ = 0;
  uint64_t last_total_commands_ = 0;
  uint64_t last_set_calls_ = 0;
};

}  // namespace cacheforge

#endif  // CACHEFORGE_NET_EVENT_LOOP_H_
