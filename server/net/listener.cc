// server/net/listener.cc
// -----------------------------------------------------------------------------
// Listening sockets and address formatting.
#include "net/listener.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>

namespace cacheforge {

std::vector<int> Listen(const std::string& bind, int port, std::string* error) {
  std::vector<int> fds;
  std::istringstream words(bind);
  std::string address;
  while (words >> address) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST;
    addrinfo* result = nullptr;
    std::string service = std::to_string(port);
    if (int rc = getaddrinfo(address.c_str(), service.c_str(), &hints, &result); rc != 0) {
      *error = "can't resolve bind address '" + address + "': " + gai_strerror(rc);
      for (int fd : fds) close(fd);
      return {};
    }
    int fd = socket(result->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd >= 0) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (fd < 0 || ::bind(fd, result->ai_addr, result->ai_addrlen) != 0 || listen(fd, 511) != 0) {
      *error = "could not create server TCP listening socket " + address + ":" + service + ": " +
               std::strerror(errno);
      if (fd >= 0) close(fd);
      freeaddrinfo(result);
      for (int other : fds) close(other);
      return {};
    }
    freeaddrinfo(result);
    fds.push_back(fd);
  }
  if (fds.empty()) *error = "no bind address given";
  return fds;
}

std::string SocketAddress(int fd, bool peer) {
  sockaddr_storage storage{};
  socklen_t len = sizeof(storage);
  auto* sa = reinterpret_cast<sockaddr*>(&storage);
  if ((peer ? getpeername(fd, sa, &len) : getsockname(fd, sa, &len)) != 0) return "?:0";
  char host[INET6_ADDRSTRLEN] = "?";
  int port = 0;
  if (storage.ss_family == AF_INET) {
    auto* in = reinterpret_cast<sockaddr_in*>(&storage);
    inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
    port = ntohs(in->sin_port);
  } else if (storage.ss_family == AF_INET6) {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&storage);
    inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
    port = ntohs(in6->sin6_port);
  }
  return std::string(host) + ":" + std::to_string(port);
}

namespace {

bool IsLoopbackIn(const in_addr& addr) { return (ntohl(addr.s_addr) >> 24) == 127; }

bool IsLoopbackIn6(const in6_addr& addr) {
  if (IN6_IS_ADDR_LOOPBACK(&addr)) return true;
  if (IN6_IS_ADDR_V4MAPPED(&addr)) {
    in_addr v4;
    std::memcpy(&v4, &addr.s6_addr[12], sizeof(v4));
    return IsLoopbackIn(v4);
  }
  return false;
}

}  // namespace

bool IsLoopbackAddress(const std::string& address) {
  in_addr v4;
  if (inet_pton(AF_INET, address.c_str(), &v4) == 1) return IsLoopbackIn(v4);
  in6_addr v6;
  if (inet_pton(AF_INET6, address.c_str(), &v6) == 1) return IsLoopbackIn6(v6);
  return false;
}

bool IsLoopbackPeer(int fd) {
  sockaddr_storage storage{};
  socklen_t len = sizeof(storage);
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&storage), &len) != 0) return false;
  if (storage.ss_family == AF_INET) {
    return IsLoopbackIn(reinterpret_cast<sockaddr_in*>(&storage)->sin_addr);
  }
  if (storage.ss_family == AF_INET6) {
    return IsLoopbackIn6(reinterpret_cast<sockaddr_in6*>(&storage)->sin6_addr);
  }
  return storage.ss_family == AF_UNIX;
}

}  // namespace cacheforge
