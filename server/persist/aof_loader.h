// server/persist/aof_loader.h
// -----------------------------------------------------------------------------
// Restoring the keyspace from the append-only file at startup, by running each
// command through the normal dispatcher.
//
// Loading is never limited by maxmemory: every command in the file is applied
// (the memory limit is enforced on clients afterwards), so a shard restarted
// with a smaller limit than its data comes back whole instead of stalling or
// silently dropping keys.
//
// A file whose end is not a complete command (a crash mid-write, a full disk,
// garbage appended) is handled per `aof-load-truncated`: yes (the default)
// loads every complete command before the bad bytes, copies those bytes to
// PATH.dropped-UNIXMS, truncates the file there and says so in one log line;
// no refuses to start with a message naming the byte offset and the fix.
#ifndef CACHEFORGE_PERSIST_AOF_LOADER_H_
#define CACHEFORGE_PERSIST_AOF_LOADER_H_

#include <cstdint>
#include <string>

#include "base/server.h"
#include "persist/aof_format.h"

namespace cacheforge {

struct AofLoadReport {
  bool missing = false;        // no file: nothing loaded
  uint64_t commands = 0;       // commands applied
  uint64_t failed = 0;         // commands that answered an error (logged)
  uint64_t dropped_bytes = 0;  // bad tail removed
  std::string dropped_to;      // where the dropped bytes were saved
  AofScanResult scan;
  int64_t elapsed_ms = 0;
};

// Must run before the event loops start. Returns false with `*error` when the
// file cannot be read or is invalid and `allow_truncated` is false.
bool LoadAppendOnlyFile(Server& server, const std::string& path, bool allow_truncated,
                        AofLoadReport* report, std::string* error);

}  // namespace cacheforge

#endif  // CACHEFORGE_PERSIST_AOF_LOADER_H_
