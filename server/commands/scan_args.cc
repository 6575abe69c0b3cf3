// server/commands/scan_args.cc
// -----------------------------------------------------------------------------
// SCAN-family argument parsing.
#include "commands/scan_args.h"

#include "util/numbers.h"
#include "util/strings.h"

namespace cacheforge {

std::optional<Reply> ParseScanArgs(const CommandContext& ctx, size_t cursor_at, bool allow_type,
                                   ScanArgs* out) {
  std::string_view text = ctx.arg(cursor_at);
  if (text.empty() || text.size() > 20) return Reply::Error("ERR invalid cursor");
  uint64_t cursor = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return Reply::Error("ERR invalid cursor");
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (cursor > (UINT64_MAX - digit) / 10) return Reply::Error("ERR invalid cursor");
    cursor = cursor * 10 + digit;
  }
  out->cursor = cursor;
  for (size_t i = cursor_at + 1; i < ctx.argc(); i += 2) {
    std::string_view opt = ctx.arg(i);
    if (i + 1 >= ctx.argc()) return Reply::Error(errors::kSyntax);
    if (EqualsIgnoreCase(opt, "MATCH")) {
      out->pattern = ctx.arg(i + 1);
      out->has_pattern = !(out->pattern == "*");
    } else if (EqualsIgnoreCase(opt, "COUNT")) {
      if (!ParseInt64(ctx.arg(i + 1), &out->count)) return Reply::Error(errors::kNotInteger);
      if (out->count < 1) return Reply::Error(errors::kSyntax);
    } else if (allow_type && EqualsIgnoreCase(opt, "TYPE")) {
      out->type = ToLower(ctx.arg(i + 1));
    } else {
      return Reply::Error(errors::kSyntax);
    }
  }
  return std::nullopt;
}

}  // namespace cacheforge
