// server/persist/value_records.cc
// -----------------------------------------------------------------------------
// One key as the commands that rebuild it.
#include "persist/value_records.h"

#include <string_view>
#include <vector>

#include "persist/aof_format.h"
#include "store/hash_object.h"
#include "store/list_object.h"
#include "store/set_object.h"
#include "store/zset_object.h"
#include "util/numbers.h"

namespace cacheforge {
namespace {

constexpr size_t kItemsPerCommand = 64;

// Collects a collection's items and writes them `kItemsPerCommand` at a time
// after the command name and the key.
class Batcher {
 public:
  Batcher(std::string_view command, std::string_view key, std::string* out)
      : command_(command), key_(key), out_(out) {}
  ~Batcher() { Flush(); }

  void Add(std::string_view item) {
    items_.emplace_back(item);
    if (++count_ == kItemsPerCommand) Flush();
  }
  // A hash's field and value count as one item.
  void AddPair(std::string_view field, std::string_view value) {
    items_.emplace_back(field);
    items_.emplace_back(value);
    if (++count_ == kItemsPerCommand) Flush();
  }

 private:
  void Flush() {
    if (items_.empty()) return;
    std::vector<std::string_view> args = {command_, key_};
    for (const std::string& item : items_) args.push_back(item);
    AppendAofCommand(args, out_);
    items_.clear();
    count_ = 0;
  }

  std::string_view command_;
  std::string_view key_;
  std::string* out_;
  std::vector<std::string> items_;
  size_t count_ = 0;
};

}  // namespace

void AppendValueRecords(const Entry& entry, int64_t expire_at_ms, std::string* out) {
  const std::string at = expire_at_ms == kNoExpiry ? "" : std::to_string(expire_at_ms);
  switch (entry.type()) {
    case ValueType::kString:
      if (expire_at_ms == kNoExpiry) {
        AppendAofCommand({"SET", entry.key, entry.value}, out);
      } else {
        AppendAofCommand({"SET", entry.key, entry.value, "PXAT", at}, out);
      }
      return;
    case ValueType::kList: {
      Batcher batch("RPUSH", entry.key, out);
      const QuickList& list = static_cast<const ListObject*>(entry.object)->list();
      list.Walk(0, list.size() - 1, false, [&](size_t, std::string_view v) {
        batch.Add(v);
        return true;
      });
      break;
    }
    case ValueType::kHash: {
      Batcher batch("HSET", entry.key, out);
      HashValue::Reading(entry).ForEach(
          [&](std::string_view f, std::string_view v) { batch.AddPair(f, v); });
      break;
    }
    case ValueType::kSet: {
      Batcher batch("SADD", entry.key, out);
      static_cast<const SetObject*>(entry.object)->ForEach([&](std::string_view m) {
        batch.Add(m);
      });
      break;
    }
    case ValueType::kZset: {
      Batcher batch("ZADD", entry.key, out);
      const auto* zset = static_cast<const ZsetObject*>(entry.object);
      zset->Walk(0, zset->Size() - 1, false, [&](std::string_view member, double score) {
        batch.AddPair(FormatDouble(score), member);
        return true;
      });
      break;
    }
  }
  if (expire_at_ms != kNoExpiry) AppendAofCommand({"PEXPIREAT", entry.key, at}, out);
}

}  // namespace cacheforge
