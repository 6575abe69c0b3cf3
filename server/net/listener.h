// server/net/listener.h
// -----------------------------------------------------------------------------
// Listening TCP sockets: one per address in `bind` (space-separated, as in
// Redis), non-blocking, SO_REUSEADDR so a restart binds at once.
#ifndef CACHEFORGE_NET_LISTENER_H_
#define CACHEFORGE_NET_LISTENER_H_

#include <string>
#include <vector>

namespace cacheforge {

// Returns the listening descriptors, or an empty vector with `*error` set.
std::vector<int> Listen(const std::string& bind, int port, std::string* error);

// "ip:port" of a socket's peer (`peer` true) or local end.
std::string SocketAddress(int fd, bool peer);

// Whether `address` (a numeric bind address) only ever reaches this host:
// 127.0.0.0/8 or ::1. Wildcards (0.0.0.0, ::) and anything else are not.
bool IsLoopbackAddress(const std::string& address);
// Whether the peer of a connected socket is on this host (as above; an IPv4
// peer seen through an IPv6 socket counts by its IPv4 address).
bool IsLoopbackPeer(int fd);

}  // namespace cacheforge

#endif  // CACHEFORGE_NET_LISTENER_H_
