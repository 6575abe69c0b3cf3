// server/commands/dispatcher.h
// -----------------------------------------------------------------------------
// Runs one request: looks the command (and subcommand) up in the command table,
// checks arity (ArityOk, which COMMAND GETKEYS also applies to the line it is
// given) and authentication, makes room under maxmemory for commands flagged
// denyoom (commands/maxmemory.h), calls the handler, and counts the call. Returns the handler's
// Reply, or the error Redis gives for an unknown command, a wrong argument count, NOAUTH or OOM.
#ifndef CACHEFORGE_COMMANDS_DISPATCHER_H_
#define CACHEFORGE_COMMANDS_DISPATCHER_H_

#include "commands/command.h"
#include "commands/command_table.h"

namespace cacheforge {

// Whether `argc` arguments (the name included) fit a command of `arity`:
// exactly N for N > 0, at least -N for N < 0.
bool ArityOk(int arity, size_t argc);

// `ctx.args` must not be empty. Inside MULTI a command that passes these
// checks is queued (+QUEUED) instead of run; one that fails them makes EXEC
// answer EXECABORT.
Reply Dispatch(CommandContext& ctx);

// Runs `entry`'s handler with no checks, and counts the call: EXEC's way of
// running what it queued.
Reply Call(CommandContext& ctx, const CommandEntry& entry);

}  // namespace cacheforge

#endif  // CACHEFORGE_COMMANDS_DISPATCHER_H_
