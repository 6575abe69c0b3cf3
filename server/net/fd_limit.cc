// server/net/fd_limit.cc
// -----------------------------------------------------------------------------
// RLIMIT_NOFILE and maxclients.
#include "net/fd_limit.h"

#include <sys/resource.h>

#include <algorithm>

namespace cacheforge {

FdLimit AdjustOpenFilesLimit(int64_t maxclients, int64_t reserved) {
  FdLimit out;
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    // Nothing to go by: trust the setting, EMFILE handling is the backstop.
    out.maxclients = maxclients;
    return out;
  }
  out.original_soft = limit.rlim_cur;
  out.hard_limit = limit.rlim_max;
  const uint64_t wanted = static_cast<uint64_t>(maxclients + reserved);
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted) {
    rlim_t target = limit.rlim_max == RLIM_INFINITY
                        ? static_cast<rlim_t>(wanted)
                        : std::min<rlim_t>(static_cast<rlim_t>(wanted), limit.rlim_max);
    rlimit raised{target, limit.rlim_max};
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit.rlim_cur = target;
  }
  out.soft_limit = limit.rlim_cur;
  if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= wanted) {
    out.maxclients = maxclients;
    return out;
  }
  out.maxclients = static_cast<int64_t>(limit.rlim_cur) - reserved;
  out.clamped = true;
  return out;
}

std::string ClampMessage(int64_t requested, const FdLimit& limit, int64_t reserved) {
  return "maxclients lowered from " + std::to_string(requested) + " to " +
         std::to_string(limit.maxclients) + ": the open files limit is " +
         std::to_string(limit.soft_limit) + " (hard limit " + std::to_string(limit.hard_limit) +
         ") and " + std::to_string(reserved) +
         " descriptors are reserved for the server; raise 'ulimit -n' (or LimitNOFILE= in a "
         "systemd unit) to at least " +
         std::to_string(requested + reserved) + " to serve more clients";
}

}  // namespace cacheforge
