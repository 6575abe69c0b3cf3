// server/http/metrics_server.h
// -----------------------------------------------------------------------------
// The optional HTTP port (metrics-port): GET /metrics (Prometheus text, see
// metrics_text.h) and GET /healthz (event-loop round trips, see
// health_probe.h; 200 when every loop answered within kHealthBoundMs, 503
// otherwise or while shutting down). HEAD works for both.
//
// One thread with its own epoll loop, so a blocked I/O thread cannot stall
// monitoring, and monitoring can never stall a client. One request per
// connection (`Connection: close`). It defends itself: at most
// kMaxConnections at once (as many again are answered 503, more are closed
// unanswered), a request head
// over kMaxHeadBytes gets 414/431, garbage gets 400 on its first bad byte, a
// client that has not sent a whole head within kRequestTimeoutMs gets 408,
// and a client that does not read its response within kWriteTimeoutMs is
// dropped. After the response the write side is half-closed and the socket
// closed once the client has acknowledged it (or closed, or after
// kLingerMs), so unread input cannot turn the close into a reset that loses
// the response.
//
// Thread safety: construct, Start and Stop from one thread (main). The
// metrics thread reads the Server's atomics and config, and posts probes
// through `post`, which must be callable from any thread.
#ifndef CACHEFORGE_HTTP_METRICS_SERVER_H_
#define CACHEFORGE_HTTP_METRICS_SERVER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "base/server.h"
#include "http/health_probe.h"
#include "http/request_parser.h"

namespace cacheforge {

class MetricsServer {
 public:
  static constexpr size_t kMaxConnections = 16;
  static constexpr size_t kMaxHeadBytes = 8192;
  static constexpr int64_t kRequestTimeoutMs = 5000;
  static constexpr int64_t kWriteTimeoutMs = 5000;
  static constexpr int64_t kLingerMs = 1000;
  static constexpr int64_t kHealthBoundMs = 500;

  // Runs `task` on event loop `loop` (0 <= loop < loops), from any thread.
  using PostFn = std::function<void(int loop, std::function<void()> task)>;

  // Takes ownership of `listen_fds` (non-blocking listening sockets).
  MetricsServer(Server& server, std::vector<int> listen_fds, int loops, PostFn post);
  ~MetricsServer();  // Stop()s
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  void Start();
  // Closes every connection and joins the thread. Idempotent.
  void Stop();

 private:
  enum class State { kReading, kProbing, kWriting, kLingering };
  struct Connection {
    int fd = -1;
    State state = State::kReading;
    std::string in;
    std::string out;
    size_t sent = 0;
    int64_t deadline_ms = 0;
    bool head_only = false;  // HEAD: headers without the body
    std::shared_ptr<HealthProbe> probe;
  };

  void Run();
  void Accept(int listen_fd, int64_t now_ms);
  void OnReadable(Connection& c, int64_t now_ms);
  void Route(Connection& c, const HttpRequest& request, int64_t now_ms);
  void Respond(Connection& c, int code, const char* content_type, const std::string& body,
               int64_t now_ms, const char* extra_headers = "");
  void OnWritable(Connection& c, int64_t now_ms);
  void FinishProbes(int64_t now_ms);
  void OnDeadlines(int64_t now_ms);
  void UpdateInterest(Connection& c);
  void CloseConnection(int fd);
  int NextTimeoutMs(int64_t now_ms) const;

  Server& server_;
  const std::vector<int> listen_fds_;
  const int loops_;
  const PostFn post_;
  const std::shared_ptr<Notifier> notifier_;
  int epoll_fd_ = -1;
  bool accept_paused_ = false;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::unordered_map<int, Connection> connections_;
};

}  // namespace cacheforge

#endif  // CACHEFORGE_HTTP_METRICS_SERVER_H_
