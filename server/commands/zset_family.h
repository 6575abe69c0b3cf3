// server/commands/zset_family.h
// -----------------------------------------------------------------------------
// Sorted-set commands: ZADD ZINCRBY ZREM ZCARD ZSCORE ZMSCORE ZRANK ZREVRANK
// ZCOUNT ZLEXCOUNT ZRANGE ZRANGESTORE ZREVRANGE ZRANGEBYSCORE ZREVRANGEBYSCORE
// ZRANGEBYLEX ZREVRANGEBYLEX ZREMRANGEBYRANK ZREMRANGEBYSCORE ZREMRANGEBYLEX
// ZPOPMIN ZPOPMAX ZMPOP ZUNION ZINTER ZDIFF and their STORE forms, ZINTERCARD,
// ZRANDMEMBER, ZSCAN.
#ifndef CACHEFORGE_COMMANDS_ZSET_FAMILY_H_
#define CACHEFORGE_COMMANDS_ZSET_FAMILY_H_

#include "commands/command.h"

namespace cacheforge {

Reply ZAddCommand(CommandContext& ctx);
Reply ZIncrByCommand(CommandContext& ctx);
Reply ZRemCommand(CommandContext& ctx);
Reply ZCardCommand(CommandContext& ctx);
Reply ZScoreCommand(CommandContext& ctx);
Reply ZMScoreCommand(CommandContext& ctx);
Reply ZRankCommand(CommandContext& ctx);
Reply ZRevRankCommand(CommandContext& ctx);
Reply ZCountCommand(CommandContext& ctx);
Reply ZLexCountCommand(CommandContext& ctx);
Reply ZRangeCommand(CommandContext& ctx);
Reply ZRangeStoreCommand(CommandContext& ctx);
Reply ZRevRangeCommand(CommandContext& ctx);
Reply ZRangeByScoreCommand(CommandContext& ctx);
Reply ZRevRangeByScoreCommand(CommandContext& ctx);
Reply ZRangeByLexCommand(CommandContext& ctx);
Reply ZRevRangeByLexCommand(CommandContext& ctx);
Reply ZRemRangeByRankCommand(CommandContext& ctx);
Reply ZRemRangeByScoreCommand(CommandContext& ctx);
Reply ZRemRangeByLexCommand(CommandContext& ctx);
Reply ZPopMinCommand(CommandContext& ctx);
Reply ZPopMaxCommand(CommandContext& ctx);
Reply ZMPopCommand(CommandContext& ctx);
// The blocking forms (commands/blocking.h).
Reply BZPopMinCommand(CommandContext& ctx);
Reply BZPopMaxCommand(CommandContext& ctx);
Reply BZMPopCommand(CommandContext& ctx);
Reply ZUnionCommand(CommandContext& ctx);
Reply ZInterCommand(CommandContext& ctx);
Reply ZDiffCommand(CommandContext& ctx);
Reply ZUnionStoreCommand(CommandContext& ctx);
Reply ZInterStoreCommand(CommandContext& ctx);
Reply ZDiffStoreCommand(CommandContext& ctx);
Reply ZInterCardCommand(CommandContext& ctx);
Reply ZRandMemberCommand(CommandContext& ctx);
Reply ZScanCommand(CommandContext& ctx);

}  // namespace cacheforge

#endif  // CACHEFORGE_COMMANDS_ZSET_FAMILY_H_
