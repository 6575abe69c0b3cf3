// server/http/http_connection.h
// -----------------------------------------------------------------------------
// One client of the optional HTTP port (metrics-port), served by the metrics
// loop (net/event_loop.h): GET /metrics (Prometheus text, see metrics_text.h)
// and GET /healthz (I/O-loop round trips, see health_probe.h; 200 when every
// I/O loop answered within kHealthBoundMs, 503 otherwise or while shutting
// down). HEAD works for both.
//
// One request per connection (`Connection: close`). It defends itself: a
// request head over kMaxHeadBytes gets 414/431, garbage gets 400 on its first
// bad byte, a client that has not sent a whole head within kRequestTimeoutMs
// gets 408, and a client that does not read its response within
// kWriteTimeoutMs is dropped. After the response the write side is
// half-closed and the socket closed once the client has acknowledged it (or
// closed, or after kLingerMs), so unread input cannot turn the close into a
// reset that loses the response. The loop holds at most kMaxConnections at
// once; as many again are answered 503 (TurnAway), more are closed unanswered.
//
// The connection only speaks HTTP: the loop that owns it watches the socket
// for `interest()` and calls OnEvents when epoll reports it, and OnTick by
// NextTickMs at the latest; false from either means "close me now".
//
// Thread safety: used by the metrics loop's thread only. A /healthz probe's
// tasks run on the I/O loops and reach back through HealthProbe's atomics and
// `wake`.
#ifndef CACHEFORGE_HTTP_HTTP_CONNECTION_H_
#define CACHEFORGE_HTTP_HTTP_CONNECTION_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/server.h"
#include "http/health_probe.h"
#include "http/request_parser.h"

namespace cacheforge {

class HttpConnection {
 public:
  static constexpr size_t kMaxConnections = 16;
  static constexpr size_t kMaxHeadBytes = 8192;
  static constexpr int64_t kRequestTimeoutMs = 5000;
  static constexpr int64_t kWriteTimeoutMs = 5000;
  static constexpr int64_t kLingerMs = 1000;
  static constexpr int64_t kHealthBoundMs = 500;

  // Takes ownership of `fd`, an accepted non-blocking socket. `wake` wakes
  // the owning loop from any thread; a /healthz probe calls it when every I/O
  // loop has answered.
  HttpConnection(Server& server, int fd, int64_t now_ms, std::function<void()> wake);
  ~HttpConnection();  // closes the socket
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  int fd() const { return fd_; }
  // The epoll events to watch for (none while a probe is out).
  uint32_t interest() const;
  // When OnTick must run at the latest.
  int64_t NextTickMs(int64_t now_ms) const;

  // `events` as epoll reported them. False: close now.
  bool OnEvents(uint32_t events, int64_t now_ms);
  // Deadlines, a finished probe, an acknowledged response. False: close now.
  bool OnTick(int64_t now_ms);
  // The loop is past kMaxConnections: answers 503 at once. False: close now.
  bool TurnAway(int64_t now_ms);

 private:
  enum class State { kReading, kProbing, kWriting, kLingering };

  bool OnReadable(int64_t now_ms);
  bool Route(const HttpRequest& request, int64_t now_ms);
  bool Respond(int code, const char* content_type, const std::string& body, int64_t now_ms,
               const char* extra_headers = "");
  bool OnWritable(int64_t now_ms);
  // Lingering: reads and drops input. False once the client has closed.
  bool DiscardInput();

  Server& server_;
  const int fd_;
  const std::function<void()> wake_;
  State state_ = State::kReading;
  std::string in_;
  std::string out_;
  size_t sent_ = 0;
  int64_t deadline_ms_;
  bool head_only_ = false;  // HEAD: headers without the body
  std::shared_ptr<HealthProbe> probe_;
};

}  // namespace cacheforge

#endif  // CACHEFORGE_HTTP_HTTP_CONNECTION_H_
