// server/base/log.h
// -----------------------------------------------------------------------------
// The server log, in Redis's line format:
//   12345:M 23 Nov 2026 19:51:21.123 * Ready to accept connections
// Lines below the configured level are dropped before formatting.
//
// Thread safety: Log() may be called from any thread; lines never interleave
// (a lockgraph::Mutex "server.log" guards the sink, taken with no other lock held
// by callers' convention: never log while holding a shard lock).
#ifndef CACHEFORGE_BASE_LOG_H_
#define CACHEFORGE_BASE_LOG_H_

#include <string>

#include "base/config.h"

namespace cacheforge {

// Directs output to `path` (appending), or stderr when empty. Returns false
// with a message when the file cannot be opened.
bool OpenLog(const std::string& path, std::string* error);
// The level below which lines are dropped; read from the config per call.
void SetLogConfig(const Config* config);

void Log(LogLevel level, const char* format, ...) __attribute__((format(printf, 2, 3)));

}  // namespace cacheforge

#endif  // CACHEFORGE_BASE_LOG_H_
