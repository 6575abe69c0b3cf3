// server/commands/dispatcher.cc
// -----------------------------------------------------------------------------
// Command lookup, the arity check, the maxmemory check and per-command
// counters.
#include "commands/dispatcher.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "commands/blocking.h"
#include "commands/maxmemory.h"
#include "commands/transaction_family.h"
#include "persist/aof_format.h"
#include "persist/append_only_file.h"

namespace cacheforge {
namespace {

Reply WrongArity(const CommandEntry& entry) {
  return Reply::Error("ERR wrong number of arguments for '" + entry.full_name + "' command");
}

Reply UnknownCommand(const CommandContext& ctx) {
  // Like Redis: the arguments are quoted, and cut once they pass 128 bytes.
  std::string args;
  for (size_t i = 1; i < ctx.argc() && args.size() < 128; ++i) {
    args += "'" + std::string(ctx.arg(i).substr(0, 128 - args.size())) + "' ";
  }
  return Reply::Error("ERR unknown command '" + std::string(ctx.arg(0).substr(0, 128)) +
                      "', with args beginning with: " + args);
}

// A refusal before the command runs. Inside MULTI it also dooms the
// transaction: EXEC will answer EXECABORT, as in Redis.
Reply Refuse(CommandContext& ctx, Reply error) {
  if (ctx.client.multi.active) ctx.client.multi.aborted = true;
  return error;
}

}  // namespace

void CommandContext::Propagate() {
  if (aof == nullptr || propagated) return;
  propagated = true;
  std::vector<std::string_view> views(propagate_as.begin(), propagate_as.end());
  std::span<const std::string_view> record = propagate_as.empty() ? args : views;
  if (ExecScope* exec = client.exec; exec != nullptr) {
    if (exec->aof_count == 0) {
      exec->aof_first_db = client.db;
    } else if (exec->aof_last_db != client.db) {
      const std::string number = std::to_string(client.db);
      AppendAofCommand({"SELECT", number}, &exec->aof_records);
    }
    exec->aof_last_db = client.db;
    AppendAofCommand(record, &exec->aof_records);
    ++exec->aof_count;
    return;
  }
  aof_offset = aof->Append(client.db, record);
}

bool CommandContext::RunOutsideShardLocks(std::function<void()> work) {
  if (client.exec != nullptr) {
    client.exec->after_unlock.push_back(std::move(work));
    return true;
  }
  work();
  return false;
}

Reply Call(CommandContext& ctx, const CommandEntry& entry) {
  const CommandSpec& spec = *entry.spec;
  CommandCounters& counters = ctx.stats.per_command[entry.id];
  ctx.entry = &entry;
  if ((spec.flags & kCmdWrite) && ctx.server.aof() != nullptr && ctx.server.aof()->enabled() &&
      !ctx.client.replaying_aof) {
    ctx.aof = ctx.server.aof();
  }
  ctx.client.info->last_command.store(entry.full_name.c_str(), std::memory_order_relaxed);
  const int64_t start_ns = MonotonicNs();
  Reply reply = spec.handler(ctx);
  const int64_t end_ns = MonotonicNs();
  // Microseconds as the difference of truncated timestamps: unbiased when
  // summed over many sub-microsecond calls, unlike truncating each duration.
  counters.usec.Add(static_cast<uint64_t>(std::max<int64_t>(end_ns / 1000 - start_ns / 1000, 0)));
  counters.latency.Record(static_cast<uint64_t>(std::max<int64_t>(end_ns - start_ns, 0)));
  counters.calls.Add();
  if (reply.is_error()) counters.failed_calls.Add();
  if (ctx.changed && (spec.flags & kCmdWrite)) ctx.stats.data_changes.Add();
  ctx.stats.commands.Add();
  return reply;
}

bool ArityOk(int arity, size_t argc) {
  return arity > 0 ? argc == static_cast<size_t>(arity) : argc >= static_cast<size_t>(-arity);
}

Reply Dispatch(CommandContext& ctx) {
  const CommandEntry* entry = CommandTable::Get().Find(ctx.arg(0));
  if (entry == nullptr) return Refuse(ctx, UnknownCommand(ctx));
  if (!entry->subcommands.empty() && ctx.argc() >= 2) {
    const CommandEntry* sub = CommandTable::FindSub(*entry, ctx.arg(1));
    if (sub == nullptr) {
      std::string upper = entry->spec->name;
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      return Refuse(
          ctx, Reply::Error("ERR unknown subcommand '" + std::string(ctx.arg(1).substr(0, 128)) +
                            "'. Try " + upper + " HELP."));
    }
    entry = sub;
  }
  CommandCounters& counters = ctx.stats.per_command[entry->id];
  const CommandSpec& spec = *entry->spec;
  if (!ArityOk(spec.arity, ctx.argc()) || spec.handler == nullptr) {
    counters.rejected_calls.Add();
    return Refuse(ctx, WrongArity(*entry));
  }
  if (!(spec.flags & kCmdNoAuth) && !ctx.client.authenticated &&
      ctx.server.config().requires_password()) {
    counters.rejected_calls.Add();
    return Refuse(ctx, Reply::Error(errors::kNoAuth));
  }
  // Over maxmemory, evict before a command that may grow memory, or refuse it.
  // No lock is held here; eviction takes one shard lock at a time.
  // The AOF loader is exempt: a restore is never limited by maxmemory. EXEC
  // checks once for its whole queue before it takes its locks.
  if ((spec.flags & kCmdDenyOom) && !ctx.client.replaying_aof && ctx.client.exec == nullptr &&
      !MakeRoomForWrite(ctx)) {
    counters.rejected_calls.Add();
    return Refuse(ctx, Reply::Error(errors::kOom));
  }
  if (ctx.client.subscribed_resp2() && !(spec.flags & kCmdSubscribed)) {
    counters.rejected_calls.Add();
    return Reply::Error("ERR Can't execute '" + entry->full_name +
                        "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are "
                        "allowed in this context");
  }
  if (ctx.client.multi.active && (spec.flags & kCmdNoMulti)) {
    counters.rejected_calls.Add();
    return Refuse(ctx, Reply::Error("ERR Command not allowed inside a transaction"));
  }
  if (ctx.client.multi.active && !(spec.flags & kCmdNoQueue)) return QueueCommand(ctx, *entry);
  Reply reply = Call(ctx, *entry);
  // Clients blocked on keys this command wrote are served before it answers,
  // with no lock held.
  if (!ThreadReadyKeys().empty()) ServeReadyKeys(ctx.server, ctx.stats);
  return reply;
}

}  // namespace cacheforge
