// server/commands/persistence_family.cc
// -----------------------------------------------------------------------------
// BGREWRITEAOF.
#include "commands/persistence_family.h"

#include <string>

#include "persist/append_only_file.h"

namespace cacheforge {

// BGREWRITEAOF: works with appendonly off too, as in Redis (it writes a fresh
// file from the data without turning appending on).
Reply BgRewriteAofCommand(CommandContext& ctx) {
  AppendOnlyFile* aof = ctx.server.aof();
  if (aof == nullptr) return Reply::Error("ERR this server has no append only file");
  // Inside EXEC the rewrite starts once EXEC has released the shards: it
  // takes aof.rewrite, which is ordered before them.
  if (ctx.client.exec != nullptr) {
    ctx.RunOutsideShardLocks([aof] {
      std::string error;
      aof->StartRewrite(&error);
    });
    return Reply::Status("Background append only file rewriting scheduled");
  }
  std::string error;
  if (!aof->StartRewrite(&error)) return Reply::Error(std::move(error));
  return Reply::Status("Background append only file rewriting started");
}

}  // namespace cacheforge
