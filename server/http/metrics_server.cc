// server/http/metrics_server.cc
// -----------------------------------------------------------------------------
// The metrics thread: accept, read one request head, answer, half-close.
#include "http/metrics_server.h"

#include <errno.h>
#include <linux/sockios.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "base/log.h"
#include "http/metrics_text.h"

namespace cacheforge {
namespace {

const char* ReasonPhrase(int code) {
  switch (code) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 414:
      return "URI Too Long";
    case 431:
      return "Request Header Fields Too Large";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Error";
  }
}

constexpr char kText[] = "text/plain; charset=utf-8";
constexpr char kPrometheus[] = "text/plain; version=0.0.4; charset=utf-8";
constexpr char kJson[] = "application/json";

}  // namespace

MetricsServer::MetricsServer(Server& server, std::vector<int> listen_fds, int loops, PostFn post)
    : server_(server),
      listen_fds_(std::move(listen_fds)),
      loops_(loops),
      post_(std::move(post)),
      notifier_(std::make_shared<Notifier>()) {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = notifier_->fd();
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, notifier_->fd(), &ev);
  for (int fd : listen_fds_) {
    epoll_event lev{};
    lev.events = EPOLLIN;
    lev.data.fd = fd;
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &lev);
  }
}

MetricsServer::~MetricsServer() {
  Stop();
  for (int fd : listen_fds_) close(fd);
  close(epoll_fd_);
}

void MetricsServer::Start() {
  thread_ = std::thread([this] { Run(); });
}

void MetricsServer::Stop() {
  stop_.store(true, std::memory_order_release);
  notifier_->Notify();
  if (thread_.joinable()) thread_.join();
}

void MetricsServer::Run() {
  epoll_event events[64];
  while (!stop_.load(std::memory_order_acquire)) {
    int n = epoll_wait(epoll_fd_, events, 64, NextTimeoutMs(NowMs()));
    if (n < 0 && errno != EINTR) {
      Log(LogLevel::kWarning, "metrics: epoll_wait failed: %s", std::strerror(errno));
      break;
    }
    int64_t now = NowMs();
    for (int i = 0; i < n; ++i) {
      int fd = events[i].data.fd;
      uint32_t what = events[i].events;
      if (fd == notifier_->fd()) {
        notifier_->Drain();
        continue;
      }
      if (std::find(listen_fds_.begin(), listen_fds_.end(), fd) != listen_fds_.end()) {
        Accept(fd, now);
        continue;
      }
      auto it = connections_.find(fd);
      if (it == connections_.end()) continue;
      Connection& c = it->second;
      if ((what & (EPOLLHUP | EPOLLERR)) &&
          (c.state == State::kProbing || c.state == State::kWriting)) {
        CloseConnection(fd);  // gone before its answer: nothing to wait for
        continue;
      }
      if (what & (EPOLLIN | EPOLLHUP | EPOLLERR)) OnReadable(c, now);
      it = connections_.find(fd);  // OnReadable may have closed it
      if (it != connections_.end() && (what & EPOLLOUT)) OnWritable(it->second, now);
    }
    FinishProbes(now);
    OnDeadlines(now);
  }
  std::vector<int> all;
  for (auto& [fd, c] : connections_) all.push_back(fd);
  for (int fd : all) CloseConnection(fd);
}

int MetricsServer::NextTimeoutMs(int64_t now_ms) const {
  int64_t timeout = accept_paused_ ? 100 : -1;
  for (const auto& [fd, c] : connections_) {
    // Lingering waits for an acknowledgement, which raises no event: poll.
    int64_t until =
        c.state == State::kLingering ? 10 : std::max<int64_t>(c.deadline_ms - now_ms, 0);
    timeout = timeout < 0 ? until : std::min(timeout, until);
  }
  return static_cast<int>(std::min<int64_t>(timeout, 60000));
}

void MetricsServer::Accept(int listen_fd, int64_t now_ms) {
  for (int i = 0; i < 16; ++i) {
    int fd = accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        // As the event loops do: stop watching until the next tick, not spin.
        for (int lfd : listen_fds_) epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, lfd, nullptr);
        accept_paused_ = true;
      }
      return;
    }
    if (connections_.size() >= 2 * kMaxConnections) {
      close(fd);  // far past the cap: not even an answer
      continue;
    }
    Connection& c = connections_[fd];
    c.fd = fd;
    c.deadline_ms = now_ms + kRequestTimeoutMs;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
    if (connections_.size() > kMaxConnections) {
      // Past the cap: answered at once, but closed the careful way, so the
      // answer is not lost to a reset if the request is already on its way.
      Respond(c, 503, kText, "too many connections to the metrics port\n", now_ms);
    }
  }
}

