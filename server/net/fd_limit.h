// server/net/fd_limit.h
// -----------------------------------------------------------------------------
// How many clients the process's descriptor limit allows. As Redis does, the
// soft RLIMIT_NOFILE is raised toward maxclients plus the descriptors the
// server needs for itself (never above the hard limit, which only the
// operator may raise), and maxclients is clamped to what fits.
//
// Thread safety: changes a process-wide limit; callers serialize (startup, or
// CONFIG SET under the dispatcher's single command at a time per client: two
// concurrent calls only race to raise the same limit, which is harmless).
#ifndef CACHEFORGE_NET_FD_LIMIT_H_
#define CACHEFORGE_NET_FD_LIMIT_H_

#include <cstdint>
#include <string>

namespace cacheforge {

// Descriptors kept back from clients: stdio, the log, listeners, the append-only
// file and its rewrite, resolver sockets (Redis's CONFIG_MIN_RESERVED_FDS).
inline constexpr int64_t kMinReservedFds = 32;

struct FdLimit {
  int64_t maxclients = 0;      // clients that fit; < 1 when even one does not
  uint64_t soft_limit = 0;     // RLIMIT_NOFILE soft limit afterwards
  uint64_t hard_limit = 0;     // RLIMIT_NOFILE hard limit
  uint64_t original_soft = 0;  // the soft limit before this call
  bool clamped = false;        // maxclients had to be lowered
};

// Raises the soft descriptor limit toward `maxclients + reserved` and returns
// how many clients fit under the result.
FdLimit AdjustOpenFilesLimit(int64_t maxclients, int64_t reserved);

// The log line for a clamp, naming the limit and how to raise it.
std::string ClampMessage(int64_t requested, const FdLimit& limit, int64_t reserved);

}  // namespace cacheforge

#endif  // CACHEFORGE_NET_FD_LIMIT_H_
