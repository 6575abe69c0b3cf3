// server/cli/reply_printer.h
// -----------------------------------------------------------------------------
// Formats replies the way redis-cli does: on a terminal (and by default)
// `PONG`, `(integer) 1`, `(nil)`, `"value"`, `(error) ERR ...` and numbered,
// indented arrays; with --raw, bare values one per line.
#ifndef CACHEFORGE_CLI_REPLY_PRINTER_H_
#define CACHEFORGE_CLI_REPLY_PRINTER_H_

#include <string>

#include "commands/reply.h"

namespace cacheforge {

std::string FormatReply(const Reply& reply, bool raw);

// A string quoted and escaped as redis-cli shows bulk strings.
std::string QuoteString(const std::string& text);

}  // namespace cacheforge

#endif  // CACHEFORGE_CLI_REPLY_PRINTER_H_
