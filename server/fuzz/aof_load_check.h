// server/fuzz/aof_load_check.h
// -----------------------------------------------------------------------------
// One round of the AOF loader fuzz target, shared with the unit test that
// replays saved inputs: writes `data` as an append-only file, loads it strictly
// into `server`, and checks what must hold for any bytes at all:
//   - loading never crashes or hangs, and fails only with a message;
//   - it succeeds exactly when the scanner finds nothing wrong, and then runs
//     every command the scanner counted as valid;
//   - the valid prefix the scanner reports scans clean on its own, with the
//     same number of commands (so --fix and aof-load-truncated keep them all).
// Returns an empty string, or what was violated. Clears the keyspace after.
#ifndef CACHEFORGE_FUZZ_AOF_LOAD_CHECK_H_
#define CACHEFORGE_FUZZ_AOF_LOAD_CHECK_H_

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <mutex>
#include <string>
#include <string_view>

#include "persist/aof_format.h"
#include "persist/aof_loader.h"
#include "store/keyspace.h"

namespace cacheforge {

inline AofScanResult ScanBytes(const std::string& path, std::string_view data, uint64_t* count) {
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(data.data(), static_cast<long>(data.size()));
  AofScanResult result;
  std::string error;
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  *count = 0;
  ScanAof(
      fd,
      [count](std::span<const std::string_view>, uint64_t) {
        ++*count;
        return true;
      },
      &result, &error);
  close(fd);
  return result;
}

inline std::string CheckAofLoad(Server& server, const std::string& path, std::string_view data) {
  uint64_t scanned = 0;
  AofScanResult scan = ScanBytes(path, data, &scanned);
  if (scan.commands > scanned) return "more valid commands than commands read";
  if (scan.valid_bytes > scan.file_bytes) return "valid prefix longer than the file";
  if (scan.problem.empty() != (scan.valid_bytes == scan.file_bytes)) {
    return "problem reported for a fully valid file, or none for a partial one";
  }
  uint64_t prefix_count = 0;
  AofScanResult prefix =
      ScanBytes(path + ".prefix", data.substr(0, scan.valid_bytes), &prefix_count);
  // scan.commands, not every command visited: a transaction the file does
  // not finish is visited but lies outside the valid prefix.
  if (!prefix.problem.empty() || prefix_count != scan.commands) {
    return "the valid prefix does not scan clean with the same commands";
  }
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(data.data(), static_cast<long>(data.size()));
  AofLoadReport report;
  std::string error;
  const bool loaded = LoadAppendOnlyFile(server, path, /*allow_truncated=*/false, &report, &error);
  std::string violation;
  if (!loaded && error.empty()) violation = "load failed without a message";
  if (loaded && !scan.problem.empty()) {
    violation = "a damaged file loaded as if whole";
  }
  if (loaded && report.commands != scan.commands) {
    violation = "loaded a different number of commands";
  }
  for (int d = 0; d < server.databases().count(); ++d) {
    Keyspace& keyspace = server.db(d);
    for (int i = 0; i < keyspace.shard_count(); ++i) {
      lockgraph::MutexLock lock(keyspace.shard(i).mu());
      keyspace.shard(i).ClearLocked();
    }
  }
  return violation;
}

}  // namespace cacheforge

#endif  // CACHEFORGE_FUZZ_AOF_LOAD_CHECK_H_
