// server/persist/aof_format.h
// -----------------------------------------------------------------------------
// The append-only file's layout, which is Redis's: every write command as a
// RESP multibulk array (`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n`), one after
// another, nothing else. A file written by cacheforge loads in redis-server
// and passes redis-check-aof, and the reverse holds for the commands both know.
//
// ScanAof reads such a file strictly (no inline commands, no stray bytes) and
// stops at the first byte that does not begin a complete command, reporting
// where: the loader and cacheforge-check-aof both use it, so they always agree
// on where the valid part of a file ends.
#ifndef CACHEFORGE_PERSIST_AOF_FORMAT_H_
#define CACHEFORGE_PERSIST_AOF_FORMAT_H_

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cacheforge {

// Appends `args` to `out` as one RESP multibulk array.
void AppendAofCommand(std::span<const std::string_view> args, std::string* out);
void AppendAofCommand(std::initializer_list<std::string_view> args, std::string* out);

struct AofScanResult {
  uint64_t commands = 0;     // complete commands read
  uint64_t valid_bytes = 0;  // size of the prefix made of complete commands
  uint64_t valid_lines = 0;  // CRLF-terminated lines in that prefix
  uint64_t file_bytes = 0;   // bytes in the file
  bool stopped = false;      // `visit` returned false
  // Empty when the whole file is valid. Otherwise what is wrong at
  // `valid_bytes`: "truncated command" when the file ends inside a command,
  // or a description of the unexpected bytes.
  std::string problem;
};

// Reads the file at `fd` from its current position to the end, calling
// `visit(args, end_offset)` for each complete command in order; `visit` may
// return false to stop early. Returns false only when the file cannot be read
// (`*error` says why); format problems are reported in `*result`.
bool ScanAof(int fd, const std::function<bool(std::span<const std::string_view>, uint64_t)>& visit,
             AofScanResult* result, std::string* error);

// Copies bytes [from, end of file) of `fd` into a new file `path` and fsyncs
// it: where the loader and cacheforge-check-aof --fix keep what they drop.
bool CopyFileTail(int fd, uint64_t from, const std::string& path);

}  // namespace cacheforge

#endif  // CACHEFORGE_PERSIST_AOF_FORMAT_H_
