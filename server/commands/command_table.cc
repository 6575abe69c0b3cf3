// server/commands/command_table.cc
// -----------------------------------------------------------------------------
// THE command table. Every command the server answers is one line here: name,
// arity (N exact, -N at least N, the name counted), flags, key positions
// (first, last, step), handler, group and summary. The dispatcher checks arity
// from this table, once, before any handler runs.
#include "commands/command_table.h"

#include <algorithm>
#include <cctype>
#include <memory>

#include "commands/bitmap_family.h"
#include "commands/connection_family.h"
#include "commands/dump_command.h"
#include "commands/hash_family.h"
#include "commands/keys_family.h"
#include "commands/list_family.h"
#include "commands/object_command.h"
#include "commands/persistence_family.h"
#include "commands/pubsub_family.h"
#include "commands/server_family.h"
#include "commands/set_family.h"
#include "commands/sort_command.h"
#include "commands/string_family.h"
#include "commands/transaction_family.h"
#include "commands/zset_family.h"

namespace cacheforge {
namespace {

constexpr uint32_t kW = kCmdWrite | kCmdDenyOom;
constexpr uint32_t kR = kCmdReadonly;
constexpr uint32_t kF = kCmdFast;
constexpr uint32_t kA = kCmdAdmin | kCmdLoading | kCmdStale;
constexpr uint32_t kConn = kCmdFast | kCmdLoading | kCmdStale;

// clang-format off
constexpr CommandSpec kConfigSubcommands[] = {
  {"get",       -3, kA, 0, 0, 0, ConfigGetCommand,       "server", "Returns the effective values of configuration parameters.", {}},
  {"set",       -4, kA, 0, 0, 0, ConfigSetCommand,       "server", "Sets configuration parameters in-flight.", {}},
  {"resetstat",  2, kA, 0, 0, 0, ConfigResetStatCommand, "server", "Resets the server's statistics.", {}},
  {"help",       2, kA, 0, 0, 0, ConfigHelpCommand,      "server", "Returns helpful text about the different subcommands.", {}},
};

constexpr CommandSpec kCommandSubcommands[] = {
  {"count",  2, kCmdLoading | kCmdStale, 0, 0, 0, CommandCountCommand, "server", "Returns a count of commands.", {}},
  {"info",  -2, kCmdLoading | kCmdStale, 0, 0, 0, CommandInfoCommand,  "server", "Returns information about one, multiple or all commands.", {}},
  {"docs",  -2, kCmdLoading | kCmdStale, 0, 0, 0, CommandDocsCommand,  "server", "Returns documentary information about one, multiple or all commands.", {}},
  {"list",  -2, kCmdLoading | kCmdStale, 0, 0, 0, CommandListCommand,  "server", "Returns a list of command names.", {}},
  {"getkeys", -4, kCmdLoading | kCmdStale, 0, 0, 0, CommandGetKeysCommand, "server", "Extracts the key names from an arbitrary command.", {}},
  {"help",   2, kCmdLoading | kCmdStale, 0, 0, 0, CommandHelpCommand,  "server", "Returns helpful text about the different subcommands.", {}},
};

constexpr CommandSpec kPubSubSubcommands[] = {
  {"channels", -2, kCmdPubSub | kCmdLoading | kCmdStale, 0, 0, 0, PubSubChannelsCommand, "pubsub", "Returns the active channels.", {}},
  {"numsub",   -2, kCmdPubSub | kCmdLoading | kCmdStale, 0, 0, 0, PubSubNumSubCommand, "pubsub", "Returns a count of subscribers to channels.", {}},
  {"numpat",    2, kCmdPubSub | kCmdLoading | kCmdStale, 0, 0, 0, PubSubNumPatCommand, "pubsub", "Returns a count of unique pattern subscriptions.", {}},
  {"help",      2, kCmdLoading | kCmdStale, 0, 0, 0, PubSubHelpCommand, "pubsub", "Returns helpful text about the different subcommands.", {}},
};

constexpr CommandSpec kClientSubcommands[] = {
  {"id",       2, kConn, 0, 0, 0, ClientIdCommand,      "connection", "Returns the unique client ID of the connection.", {}},
  {"setname",  3, kConn, 0, 0, 0, ClientSetNameCommand, "connection", "Sets the connection name.", {}},
  {"getname",  2, kConn, 0, 0, 0, ClientGetNameCommand, "connection", "Returns the name of the connection.", {}},
  {"list",    -2, kA,    0, 0, 0, ClientListCommand,    "connection", "Lists open connections.", {}},
  {"info",     2, kConn, 0, 0, 0, ClientInfoCommand,    "connection", "Returns information about the connection.", {}},
  {"kill",    -3, kA,    0, 0, 0, ClientKillCommand,    "connection", "Terminates open connections.", {}},
  {"unblock", -3, kA,    0, 0, 0, ClientUnblockCommand, "connection", "Unblocks a client blocked by a blocking command from a different connection.", {}},
  {"reply",    3, kConn, 0, 0, 0, ClientReplyCommand,   "connection", "Instructs the server whether to reply to commands.", {}},
  {"help",     2, kConn, 0, 0, 0, ClientHelpCommand,    "connection", "Returns helpful text about the different subcommands.", {}},
};

constexpr CommandSpec kDebugSubcommands[] = {
  {"lockgraph", -2, kA, 0, 0, 0, DebugLockgraphCommand, "server", "Returns the server's lock-order graph (JSON or DOT) or its lock contention profile.", {}},
  {"populate", -3, kA, 0, 0, 0, DebugPopulateCommand,  "server", "Creates string keys for tests and measurements.", {}},
  {"sleep",     3, kA, 0, 0, 0, DebugSleepCommand,     "server", "Stops the connection's I/O thread for a while.", {}},
  {"help",      2, kA, 0, 0, 0, DebugHelpCommand,      "server", "Returns helpful text about the different subcommands.", {}},
};

constexpr CommandSpec kFunctionSubcommands[] = {
  {"flush",    -2, kCmdWrite, 0, 0, 0, FunctionFlushCommand, "scripting", "Deletes all libraries and functions.", {}},
};

constexpr CommandSpec kMemorySubcommands[] = {
  {"usage",   -3, kR, 2, 2, 1, MemoryUsageCommand, "server", "Estimates the memory usage of a key.", {}},
};

constexpr CommandSpec kObjectSubcommands[] = {
  {"encoding", 3, kR, 2, 2, 1, ObjectEncodingCommand, "generic", "Returns the internal encoding of a Redis object.", {}},
  {"freq",     3, kR, 2, 2, 1, ObjectFreqCommand,     "generic", "Returns the logarithmic access frequency counter of a Redis object.", {}},
  {"idletime", 3, kR, 2, 2, 1, ObjectIdleTimeCommand, "generic", "Returns the time since the last access to a Redis object.", {}},
  {"refcount", 3, kR, 2, 2, 1, ObjectRefCountCommand, "generic", "Returns the reference count of a value of a key.", {}},
  {"help",     2, kR, 0, 0, 0, ObjectHelpCommand,     "generic", "Returns helpful text about the different subcommands.", {}},
};

constexpr CommandSpec kCommands[] = {
  // connection
  {"ping",      -1, kConn | kCmdSubscribed, 0, 0, 0, PingCommand,   "connection", "Returns the server's liveliness response.", {}},
  {"echo",       2, kConn,            0, 0, 0, EchoCommand,   "connection", "Returns the given string.", {}},
  {"quit",      -1, kConn | kCmdNoAuth | kCmdNoQueue | kCmdSubscribed, 0, 0, 0, QuitCommand, "connection", "Closes the connection.", {}},
  {"reset",      1, kConn | kCmdNoAuth | kCmdNoQueue | kCmdSubscribed, 0, 0, 0, ResetCommand, "connection", "Resets the connection.", {}},
  {"hello",     -1, kConn | kCmdNoAuth, 0, 0, 0, HelloCommand, "connection", "Handshakes with the server and picks RESP2 or RESP3.", {}},
  {"auth",      -2, kConn | kCmdNoAuth, 0, 0, 0, AuthCommand, "connection", "Authenticates the connection.", {}},
  // pub/sub (SUBSCRIBE's replies, one per channel, cannot sit inside EXEC's array)
  {"subscribe",   -2, kCmdPubSub | kCmdSubscribed | kCmdNoMulti | kCmdLoading | kCmdStale, 0, 0, 0, SubscribeCommand, "pubsub", "Listens for messages published to channels.", {}},
  {"psubscribe",  -2, kCmdPubSub | kCmdSubscribed | kCmdNoMulti | kCmdLoading | kCmdStale, 0, 0, 0, PSubscribeCommand, "pubsub", "Listens for messages published to channels that match one or more patterns.", {}},
  {"unsubscribe", -1, kCmdPubSub | kCmdSubscribed | kCmdNoMulti | kCmdLoading | kCmdStale, 0, 0, 0, UnsubscribeCommand, "pubsub", "Stops listening to messages posted to channels.", {}},
  {"punsubscribe", -1, kCmdPubSub | kCmdSubscribed | kCmdNoMulti | kCmdLoading | kCmdStale, 0, 0, 0, PUnsubscribeCommand, "pubsub", "Stops listening to messages published to channels that match one or more patterns.", {}},
  {"publish",      3, kCmdPubSub | kCmdLoading | kCmdStale | kF, 0, 0, 0, PublishCommand, "pubsub", "Posts a message to a channel.", {}},
  {"pubsub",      -2, 0, 0, 0, 0, nullptr, "pubsub", "A container for Pub/Sub commands.", kPubSubSubcommands},
  // transactions
  {"multi",      1, kConn | kCmdNoQueue, 0, 0, 0, MultiCommand, "transactions", "Starts a transaction.", {}},
  {"exec",       1, kCmdLoading | kCmdStale | kCmdNoQueue, 0, 0, 0, ExecCommand, "transactions", "Executes all commands in a transaction.", {}},
  {"discard",    1, kConn | kCmdNoQueue, 0, 0, 0, DiscardCommand, "transactions", "Discards a transaction.", {}},
  {"watch",     -2, kConn | kCmdNoQueue, 1, -1, 1, WatchCommand, "transactions", "Monitors changes to keys to determine the execution of a transaction.", {}},
  {"unwatch",    1, kConn, 0, 0, 0, UnwatchCommand, "transactions", "Forgets about watched keys of a transaction.", {}},
  {"select",     2, kConn,            0, 0, 0, SelectCommand, "connection", "Changes the selected database for the current connection.", {}},
  // strings
  {"set",       -3, kW,      1, 1, 1, SetCommand,         "string", "Sets the string value of a key, ignoring its type.", {}},
  {"get",        2, kR | kF, 1, 1, 1, GetCommand,         "string", "Returns the string value of a key.", {}},
  {"getset",     3, kW | kF, 1, 1, 1, GetSetCommand,      "string", "Returns the previous string value of a key after setting it to a new value.", {}},
  {"getdel",     2, kCmdWrite | kF, 1, 1, 1, GetDelCommand, "string", "Returns the string value of a key after deleting the key.", {}},
  {"getex",     -2, kCmdWrite | kF, 1, 1, 1, GetExCommand, "string", "Returns the string value of a key after setting its expiration time.", {}},
  {"setnx",      3, kW | kF, 1, 1, 1, SetNxCommand,       "string", "Set the string value of a key only when the key doesn't exist.", {}},
  {"setex",      4, kW,      1, 1, 1, SetExCommand,       "string", "Sets the string value and expiration time of a key.", {}},
  {"psetex",     4, kW,      1, 1, 1, PSetExCommand,      "string", "Sets both string value and expiration time in milliseconds of a key.", {}},
  {"mget",      -2, kR | kF, 1, -1, 1, MGetCommand,       "string", "Atomically returns the string values of one or more keys.", {}},
  {"mset",      -3, kW,      1, -1, 2, MSetCommand,       "string", "Atomically creates or modifies the string values of one or more keys.", {}},
  {"msetnx",    -3, kW,      1, -1, 2, MSetNxCommand,     "string", "Atomically modifies the string values of one or more keys only when all keys don't exist.", {}},
  {"append",     3, kW | kF, 1, 1, 1, AppendCommand,      "string", "Appends a string to the value of a key. Creates the key if it doesn't exist.", {}},
  {"strlen",     2, kR | kF, 1, 1, 1, StrLenCommand,      "string", "Returns the length of a string value.", {}},
  {"getrange",   4, kR,      1, 1, 1, GetRangeCommand,    "string", "Returns a substring of the string stored at a key.", {}},
  {"setrange",   4, kW,      1, 1, 1, SetRangeCommand,    "string", "Overwrites a part of a string value with another by an offset.", {}},
  {"incr",       2, kW | kF, 1, 1, 1, IncrCommand,        "string", "Increments the integer value of a key by one.", {}},
  {"decr",       2, kW | kF, 1, 1, 1, DecrCommand,        "string", "Decrements the integer value of a key by one.", {}},
  {"incrby",     3, kW | kF, 1, 1, 1, IncrByCommand,      "string", "Increments the integer value of a key by a number.", {}},
  {"decrby",     3, kW | kF, 1, 1, 1, DecrByCommand,      "string", "Decrements a number from the integer value of a key.", {}},
  {"incrbyfloat", 3, kW | kF, 1, 1, 1, IncrByFloatCommand, "string", "Increment the floating point value of a key by a number.", {}},
  // bitmaps
  {"setbit",     4, kW,      1, 1, 1, SetBitCommand,     "bitmap", "Sets or clears the bit at offset of the string value. Creates the key if it doesn't exist.", {}},
  {"getbit",     3, kR | kF, 1, 1, 1, GetBitCommand,     "bitmap", "Returns a bit value by offset.", {}},
  {"bitcount",  -2, kR,      1, 1, 1, BitCountCommand,   "bitmap", "Counts the number of set bits (population counting) in a string.", {}},
  {"bitpos",    -3, kR,      1, 1, 1, BitPosCommand,     "bitmap", "Finds the first set (1) or clear (0) bit in a string.", {}},
  {"bitop",     -4, kW,      2, -1, 1, BitOpCommand,     "bitmap", "Performs bitwise operations on multiple strings, and stores the result.", {}},
  {"bitfield",  -2, kW,      1, 1, 1, BitFieldCommand,   "bitmap", "Performs arbitrary bitfield integer operations on strings.", {}},
  {"bitfield_ro", -2, kR | kF, 1, 1, 1, BitFieldRoCommand, "bitmap", "Performs arbitrary read-only bitfield integer operations on strings.", {}},
  // lists
  {"lpush",     -3, kW | kF, 1, 1, 1, LPushCommand,      "list", "Prepends one or more elements to a list. Creates the key if it doesn't exist.", {}},
  {"rpush",     -3, kW | kF, 1, 1, 1, RPushCommand,      "list", "Appends one or more elements to a list. Creates the key if it doesn't exist.", {}},
  {"lpushx",    -3, kW | kF, 1, 1, 1, LPushXCommand,     "list", "Prepends one or more elements to a list only when the list exists.", {}},
  {"rpushx",    -3, kW | kF, 1, 1, 1, RPushXCommand,     "list", "Appends an element to a list only when the list exists.", {}},
  {"lpop",      -2, kCmdWrite | kF, 1, 1, 1, LPopCommand, "list", "Returns the first elements in a list after removing it. Deletes the list if the last element was popped.", {}},
  {"rpop",      -2, kCmdWrite | kF, 1, 1, 1, RPopCommand, "list", "Returns and removes the last elements of a list. Deletes the list if the last element was popped.", {}},
  {"llen",       2, kR | kF, 1, 1, 1, LLenCommand,       "list", "Returns the length of a list.", {}},
  {"lindex",     3, kR,      1, 1, 1, LIndexCommand,     "list", "Returns an element from a list by its index.", {}},
  {"lset",       4, kW,      1, 1, 1, LSetCommand,       "list", "Sets the value of an element in a list by its index.", {}},
  {"lrange",     4, kR,      1, 1, 1, LRangeCommand,     "list", "Returns a range of elements from a list.", {}},
  {"ltrim",      4, kCmdWrite, 1, 1, 1, LTrimCommand,    "list", "Removes elements from both ends a list. Deletes the list if all elements were trimmed.", {}},
  {"lrem",       4, kCmdWrite, 1, 1, 1, LRemCommand,     "list", "Removes elements from a list. Deletes the list if the last element was removed.", {}},
  {"linsert",    5, kW,      1, 1, 1, LInsertCommand,    "list", "Inserts an element before or after another element in a list.", {}},
  {"lpos",      -3, kR,      1, 1, 1, LPosCommand,       "list", "Returns the index of matching elements in a list.", {}},
  {"lmove",      5, kW,      1, 2, 1, LMoveCommand,      "list", "Returns an element after popping it from one list and pushing it to another. Deletes the list if the last element was moved.", {}},
  {"rpoplpush",  3, kW,      1, 2, 1, RPopLPushCommand,  "list", "Returns the last element of a list after removing and pushing it to another list. Deletes the list if the last element was popped.", {}},
  {"lmpop",     -4, kCmdWrite, 0, 0, 0, LMPopCommand,    "list", "Returns multiple elements from a list after removing them. Deletes the list if the last element was popped.", {}, 1},
  {"blpop",     -3, kCmdWrite | kCmdBlocking, 1, -2, 1, BLPopCommand, "list", "Removes and returns the first element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.", {}},
  {"brpop",     -3, kCmdWrite | kCmdBlocking, 1, -2, 1, BRPopCommand, "list", "Removes and returns the last element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.", {}},
  {"blmove",     6, kW | kCmdBlocking, 1, 2, 1, BLMoveCommand, "list", "Pops an element from a list, pushes it to another list and returns it. Blocks until an element is available otherwise. Deletes the list if the last element was moved.", {}},
  {"brpoplpush", 4, kW | kCmdBlocking, 1, 2, 1, BRPopLPushCommand, "list", "Pops an element from a list, pushes it to another list and returns it. Block until an element is available otherwise. Deletes the list if the last element was popped.", {}},
  {"blmpop",    -5, kCmdWrite | kCmdBlocking, 0, 0, 0, BLMPopCommand, "list", "Pops the first element from one of multiple lists. Blocks until an element is available otherwise. Deletes the list if the last element was popped.", {}, 2},
  // hashes
  {"hset",      -4, kW | kF, 1, 1, 1, HSetCommand,       "hash", "Creates or modifies the value of a field in a hash.", {}},
  {"hmset",     -4, kW | kF, 1, 1, 1, HMSetCommand,      "hash", "Sets the values of multiple fields.", {}},
  {"hsetnx",     4, kW | kF, 1, 1, 1, HSetNxCommand,     "hash", "Sets the value of a field in a hash only when the field doesn't exist.", {}},
  {"hget",       3, kR | kF, 1, 1, 1, HGetCommand,       "hash", "Returns the value of a field in a hash.", {}},
  {"hmget",     -3, kR | kF, 1, 1, 1, HMGetCommand,      "hash", "Returns the values of all fields in a hash.", {}},
  {"hdel",      -3, kCmdWrite | kF, 1, 1, 1, HDelCommand, "hash", "Deletes one or more fields and their values from a hash. Deletes the hash if no fields remain.", {}},
  {"hlen",       2, kR | kF, 1, 1, 1, HLenCommand,       "hash", "Returns the number of fields in a hash.", {}},
  {"hstrlen",    3, kR | kF, 1, 1, 1, HStrLenCommand,    "hash", "Returns the length of the value of a field.", {}},
  {"hexists",    3, kR | kF, 1, 1, 1, HExistsCommand,    "hash", "Determines whether a field exists in a hash.", {}},
  {"hkeys",      2, kR,      1, 1, 1, HKeysCommand,      "hash", "Returns all fields in a hash.", {}},
  {"hvals",      2, kR,      1, 1, 1, HValsCommand,      "hash", "Returns all values in a hash.", {}},
  {"hgetall",    2, kR,      1, 1, 1, HGetAllCommand,    "hash", "Returns all fields and values in a hash.", {}},
  {"hincrby",    4, kW | kF, 1, 1, 1, HIncrByCommand,    "hash", "Increments the integer value of a field in a hash by a number. Uses 0 as initial value if the field doesn't exist.", {}},
  {"hincrbyfloat", 4, kW | kF, 1, 1, 1, HIncrByFloatCommand, "hash", "Increments the floating point value of a field by a number. Uses 0 as initial value if the field doesn't exist.", {}},
  {"hrandfield", -2, kR,     1, 1, 1, HRandFieldCommand, "hash", "Returns one or more random fields from a hash.", {}},
  {"hscan",     -3, kR,      1, 1, 1, HScanCommand,      "hash", "Iterates over fields and values of a hash.", {}},
  // sets
  {"sadd",      -3, kW | kF, 1, 1, 1, SAddCommand,       "set", "Adds one or more members to a set. Creates the key if it doesn't exist.", {}},
  {"srem",      -3, kCmdWrite | kF, 1, 1, 1, SRemCommand, "set", "Removes one or more members from a set. Deletes the set if the last member was removed.", {}},
  {"scard",      2, kR | kF, 1, 1, 1, SCardCommand,      "set", "Returns the number of members in a set.", {}},
  {"sismember",  3, kR | kF, 1, 1, 1, SIsMemberCommand,  "set", "Determines whether a member belongs to a set.", {}},
  {"smismember", -3, kR | kF, 1, 1, 1, SMIsMemberCommand, "set", "Determines whether multiple members belong to a set.", {}},
  {"smembers",   2, kR,      1, 1, 1, SMembersCommand,   "set", "Returns all members of a set.", {}},
  {"srandmember", -2, kR,    1, 1, 1, SRandMemberCommand, "set", "Get one or multiple random members from a set", {}},
  {"spop",      -2, kCmdWrite | kF, 1, 1, 1, SPopCommand, "set", "Returns one or more random members from a set after removing them. Deletes the set if the last member was popped.", {}},
  {"smove",      4, kCmdWrite | kF, 1, 2, 1, SMoveCommand, "set", "Moves a member from one set to another.", {}},
  {"sinter",    -2, kR,      1, -1, 1, SInterCommand,    "set", "Returns the intersect of multiple sets.", {}},
  {"sunion",    -2, kR,      1, -1, 1, SUnionCommand,    "set", "Returns the union of multiple sets.", {}},
  {"sdiff",     -2, kR,      1, -1, 1, SDiffCommand,     "set", "Returns the difference of multiple sets.", {}},
  {"sinterstore", -3, kW,    1, -1, 1, SInterStoreCommand, "set", "Stores the intersect of multiple sets in a key.", {}},
  {"sunionstore", -3, kW,    1, -1, 1, SUnionStoreCommand, "set", "Stores the union of multiple sets in a key.", {}},
  {"sdiffstore", -3, kW,     1, -1, 1, SDiffStoreCommand, "set", "Stores the difference of multiple sets in a key.", {}},
  {"sintercard", -3, kR,     0, 0, 0, SInterCardCommand, "set", "Returns the number of members of the intersect of multiple sets.", {}, 1},
  {"sscan",     -3, kR,      1, 1, 1, SScanCommand,      "set", "Iterates over members of a set.", {}},
  // sorted sets
  {"zadd",      -4, kW | kF, 1, 1, 1, ZAddCommand,       "sorted_set", "Adds one or more members to a sorted set, or updates their scores. Creates the key if it doesn't exist.", {}},
  {"zincrby",    4, kW | kF, 1, 1, 1, ZIncrByCommand,    "sorted_set", "Increments the score of a member in a sorted set.", {}},
  {"zrem",      -3, kCmdWrite | kF, 1, 1, 1, ZRemCommand, "sorted_set", "Removes one or more members from a sorted set. Deletes the sorted set if all members were removed.", {}},
  {"zcard",      2, kR | kF, 1, 1, 1, ZCardCommand,      "sorted_set", "Returns the number of members in a sorted set.", {}},
  {"zscore",     3, kR | kF, 1, 1, 1, ZScoreCommand,     "sorted_set", "Returns the score of a member in a sorted set.", {}},
  {"zmscore",   -3, kR | kF, 1, 1, 1, ZMScoreCommand,    "sorted_set", "Returns the score of one or more members in a sorted set.", {}},
  {"zrank",      3, kR | kF, 1, 1, 1, ZRankCommand,      "sorted_set", "Returns the index of a member in a sorted set ordered by ascending scores.", {}},
  {"zrevrank",   3, kR | kF, 1, 1, 1, ZRevRankCommand,   "sorted_set", "Returns the index of a member in a sorted set ordered by descending scores.", {}},
  {"zcount",     4, kR | kF, 1, 1, 1, ZCountCommand,     "sorted_set", "Returns the count of members in a sorted set that have scores within a range.", {}},
  {"zlexcount",  4, kR | kF, 1, 1, 1, ZLexCountCommand,  "sorted_set", "Returns the number of members in a sorted set within a lexicographical range.", {}},
  {"zrange",    -4, kR,      1, 1, 1, ZRangeCommand,     "sorted_set", "Returns members in a sorted set within a range of indexes.", {}},
  {"zrangestore", -5, kW,    1, 2, 1, ZRangeStoreCommand, "sorted_set", "Stores a range of members from sorted set in a key.", {}},
  {"zrevrange", -4, kR,      1, 1, 1, ZRevRangeCommand,  "sorted_set", "Returns members in a sorted set within a range of indexes in reverse order.", {}},
  {"zrangebyscore", -4, kR,  1, 1, 1, ZRangeByScoreCommand, "sorted_set", "Returns members in a sorted set within a range of scores.", {}},
  {"zrevrangebyscore", -4, kR, 1, 1, 1, ZRevRangeByScoreCommand, "sorted_set", "Returns members in a sorted set within a range of scores in reverse order.", {}},
  {"zrangebylex", -4, kR,    1, 1, 1, ZRangeByLexCommand, "sorted_set", "Returns members in a sorted set within a lexicographical range.", {}},
  {"zrevrangebylex", -4, kR, 1, 1, 1, ZRevRangeByLexCommand, "sorted_set", "Returns members in a sorted set within a lexicographical range in reverse order.", {}},
  {"zremrangebyrank", 4, kCmdWrite, 1, 1, 1, ZRemRangeByRankCommand, "sorted_set", "Removes members in a sorted set within a range of indexes. Deletes the sorted set if all members were removed.", {}},
  {"zremrangebyscore", 4, kCmdWrite, 1, 1, 1, ZRemRangeByScoreCommand, "sorted_set", "Removes members in a sorted set within a range of scores. Deletes the sorted set if all members were removed.", {}},
  {"zremrangebylex", 4, kCmdWrite, 1, 1, 1, ZRemRangeByLexCommand, "sorted_set", "Removes members in a sorted set within a lexicographical range. Deletes the sorted set if all members were removed.", {}},
  {"zpopmin",   -2, kCmdWrite | kF, 1, 1, 1, ZPopMinCommand, "sorted_set", "Returns the lowest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.", {}},
  {"zpopmax",   -2, kCmdWrite | kF, 1, 1, 1, ZPopMaxCommand, "sorted_set", "Returns the highest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.", {}},
  {"zmpop",     -4, kCmdWrite, 0, 0, 0, ZMPopCommand,    "sorted_set", "Returns the highest- or lowest-scoring members from one or more sorted sets after removing them. Deletes the sorted set if the last member was popped.", {}, 1},
  {"bzpopmin",  -3, kCmdWrite | kCmdBlocking | kF, 1, -2, 1, BZPopMinCommand, "sorted_set", "Removes and returns the member with the lowest score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.", {}},
  {"bzpopmax",  -3, kCmdWrite | kCmdBlocking | kF, 1, -2, 1, BZPopMaxCommand, "sorted_set", "Removes and returns the member with the highest score from one or more sorted sets. Blocks until a member available otherwise. Deletes the sorted set if the last element was popped.", {}},
  {"bzmpop",    -5, kCmdWrite | kCmdBlocking, 0, 0, 0, BZMPopCommand, "sorted_set", "Removes and returns a member by score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.", {}, 2},
  {"zunion",    -3, kR,      0, 0, 0, ZUnionCommand,     "sorted_set", "Returns the union of multiple sorted sets.", {}, 1},
  {"zinter",    -3, kR,      0, 0, 0, ZInterCommand,     "sorted_set", "Returns the intersect of multiple sorted sets.", {}, 1},
  {"zdiff",     -3, kR,      0, 0, 0, ZDiffCommand,      "sorted_set", "Returns the difference between multiple sorted sets.", {}, 1},
  {"zunionstore", -4, kW,    1, 1, 1, ZUnionStoreCommand, "sorted_set", "Stores the union of multiple sorted sets in a key.", {}, 2},
  {"zinterstore", -4, kW,    1, 1, 1, ZInterStoreCommand, "sorted_set", "Stores the intersect of multiple sorted sets in a key.", {}, 2},
  {"zdiffstore", -4, kW,     1, 1, 1, ZDiffStoreCommand, "sorted_set", "Stores the difference of multiple sorted sets in a key.", {}, 2},
  {"zintercard", -3, kR,     0, 0, 0, ZInterCardCommand, "sorted_set", "Returns the number of members of the intersect of multiple sorted sets.", {}, 1},
  {"zrandmember", -2, kR,    1, 1, 1, ZRandMemberCommand, "sorted_set", "Returns one or more random members from a sorted set.", {}},
  {"zscan",     -3, kR,      1, 1, 1, ZScanCommand,      "sorted_set", "Iterates over members and scores of a sorted set.", {}},
  {"lcs",       -3, kR,      1, 2, 1, LcsCommand,         "string", "Finds the longest common substring.", {}},
  // keys
  {"del",       -2, kCmdWrite, 1, -1, 1, DelCommand,      "generic", "Deletes one or more keys.", {}},
  {"unlink",    -2, kCmdWrite | kF, 1, -1, 1, DelCommand, "generic", "Asynchronously deletes one or more keys.", {}},
  {"exists",    -2, kR | kF, 1, -1, 1, ExistsCommand,     "generic", "Determines whether one or more keys exist.", {}},
  {"touch",     -2, kR | kF, 1, -1, 1, TouchCommand,      "generic", "Returns the number of existing keys out of those specified after updating the time they were last accessed.", {}},
  {"type",       2, kR | kF, 1, 1, 1, TypeCommand,        "generic", "Determines the type of value stored at a key.", {}},
  {"rename",     3, kCmdWrite, 1, 2, 1, RenameCommand,    "generic", "Renames a key and overwrites the destination.", {}},
  {"copy",      -3, kW,      1, 2, 1, CopyCommand,        "generic", "Copies the value of a key to a new key.", {}},
  {"move",       3, kCmdWrite | kF, 1, 1, 1, MoveCommand,  "generic", "Moves a key to another database.", {}},
  {"dump",       2, kR,      1, 1, 1, DumpCommand,        "generic", "Returns a serialized representation of the value stored at a key.", {}},
  {"restore",   -4, kW,      1, 1, 1, RestoreCommand,     "generic", "Creates a key from the serialized representation of a value.", {}},
  {"renamenx",   3, kCmdWrite | kF, 1, 2, 1, RenameNxCommand, "generic", "Renames a key only when the target key name doesn't exist.", {}},
  {"expire",    -3, kCmdWrite | kF, 1, 1, 1, ExpireCommand, "generic", "Sets the expiration time of a key in seconds.", {}},
  {"pexpire",   -3, kCmdWrite | kF, 1, 1, 1, PExpireCommand, "generic", "Sets the expiration time of a key in milliseconds.", {}},
  {"expireat",  -3, kCmdWrite | kF, 1, 1, 1, ExpireAtCommand, "generic", "Sets the expiration time of a key to a Unix timestamp.", {}},
  {"pexpireat", -3, kCmdWrite | kF, 1, 1, 1, PExpireAtCommand, "generic", "Sets the expiration time of a key to a Unix milliseconds timestamp.", {}},
  {"expiretime", 2, kR | kF, 1, 1, 1, ExpireTimeCommand,  "generic", "Returns the expiration time of a key as a Unix timestamp.", {}},
  {"pexpiretime", 2, kR | kF, 1, 1, 1, PExpireTimeCommand, "generic", "Returns the expiration time of a key as a Unix milliseconds timestamp.", {}},
  {"ttl",        2, kR | kF, 1, 1, 1, TtlCommand,         "generic", "Returns the expiration time in seconds of a key.", {}},
  {"pttl",       2, kR | kF, 1, 1, 1, PTtlCommand,        "generic", "Returns the expiration time in milliseconds of a key.", {}},
  {"persist",    2, kCmdWrite | kF, 1, 1, 1, PersistCommand, "generic", "Removes the expiration time of a key.", {}},
  {"keys",       2, kR,      0, 0, 0, KeysCommand,        "generic", "Returns all key names that match a pattern.", {}},
  {"scan",      -2, kR,      0, 0, 0, ScanCommand,        "generic", "Iterates over the key names in the database.", {}},
  {"randomkey",  1, kR,      0, 0, 0, RandomKeyCommand,   "generic", "Returns a random key name from the database.", {}},
  {"dbsize",     1, kR | kF, 0, 0, 0, DbSizeCommand,      "server", "Returns the number of keys in the database.", {}},
  {"flushdb",   -1, kCmdWrite, 0, 0, 0, FlushDbCommand,   "server", "Remove all keys from the current database.", {}},
  {"flushall",  -1, kCmdWrite | kCmdAllDbs, 0, 0, 0, FlushAllCommand, "server", "Removes all keys from all databases.", {}},
  {"swapdb",     3, kCmdWrite | kF, 0, 0, 0, SwapDbCommand, "server", "Swaps two Redis databases.", {}},
  {"sort",      -2, kW,      1, 1, 1, SortCommand,        "generic", "Sorts the elements in a list, a set, or a sorted set, optionally storing the result.", {}},
  {"sort_ro",   -2, kR,      1, 1, 1, SortRoCommand,      "generic", "Returns the sorted elements of a list, a set, or a sorted set.", {}},
  {"object",    -2, 0,       0, 0, 0, nullptr,            "generic", "A container for object introspection commands.", kObjectSubcommands},
  // server
  {"info",      -1, kCmdLoading | kCmdStale | kCmdAllDbs, 0, 0, 0, InfoCommand, "server", "Returns information and statistics about the server.", {}},
  {"config",    -2, 0,       0, 0, 0, nullptr,            "server", "A container for server configuration commands.", kConfigSubcommands},
  {"command",   -1, kCmdLoading | kCmdStale, 0, 0, 0, CommandCommand, "server", "Returns detailed information about all commands.", kCommandSubcommands},
  {"client",    -2, 0,       0, 0, 0, nullptr,            "connection", "A container for client connection commands.", kClientSubcommands},
  {"memory",    -2, 0,       0, 0, 0, nullptr,            "server", "A container for memory diagnostics commands.", kMemorySubcommands},
  {"function",  -2, 0,       0, 0, 0, nullptr,            "scripting", "A container for function commands.", kFunctionSubcommands},
  {"time",       1, kConn,   0, 0, 0, TimeCommand,        "server", "Returns the server time.", {}},
  {"debug",     -2, kA,      0, 0, 0, nullptr,            "server", "A container for debugging commands.", kDebugSubcommands},
  {"bgrewriteaof", 1, kA, 0, 0, 0, BgRewriteAofCommand, "server", "Asynchronously rewrites the append-only file to disk.", {}},
  {"shutdown",  -1, kA | kCmdNoMulti, 0, 0, 0, ShutdownCommand, "server", "Synchronously saves the database(s) to disk and shuts down the server.", {}},
};
// clang-format on

bool EqualsLower(std::string_view text, std::string_view lower) {
  return text.size() == lower.size() &&
         std::equal(text.begin(), text.end(), lower.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == b;
         });
}

}  // namespace

