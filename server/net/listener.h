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

}  // namespace cacheforge

#endif  // CACHEFORGE_NET_LISTENER_H_