void MetricsServer::OnReadable(Connection& c, int64_t now_ms) {
  char buf[4096];
  if (c.state == State::kLingering) {
    for (int i = 0; i < 16; ++i) {
      ssize_t n = read(c.fd, buf, sizeof(buf));
      if (n > 0) continue;
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      CloseConnection(c.fd);  // EOF or error: the client is gone
      return;
    }
    return;
  }
  if (c.state != State::kReading) return;
  for (;;) {
    ssize_t n = read(c.fd, buf, sizeof(buf));
    if (n > 0) {
      // Never buffer more than one head can be (plus a byte to notice).
      size_t room = kMaxHeadBytes + 1 - std::min(c.in.size(), kMaxHeadBytes + 1);
      c.in.append(buf, std::min(static_cast<size_t>(n), room));
      if (c.in.size() > kMaxHeadBytes) break;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    CloseConnection(c.fd);  // closed or reset before a whole request
    return;
  }
  HttpRequest request;
  HttpParseResult result = ParseHttpRequest(c.in, kMaxHeadBytes, &request);
  switch (result.status) {
    case HttpParseResult::Status::kNeedMore:
      return;
    case HttpParseResult::Status::kError:
      Log(LogLevel::kVerbose, "metrics: refused a request: %d %s", result.error_code,
          result.error.c_str());
      Respond(c, result.error_code, kText, result.error + "\n", now_ms);
      return;
    case HttpParseResult::Status::kComplete:
      Route(c, request, now_ms);
      return;
  }
}

void MetricsServer::Route(Connection& c, const HttpRequest& request, int64_t now_ms) {
  if (request.method != "GET" && request.method != "HEAD") {
    Respond(c, 405, kText, "only GET and HEAD are served\n", now_ms, "Allow: GET, HEAD\r\n");
    return;
  }
  c.head_only = request.method == "HEAD";
  if (request.path == "/metrics") {
    Respond(c, 200, kPrometheus, RenderMetrics(server_), now_ms);
  } else if (request.path == "/healthz") {
    if (server_.shutdown_requested()) {
      Respond(c, 503, kJson, "{\"status\":\"shutting down\"}\n", now_ms);
      return;
    }
    c.probe = std::make_shared<HealthProbe>(loops_, notifier_);
    c.state = State::kProbing;
    c.deadline_ms = now_ms + kHealthBoundMs;
    UpdateInterest(c);
    for (int i = 0; i < loops_; ++i) {
      post_(i, [probe = c.probe, i] { probe->Answer(i); });
    }
  } else {
    Respond(c, 404, kText, "not found: try /metrics or /healthz\n", now_ms);
  }
}

void MetricsServer::Respond(Connection& c, int code, const char* content_type,
                            const std::string& body, int64_t now_ms, const char* extra_headers) {
  c.out = "HTTP/1.1 " + std::to_string(code) + " " + ReasonPhrase(code) +
          "\r\nContent-Type: " + content_type +
          "\r\nContent-Length: " + std::to_string(body.size()) +
          "\r\nCache-Control: no-store\r\nConnection: close\r\n" + extra_headers + "\r\n";
  if (!c.head_only) c.out += body;
  c.sent = 0;
  c.in.clear();
  c.in.shrink_to_fit();
  c.probe.reset();
  c.state = State::kWriting;
  c.deadline_ms = now_ms + kWriteTimeoutMs;
  OnWritable(c, now_ms);
}

void MetricsServer::OnWritable(Connection& c, int64_t now_ms) {
  if (c.state != State::kWriting) return;
  while (c.sent < c.out.size()) {
    ssize_t n = send(c.fd, c.out.data() + c.sent, c.out.size() - c.sent, MSG_NOSIGNAL);
    if (n > 0) {
      c.sent += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      UpdateInterest(c);
      return;
    }
    CloseConnection(c.fd);
    return;
  }
  shutdown(c.fd, SHUT_WR);
  c.out.clear();
  c.out.shrink_to_fit();
  c.state = State::kLingering;
  c.deadline_ms = now_ms + kLingerMs;
  UpdateInterest(c);
}

void MetricsServer::FinishProbes(int64_t now_ms) {
  std::vector<int> ready;
  for (auto& [fd, c] : connections_) {
    if (c.state == State::kProbing && (c.probe->complete() || now_ms >= c.deadline_ms)) {
      ready.push_back(fd);
    }
  }
  for (int fd : ready) {
    auto it = connections_.find(fd);
    if (it == connections_.end()) continue;
    Connection& c = it->second;
    bool healthy = false;
    std::string body = HealthJson(*c.probe, kHealthBoundMs, &healthy);
    if (!healthy) Log(LogLevel::kWarning, "healthz: %s", body.c_str());
    Respond(c, healthy ? 200 : 503, kJson, body, now_ms);
  }
}

void MetricsServer::OnDeadlines(int64_t now_ms) {
  if (accept_paused_) {
    for (int fd : listen_fds_) {
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.fd = fd;
      epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
    }
    accept_paused_ = false;
  }
  std::vector<int> expired, acknowledged;
  for (auto& [fd, c] : connections_) {
    if (c.state == State::kLingering) {
      int unacknowledged = 0;
      if (ioctl(fd, SIOCOUTQ, &unacknowledged) != 0 || unacknowledged == 0) {
        acknowledged.push_back(fd);
        continue;
      }
    }
    if (now_ms >= c.deadline_ms) expired.push_back(fd);
  }
  for (int fd : acknowledged) CloseConnection(fd);
  for (int fd : expired) {
    auto it = connections_.find(fd);
    if (it == connections_.end()) continue;
    if (it->second.state == State::kReading) {
      Respond(it->second, 408, kText, "the request did not arrive in time\n", now_ms);
    } else if (it->second.state != State::kProbing) {
      CloseConnection(fd);  // not reading its response, or lingering too long
    }
  }
}

void MetricsServer::UpdateInterest(Connection& c) {
  epoll_event ev{};
  switch (c.state) {
    case State::kReading:
    case State::kLingering:
      ev.events = EPOLLIN;
      break;
    case State::kProbing:
      ev.events = 0;
      break;
    case State::kWriting:
      ev.events = EPOLLOUT;
      break;
  }
  ev.data.fd = c.fd;
  epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c.fd, &ev);
}

void MetricsServer::CloseConnection(int fd) {
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  close(fd);
  connections_.erase(fd);
}

}  // namespace cacheforge