const CommandTable& CommandTable::Get() {
  static const CommandTable* table = new CommandTable();
  return *table;
}

CommandTable::CommandTable() {
  for (const CommandSpec& spec : kCommands) {
    CommandEntry* entry = Add(&spec, nullptr);
    top_.push_back(entry);
    for (const CommandSpec& sub : spec.subcommands) entry->subcommands.push_back(Add(&sub, entry));
  }
}

CommandEntry* CommandTable::Add(const CommandSpec* spec, const CommandEntry* parent) {
  auto entry = std::make_unique<CommandEntry>();
  entry->spec = spec;
  entry->id = all_.size();
  entry->parent = parent;
  entry->full_name = parent != nullptr ? parent->full_name + "|" + spec->name : spec->name;
  all_.push_back(std::move(entry));
  return all_.back().get();
}

const CommandEntry* CommandTable::Find(std::string_view name) const {
  // A linear scan over ~55 names with a first-letter filter beats hashing a
  // lowered copy for names this short.
  if (name.empty()) return nullptr;
  char first = static_cast<char>(std::tolower(static_cast<unsigned char>(name[0])));
  for (const CommandEntry* entry : top_) {
    if (entry->spec->name[0] == first && EqualsLower(name, entry->spec->name)) return entry;
  }
  return nullptr;
}

const CommandEntry* CommandTable::FindSub(const CommandEntry& container, std::string_view name) {
  for (const CommandEntry* sub : container.subcommands) {
    if (EqualsLower(name, sub->spec->name)) return sub;
  }
  return nullptr;
}

std::vector<std::string> CommandFlagNames(const CommandSpec& spec) {
  const uint32_t flags = spec.flags;
  static constexpr std::pair<uint32_t, const char*> kNames[] = {
      {kCmdWrite, "write"},   {kCmdReadonly, "readonly"}, {kCmdDenyOom, "denyoom"},
      {kCmdAdmin, "admin"},   {kCmdNoAuth, "no_auth"},    {kCmdLoading, "loading"},
      {kCmdStale, "stale"},   {kCmdNoMulti, "no_multi"},  {kCmdBlocking, "blocking"},
      {kCmdPubSub, "pubsub"}, {kCmdFast, "fast"},
  };
  std::vector<std::string> out;
  for (const auto& [flag, name] : kNames) {
    if (flags & flag) out.push_back(name);
  }
  const std::string_view name = spec.name;
  if (spec.numkeys_at != 0 || name == "sort" || name == "sort_ro") out.push_back("movablekeys");
  return out;
}

}  // namespace cacheforge
