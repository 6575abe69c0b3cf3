// server/util/fd_io.h
// -----------------------------------------------------------------------------
// Whole-buffer writes to a file descriptor, for the AOF and its tools.
#ifndef CACHEFORGE_UTIL_FD_IO_H_
#define CACHEFORGE_UTIL_FD_IO_H_

#include <string_view>

namespace cacheforge {

// Writes all of `data` to `fd`, retrying short writes and EINTR. Returns false
// on any other error, with errno set by the failing write.
bool WriteAll(int fd, std::string_view data);

}  // namespace cacheforge

#endif  // CACHEFORGE_UTIL_FD_IO_H_
