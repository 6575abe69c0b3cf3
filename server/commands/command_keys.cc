// server/commands/command_keys.cc
// -----------------------------------------------------------------------------
// Key arguments from a command's spec.
#include "commands/command_keys.h"

#include <algorithm>
#include <cstdint>

#include "util/numbers.h"
#include "util/strings.h"

namespace cacheforge {
namespace {

// SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC]
// [ALPHA] [STORE destination]: options are skipped with their arguments, so
// a pattern spelled "store" is not taken for the option.
void SortStoreKey(std::span<const std::string_view> args, std::vector<size_t>* out) {
  size_t store = 0;
  for (size_t i = 2; i < args.size(); ++i) {
    if (EqualsIgnoreCase(args[i], "LIMIT")) {
      i += 2;
    } else if (EqualsIgnoreCase(args[i], "GET") || EqualsIgnoreCase(args[i], "BY")) {
      i += 1;
    } else if (EqualsIgnoreCase(args[i], "STORE") && i + 1 < args.size()) {
      store = i + 1;
    }
  }
  if (store != 0) out->push_back(store);
}

}  // namespace

CommandKeysResult CommandKeys(const CommandSpec& spec, std::span<const std::string_view> args,
                              std::vector<size_t>* out) {
  if (!HasKeyArguments(spec)) return CommandKeysResult::kNoKeys;
  const int argc = static_cast<int>(args.size());
  if (spec.first_key > 0) {
    const int last = spec.last_key < 0 ? argc + spec.last_key : spec.last_key;
    for (int i = spec.first_key; i <= last && i < argc; i += std::max(spec.key_step, 1)) {
      out->push_back(static_cast<size_t>(i));
    }
  }
  if (spec.numkeys_at > 0) {
    int64_t numkeys = 0;
    if (spec.numkeys_at >= argc ||
        !ParseInt64(args[static_cast<size_t>(spec.numkeys_at)], &numkeys) || numkeys <= 0 ||
        numkeys > argc - spec.numkeys_at - 1) {
      return CommandKeysResult::kBadArgs;
    }
    for (int64_t i = 1; i <= numkeys; ++i) out->push_back(static_cast<size_t>(spec.numkeys_at + i));
  }
  if (std::string_view(spec.name) == "sort") SortStoreKey(args, out);
  return CommandKeysResult::kOk;
}

}  // namespace cacheforge
