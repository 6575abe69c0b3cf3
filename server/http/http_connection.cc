// server/http/http_connection.cc
// -----------------------------------------------------------------------------
// Read one request head, answer it, half-close, linger.
#include "http/http_connection.h"

#include <errno.h>
#include <linux/sockios.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <utility>

#include "base/latency_histogram.h"
#include "base/log.h"
#include "http/metrics_text.h"

namespace cacheforge {
namespace {

const char* ReasonPhrase(int code) {
  static constexpr std::pair<int, const char*> kPhrases[] = {
      {200, "OK"},
      {400, "Bad Request"},
      {404, "Not Found"},
      {405, "Method Not Allowed"},
      {408, "Request Timeout"},
      {414, "URI Too Long"},
      {431, "Request Header Fields Too Large"},
      {503, "Service Unavailable"},
      {505, "HTTP Version Not Supported"},
  };
  for (const auto& [known, phrase] : kPhrases) {
    if (known == code) return phrase;
  }
  return "Error";
}

constexpr char kText[] = "text/plain; charset=utf-8";
constexpr char kPrometheus[] = "text/plain; version=0.0.4; charset=utf-8";
constexpr char kJson[] = "application/json";

}  // namespace

HttpConnection::HttpConnection(Server& server, int fd, int64_t now_ms, std::function<void()> wake)
    : server_(server), fd_(fd), wake_(std::move(wake)), deadline_ms_(now_ms + kRequestTimeoutMs) {}

HttpConnection::~HttpConnection() { close(fd_); }

uint32_t HttpConnection::interest() const {
  switch (state_) {
    case State::kReading:
    case State::kLingering:
      return EPOLLIN;
    case State::kProbing:
      return 0;
    case State::kWriting:
      return EPOLLOUT;
  }
  return 0;
}

int64_t HttpConnection::NextTickMs(int64_t now_ms) const {
  // The acknowledgement lingering waits for raises no event: poll for it.
  return state_ == State::kLingering ? std::min(deadline_ms_, now_ms + 10) : deadline_ms_;
}

bool HttpConnection::OnEvents(uint32_t events, int64_t now_ms) {
  if ((events & (EPOLLHUP | EPOLLERR)) &&
      (state_ == State::kProbing || state_ == State::kWriting)) {
    return false;  // gone before its answer: nothing to wait for
  }
  if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
    if (state_ == State::kLingering) return DiscardInput();
    if (state_ == State::kReading && !OnReadable(now_ms)) return false;
  }
  if (events & EPOLLOUT) return OnWritable(now_ms);
  return true;
}

bool HttpConnection::OnReadable(int64_t now_ms) {
  char buf[4096];
  for (;;) {
    ssize_t n = read(fd_, buf, sizeof(buf));
    if (n > 0) {
      // Never buffer more than one head can be (plus a byte to notice).
      size_t room = kMaxHeadBytes + 1 - std::min(in_.size(), kMaxHeadBytes + 1);
      in_.append(buf, std::min(static_cast<size_t>(n), room));
      if (in_.size() > kMaxHeadBytes) break;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    return false;  // closed or reset before a whole request
  }
  HttpRequest request;
  HttpParseResult result = ParseHttpRequest(in_, kMaxHeadBytes, &request);
  switch (result.status) {
    case HttpParseResult::Status::kNeedMore:
      return true;
    case HttpParseResult::Status::kError:
      Log(LogLevel::kVerbose, "metrics: refused a request: %d %s", result.error_code,
          result.error.c_str());
      return Respond(result.error_code, kText, result.error + "\n", now_ms);
    case HttpParseResult::Status::kComplete:
      return Route(request, now_ms);
  }
  return true;
}

bool HttpConnection::Route(const HttpRequest& request, int64_t now_ms) {
  if (request.method != "GET" && request.method != "HEAD") {
    return Respond(405, kText, "only GET and HEAD are served\n", now_ms, "Allow: GET, HEAD\r\n");
  }
  head_only_ = request.method == "HEAD";
  if (request.path == "/metrics") return Respond(200, kPrometheus, RenderMetrics(server_), now_ms);
  if (request.path != "/healthz") {
    return Respond(404, kText, "not found: try /metrics or /healthz\n", now_ms);
  }
  if (server_.shutdown_requested()) {
    return Respond(503, kJson, "{\"status\":\"shutting down\"}\n", now_ms);
  }
  probe_ = StartHealthProbe(server_, wake_);
  state_ = State::kProbing;
  // A millisecond past the bound, so the tick that judges the probe does not
  // come early by the clocks' rounding (see OnTick).
  deadline_ms_ = now_ms + kHealthBoundMs + 1;
  return true;
}

bool HttpConnection::TurnAway(int64_t now_ms) {
  return Respond(503, kText, "too many connections to the metrics port\n", now_ms);
}

bool HttpConnection::Respond(int code, const char* content_type, const std::string& body,
                             int64_t now_ms, const char* extra_headers) {
  out_ = "HTTP/1.1 " + std::to_string(code) + " " + ReasonPhrase(code) +
         "\r\nContent-Type: " + content_type +
         "\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nCache-Control: no-store\r\nConnection: close\r\n" + extra_headers + "\r\n";
  if (!head_only_) out_ += body;
  sent_ = 0;
  in_.clear();
  in_.shrink_to_fit();
  probe_.reset();
  state_ = State::kWriting;
  deadline_ms_ = now_ms + kWriteTimeoutMs;
  return OnWritable(now_ms);
}

bool HttpConnection::OnWritable(int64_t now_ms) {
  if (state_ != State::kWriting) return true;
  while (sent_ < out_.size()) {
    ssize_t n = send(fd_, out_.data() + sent_, out_.size() - sent_, MSG_NOSIGNAL);
    if (n > 0) {
      sent_ += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    return false;
  }
  shutdown(fd_, SHUT_WR);
  out_.clear();
  out_.shrink_to_fit();
  state_ = State::kLingering;
  deadline_ms_ = now_ms + kLingerMs;
  return true;
}

bool HttpConnection::DiscardInput() {
  char buf[4096];
  for (int i = 0; i < 16; ++i) {
    ssize_t n = read(fd_, buf, sizeof(buf));
    if (n > 0) continue;
    if (n < 0 && errno == EINTR) continue;
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);  // else EOF or error: gone
  }
  return true;
}

bool HttpConnection::OnTick(int64_t now_ms) {
  switch (state_) {
    case State::kReading:
      if (now_ms < deadline_ms_) return true;
      return Respond(408, kText, "the request did not arrive in time\n", now_ms);
    case State::kProbing: {
      // Judged on the probe's own monotonic clock, so a loop reported as
      // silent has been waited for the whole bound.
      if (!probe_->complete() && MonotonicNs() - probe_->start_ns < kHealthBoundMs * 1'000'000) {
        deadline_ms_ = std::max(deadline_ms_, now_ms + 1);
        return true;
      }
      bool healthy = false;
      std::string body = HealthJson(*probe_, kHealthBoundMs, &healthy);
      if (!healthy) Log(LogLevel::kWarning, "healthz: %s", body.c_str());
      return Respond(healthy ? 200 : 503, kJson, body, now_ms);
    }
    case State::kWriting:
      return now_ms < deadline_ms_;  // not reading its response: dropped
    case State::kLingering: {
      int unacknowledged = 0;
      // SIOCOUTQ: bytes (and the FIN) sent but not yet acknowledged.
      if (ioctl(fd_, SIOCOUTQ, &unacknowledged) != 0 || unacknowledged == 0) return false;
      return now_ms < deadline_ms_;
    }
  }
  return true;
}

}  // namespace cacheforge
