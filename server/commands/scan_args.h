// server/commands/scan_args.h
// -----------------------------------------------------------------------------
// The arguments SCAN, HSCAN and SSCAN share: a cursor, then MATCH pattern,
// COUNT count and (SCAN only) TYPE type, with Redis's error texts.
#ifndef CACHEFORGE_COMMANDS_SCAN_ARGS_H_
#define CACHEFORGE_COMMANDS_SCAN_ARGS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "commands/command.h"

namespace cacheforge {

struct ScanArgs {
  uint64_t cursor = 0;
  std::string_view pattern;  // empty with has_pattern false: everything
  bool has_pattern = false;
  int64_t count = 10;
  std::string type;  // lowercased TYPE filter, or empty
};

// Parses ctx.arg(cursor_at) and the options after it. Returns the error reply
// for bad arguments, or nothing.
std::optional<Reply> ParseScanArgs(const CommandContext& ctx, size_t cursor_at, bool allow_type,
                                   ScanArgs* out);

}  // namespace cacheforge

#endif  // CACHEFORGE_COMMANDS_SCAN_ARGS_H_
