// server/commands/object_command.cc
// -----------------------------------------------------------------------------
// OBJECT subcommands, with Redis's replies and error texts.
#include "commands/object_command.h"

#include "commands/key_access.h"
#include "store/access.h"
#include "store/eviction.h"
#include "util/numbers.h"
#include "util/strings.h"

namespace cacheforge {

// OBJECT ENCODING key: Redis's string encodings — "int" for a value that is a
// 64-bit integer, "embstr" up to 44 bytes, "raw" beyond — and for other types
// the name of the representation in use (store/object.h).
Reply ObjectEncodingCommand(CommandContext& ctx) {
  KeyLock key(ctx, ctx.arg(2));
  Entry* e = key.Peek();
  if (e == nullptr) return Reply::Null();
  // An inline value is a packed block (store/dict.h), Redis's listpack.
  if (e->inline_value) return Reply::Bulk("listpack");
  if (!e->is_string()) return Reply::Bulk(e->object->Encoding());
  const auto form = static_cast<StringForm>(e->string_form);
  if (form == StringForm::kRaw) return Reply::Bulk("raw");
  int64_t ignored = 0;
  if (form == StringForm::kByContent && e->value.size() <= 20 && ParseInt64(e->value, &ignored)) {
    return Reply::Bulk("int");
  }
  return Reply::Bulk(e->value.size() <= 44 ? "embstr" : "raw");
}

// OBJECT FREQ key: the LFU counter after decay; only tracked under an LFU policy.
Reply ObjectFreqCommand(CommandContext& ctx) {
  KeyLock key(ctx, ctx.arg(2));
  Entry* e = key.Peek();
  if (e == nullptr) return Reply::Null();
  if (!IsLfuPolicy(ctx.server.config().maxmemory_policy())) {
    return Reply::Error(
        "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note "
        "that when switching between policies at runtime LRU and LFU data will take some time "
        "to adjust.");
  }
  return Reply::Integer(LfuDecayed(e->lfu, ctx.now_ms, ctx.server.config().lfu_decay_time()));
}

// OBJECT IDLETIME key: seconds since the last access. The LRU clock is kept
// under every policy, so unlike Redis this answers under LFU policies too.
Reply ObjectIdleTimeCommand(CommandContext& ctx) {
  KeyLock key(ctx, ctx.arg(2));
  Entry* e = key.Peek();
  if (e == nullptr) return Reply::Null();
  return Reply::Integer(LruIdleMs(e->lru, ctx.now_ms) / 1000);
}

// OBJECT REFCOUNT key: values are never shared, so 1.
Reply ObjectRefCountCommand(CommandContext& ctx) {
  KeyLock key(ctx, ctx.arg(2));
  return key.Peek() == nullptr ? Reply::Null() : Reply::Integer(1);
}

Reply ObjectHelpCommand(CommandContext&) {
  std::vector<Reply> out;
  for (const char* line : {
           "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
           "ENCODING <key>",
           "    Return the kind of internal representation used in order to store the value",
           "    associated with a <key>.",
           "FREQ <key>",
           "    Return the access frequency index of the <key>. The returned integer is",
           "    proportional to the logarithm of the recent access frequency of the key.",
           "IDLETIME <key>",
           "    Return the idle time of the <key>, that is the approximated number of",
           "    seconds elapsed since the last access to the key.",
           "REFCOUNT <key>",
           "    Return the number of references of the value associated with the specified",
           "    <key>.",
           "HELP",
           "    Print this help.",
       }) {
    out.push_back(Reply::Status(line));
  }
  return Reply::Array(std::move(out));
}

Reply MemoryUsageCommand(CommandContext& ctx) {
  // SAMPLES only bounds how many elements Redis measures; the count here is
  // exact, so the option is checked and otherwise has no effect.
  for (size_t i = 3; i < ctx.argc(); i += 2) {
    int64_t samples = 0;
    if (!EqualsIgnoreCase(ctx.arg(i), "SAMPLES") || i + 1 >= ctx.argc()) {
      return Reply::Error(errors::kSyntax);
    }
    if (!ParseInt64(ctx.arg(i + 1), &samples)) return Reply::Error(errors::kNotInteger);
  }
  KeyLock key(ctx, ctx.arg(2));
  Entry* e = key.Peek();
  if (e == nullptr) return Reply::Null();
  return Reply::Integer(static_cast<int64_t>(Shard::EntryBytes(*e)));
}

}  // namespace cacheforge
