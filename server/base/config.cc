// server/base/config.cc
// -----------------------------------------------------------------------------
// The settings table and its three readers: config file, argv, CONFIG GET/SET.
#include "base/config.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <mutex>
#include <shared_mutex>
#include <thread>

#include "base/notify_classes.h"
#include "net/resp_parser.h"
#include "util/glob.h"
#include "util/numbers.h"

namespace cacheforge {
namespace {

enum class Kind { kInt, kMemory, kBool, kString, kEnum, kOutputLimit, kNotifyClasses };

struct SettingSpec {
  const char* name;
  Kind kind;
  bool runtime;  // CONFIG SET may change it
  const char* default_value;
  int64_t min;  // kInt and kMemory bounds
  int64_t max;
  const char* choices;  // kEnum: space-separated
};

constexpr int64_t kMaxInt = INT64_MAX;

// The one list of settings. Keep it sorted by name.
constexpr SettingSpec kSettings[] = {
    {"aof-load-truncated", Kind::kBool, true, "yes", 0, 0, nullptr},
    {"appendfilename", Kind::kString, false, "appendonly.aof", 0, 0, nullptr},
    {"appendfsync", Kind::kEnum, true, "everysec", 0, 0, "always everysec no"},
    {"appendonly", Kind::kBool, true, "no", 0, 0, nullptr},
    {"auto-aof-rewrite-min-size", Kind::kMemory, true, "64mb", 0, kMaxInt, nullptr},
    {"auto-aof-rewrite-percentage", Kind::kInt, true, "100", 0, INT32_MAX, nullptr},
    {"bind", Kind::kString, false, "127.0.0.1", 0, 0, nullptr},
    {"client-output-buffer-limit", Kind::kOutputLimit, true,
     "normal 0 0 0 slave 256mb 64mb 60 pubsub 32mb 8mb 60", 0, 0, nullptr},
    {"client-query-buffer-limit", Kind::kMemory, true, "1gb", 1024 * 1024, kMaxInt, nullptr},
    {"databases", Kind::kInt, false, "16", 1, 1024, nullptr},
    {"dir", Kind::kString, false, ".", 0, 0, nullptr},
    {"hash-max-listpack-entries", Kind::kInt, true, "512", 0, INT32_MAX, nullptr},
    {"hash-max-listpack-value", Kind::kInt, true, "64", 0, INT32_MAX, nullptr},
    {"hz", Kind::kInt, true, "10", 1, 500, nullptr},
    // Accepted for compatibility and reported by CONFIG GET; lists are not
    // compressed (a memory saving only, never a change in replies).
    {"list-compress-depth", Kind::kInt, true, "0", 0, INT32_MAX, nullptr},
    {"list-max-listpack-size", Kind::kInt, true, "-2", -5, INT32_MAX, nullptr},
    {"lfu-decay-time", Kind::kInt, true, "1", 0, INT32_MAX, nullptr},
    {"lfu-log-factor", Kind::kInt, true, "10", 0, INT32_MAX, nullptr},
    {"logfile", Kind::kString, false, "", 0, 0, nullptr},
    {"loglevel", Kind::kEnum, true, "notice", 0, 0, "debug verbose notice warning"},
    {"maxclients", Kind::kInt, true, "10000", 1, 1000000, nullptr},
    {"maxmemory", Kind::kMemory, true, "0", 0, kMaxInt, nullptr},
    {"maxmemory-policy", Kind::kEnum, true, "noeviction", 0, 0,
     "noeviction allkeys-lru volatile-lru allkeys-lfu volatile-lfu allkeys-random "
     "volatile-random volatile-ttl"},
    {"maxmemory-samples", Kind::kInt, true, "5", 1, 64, nullptr},
    {"metrics-port", Kind::kInt, false, "0", 0, 65535, nullptr},  // 0: no HTTP endpoint
    {"notify-keyspace-events", Kind::kNotifyClasses, true, "", 0, 0, nullptr},
    {"port", Kind::kInt, false, "6379", 0, 65535, nullptr},
    {"protected-mode", Kind::kBool, true, "yes", 0, 0, nullptr},
    {"proto-max-bulk-len", Kind::kMemory, true, "512mb", 1024 * 1024, kMaxInt, nullptr},
    {"requirepass", Kind::kString, true, "", 0, 0, nullptr},
    {"save", Kind::kString, true, "", 0, 0, nullptr},
    {"set-max-intset-entries", Kind::kInt, true, "512", 0, INT32_MAX, nullptr},
    {"shards", Kind::kInt, false, "16", 1, 64, nullptr},
    {"shutdown-timeout", Kind::kInt, true, "10", 0, 3600, nullptr},  // seconds to drain replies
    {"tcp-keepalive", Kind::kInt, true, "300", 0, INT32_MAX, nullptr},
    {"threads", Kind::kInt, false, "0", 1, 128, nullptr},  // default: the core count
    {"timeout", Kind::kInt, true, "0", 0, INT32_MAX, nullptr},
    {"zset-max-listpack-entries", Kind::kInt, true, "128", 0, INT32_MAX, nullptr},
    {"zset-max-listpack-value", Kind::kInt, true, "64", 0, INT32_MAX, nullptr},
};

// Redis 7.0 still accepts the settings' names from before listpacks.
constexpr std::pair<const char*, const char*> kAliases[] = {
    {"hash-max-ziplist-entries", "hash-max-listpack-entries"},
    {"hash-max-ziplist-value", "hash-max-listpack-value"},
    {"list-max-ziplist-size", "list-max-listpack-size"},
    {"zset-max-ziplist-entries", "zset-max-listpack-entries"},
    {"zset-max-ziplist-value", "zset-max-listpack-value"},
};

bool NameIs(std::string_view name, std::string_view lower) {
  return name.size() == lower.size() &&
         std::equal(name.begin(), name.end(), lower.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == b;
         });
}

const SettingSpec* FindSpec(std::string_view name) {
  for (const SettingSpec& spec : kSettings) {
    if (NameIs(name, spec.name)) return &spec;
  }
  for (const auto& [alias, target] : kAliases) {
    if (NameIs(name, alias)) return FindSpec(target);
  }
  return nullptr;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// client-output-buffer-limit: "<class> <hard> <soft> <soft-seconds>" groups
// for the classes normal, replica (or slave) and pubsub, stored for all three
// as Redis prints them ("slave" for replica); only normal applies here.
constexpr const char* kOutputClasses[] = {"normal", "slave", "pubsub"};

struct OutputLimitGroups {
  bool given[3] = {false, false, false};
  int64_t hard[3] = {0, 0, 0};
  int64_t soft[3] = {0, 0, 0};
  int64_t seconds[3] = {0, 0, 0};
};

bool ParseOutputLimits(std::string_view value, OutputLimitGroups* out, std::string* error) {
  std::vector<std::string> words;
  if (!SplitInlineArgs(value, &words) || words.empty() || words.size() % 4 != 0) {
    *error = "Wrong number of arguments in buffer limit configuration.";
    return false;
  }
  for (size_t i = 0; i < words.size(); i += 4) {
    std::string name = Lower(words[i]);
    int which = name == "normal"                         ? 0
                : (name == "replica" || name == "slave") ? 1
                : name == "pubsub"                       ? 2
                                                         : -1;
    if (which < 0) {
      *error = "Invalid client class specified in buffer limit configuration.";
      return false;
    }
    int64_t hard = 0, soft = 0, seconds = 0;
    if (!ParseMemorySize(words[i + 1], &hard) || !ParseMemorySize(words[i + 2], &soft) ||
        !ParseInt64(words[i + 3], &seconds) || hard < 0 || soft < 0 || seconds < 0) {
      *error = "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
      return false;
    }
    out->given[which] = true;
    out->hard[which] = hard;
    out->soft[which] = soft;
    out->seconds[which] = seconds;
  }
  return true;
}

std::string FormatOutputLimits(const OutputLimitGroups& groups) {
  std::string text;
  for (int i = 0; i < 3; ++i) {
    if (!text.empty()) text += ' ';
    text += std::string(kOutputClasses[i]) + " " + std::to_string(groups.hard[i]) + " " +
            std::to_string(groups.soft[i]) + " " + std::to_string(groups.seconds[i]);
  }
  return text;
}

// Checks `value` against `spec`; on success `*canonical` is the stored form.
bool Validate(const SettingSpec& spec, std::string_view value, std::string* canonical,
              std::string* error) {
  switch (spec.kind) {
    case Kind::kInt: {
      int64_t n = 0;
      if (!ParseInt64(value, &n)) {
        *error = "argument couldn't be parsed into an integer";
        return false;
      }
      if (n < spec.min || n > spec.max) {
        *error = "argument must be between " + std::to_string(spec.min) + " and " +
                 std::to_string(spec.max) + " inclusive";
        return false;
      }
      *canonical = std::to_string(n);
      return true;
    }
    case Kind::kMemory: {
      int64_t n = 0;
      if (!ParseMemorySize(value, &n)) {
        *error = "argument must be a memory value";
        return false;
      }
      if (n < spec.min || n > spec.max) {
        *error = "argument must be a memory value between " + std::to_string(spec.min) + " and " +
                 std::to_string(spec.max) + " bytes";
        return false;
      }
      *canonical = std::to_string(n);
      return true;
    }
    case Kind::kBool: {
      std::string v = Lower(value);
      if (v != "yes" && v != "no") {
        *error = "argument must be 'yes' or 'no'";
        return false;
      }
      *canonical = v;
      return true;
    }
    case Kind::kEnum: {
      std::string v = Lower(value);
      std::string_view choices = spec.choices;
      size_t start = 0;
      while (start < choices.size()) {
        size_t end = choices.find(' ', start);
        if (end == std::string_view::npos) end = choices.size();
        if (choices.substr(start, end - start) == v) {
          *canonical = v;
          return true;
        }
        start = end + 1;
      }
      std::string list(spec.choices);
      for (size_t at = list.find(' '); at != std::string::npos; at = list.find(' ', at + 2)) {
        list.replace(at, 1, ", ");
      }
      *error = "argument(s) must be one of the following: " + list;
      return false;
    }
    case Kind::kString:
      *canonical = std::string(value);
      return true;
    case Kind::kNotifyClasses: {
      uint32_t flags = 0;
      if (!ParseNotifyClasses(value, &flags)) {
        *error = "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";
        return false;
      }
      *canonical = FormatNotifyClasses(flags);
      return true;
    }
    case Kind::kOutputLimit: {
      // Classes not named keep their values: Config::Set merges; here the
      // canonical form carries only what was given.
      OutputLimitGroups groups;
      if (!ParseOutputLimits(value, &groups, error)) return false;
      *canonical = std::string(value);
      return true;
    }
  }
  return false;
}

}  // namespace

Config::Config() {
  lockgraph::MutexLock lock(mu_);
  for (const SettingSpec& spec : kSettings) {
    // Defaults go through the same validation, so "1gb" is stored as bytes.
    std::string canonical = spec.default_value, error;
    if (spec.kind == Kind::kOutputLimit) {
      OutputLimitGroups groups;
      ParseOutputLimits(spec.default_value, &groups, &error);
      canonical = FormatOutputLimits(groups);
    } else if (spec.kind != Kind::kInt || std::string_view(spec.name) != "threads") {
      Validate(spec, spec.default_value, &canonical, &error);
    }
    values_[spec.name] = canonical;
  }
  unsigned cores = std::thread::hardware_concurrency();
  values_["threads"] = std::to_string(std::clamp(cores == 0 ? 1u : cores, 1u, 128u));
  for (const SettingSpec& spec : kSettings) MirrorLocked(spec.name);
}

void Config::MirrorLocked(const std::string& name) {
  const std::string& value = values_[name];
  if (name == "proto-max-bulk-len") {
    proto_max_bulk_len_.store(std::stoll(value), std::memory_order_relaxed);
  } else if (name == "client-query-buffer-limit") {
    client_query_buffer_limit_.store(std::stoll(value), std::memory_order_relaxed);
  } else if (name == "hz") {
    hz_.store(std::stoi(value), std::memory_order_relaxed);
  } else if (name == "requirepass") {
    requires_password_.store(!value.empty(), std::memory_order_relaxed);
  } else if (name == "notify-keyspace-events") {
    uint32_t flags = 0;
    ParseNotifyClasses(value, &flags);
    notify_keyspace_events_.store(flags, std::memory_order_relaxed);
  } else if (name == "maxmemory") {
    maxmemory_.store(std::stoll(value), std::memory_order_relaxed);
  } else if (name == "maxmemory-policy") {
    EvictionPolicy policy = EvictionPolicy::kNoEviction;
    ParseEvictionPolicy(value, &policy);
    maxmemory_policy_.store(policy, std::memory_order_relaxed);
  } else if (name == "maxmemory-samples") {
    maxmemory_samples_.store(std::stoi(value), std::memory_order_relaxed);
  } else if (name == "hash-max-listpack-entries") {
    hash_max_listpack_entries_.store(std::stoll(value), std::memory_order_relaxed);
  } else if (name == "hash-max-listpack-value") {
    hash_max_listpack_value_.store(std::stoll(value), std::memory_order_relaxed);
  } else if (name == "set-max-intset-entries") {
    set_max_intset_entries_.store(std::stoll(value), std::memory_order_relaxed);
  } else if (name == "zset-max-listpack-entries") {
    zset_max_listpack_entries_.store(std::stoll(value), std::memory_order_relaxed);
  } else if (name == "zset-max-listpack-value") {
    zset_max_listpack_value_.store(std::stoll(value), std::memory_order_relaxed);
  } else if (name == "list-max-listpack-size") {
    list_max_listpack_size_.store(std::stoll(value), std::memory_order_relaxed);
  } else if (name == "lfu-log-factor") {
    lfu_log_factor_.store(std::stoll(value), std::memory_order_relaxed);
  } else if (name == "lfu-decay-time") {
    lfu_decay_time_.store(std::stoll(value), std::memory_order_relaxed);
  } else if (name == "client-output-buffer-limit") {
    OutputLimitGroups groups;
    std::string ignored;
    ParseOutputLimits(value, &groups, &ignored);
    for (int c = 0; c < 3; ++c) {
      output_hard_limit_[c].store(groups.hard[c], std::memory_order_relaxed);
      output_soft_limit_[c].store(groups.soft[c], std::memory_order_relaxed);
      output_soft_seconds_[c].store(groups.seconds[c], std::memory_order_relaxed);
    }
  } else if (name == "maxclients") {
    maxclients_.store(std::stoll(value), std::memory_order_relaxed);
  } else if (name == "timeout") {
    timeout_.store(std::stoll(value), std::memory_order_relaxed);
  } else if (name == "tcp-keepalive") {
    tcp_keepalive_.store(std::stoll(value), std::memory_order_relaxed);
  } else if (name == "protected-mode") {
    protected_mode_.store(value == "yes", std::memory_order_relaxed);
  } else if (name == "loglevel") {
    LogLevel level = value == "debug"     ? LogLevel::kDebug
                     : value == "verbose" ? LogLevel::kVerbose
                     : value == "warning" ? LogLevel::kWarning
                                          : LogLevel::kNotice;
    loglevel_.store(level, std::memory_order_relaxed);
  }
}

bool Config::Set(std::string_view name, std::string_view value, bool at_runtime,
                 std::string* error) {
  const SettingSpec* spec = FindSpec(name);
  if (spec == nullptr) {
    *error = "unknown setting '" + std::string(name) + "'";
    return false;
  }
  if (at_runtime && !spec->runtime) {
    *error = "can't set immutable config";
    return false;
  }
  std::string canonical;
  if (!Validate(*spec, value, &canonical, error)) return false;
  if (at_runtime && !RunRuntimeCheck(spec->name, canonical, error)) return false;
  lockgraph::MutexLock lock(mu_);
  if (spec->kind == Kind::kOutputLimit) {
    // Redis semantics: the classes given replace theirs, the others stay.
    OutputLimitGroups merged, given;
    ParseOutputLimits(values_[spec->name], &merged, error);
    ParseOutputLimits(canonical, &given, error);
    for (int i = 0; i < 3; ++i) {
      if (!given.given[i]) continue;
      merged.hard[i] = given.hard[i];
      merged.soft[i] = given.soft[i];
      merged.seconds[i] = given.seconds[i];
    }
    canonical = FormatOutputLimits(merged);
  }
  values_[spec->name] = std::move(canonical);
  MirrorLocked(spec->name);
  return true;
}

bool Config::Check(std::string_view name, std::string_view value, bool at_runtime,
                   std::string* error) const {
  const SettingSpec* spec = FindSpec(name);
  if (spec == nullptr) {
    *error = "unknown setting '" + std::string(name) + "'";
    return false;
  }
  if (at_runtime && !spec->runtime) {
    *error = "can't set immutable config";
    return false;
  }
  std::string canonical;
  if (!Validate(*spec, value, &canonical, error)) return false;
  return !at_runtime || RunRuntimeCheck(spec->name, canonical, error);
}

void Config::SetRuntimeCheck(std::string_view name, RuntimeCheck check) {
  const SettingSpec* spec = FindSpec(name);
  if (spec == nullptr) return;
  lockgraph::MutexLock lock(mu_);
  runtime_checks_[spec->name] = std::move(check);
}

bool Config::RunRuntimeCheck(const char* name, const std::string& value, std::string* error) const {
  RuntimeCheck check;
  {
    lockgraph::ReaderLock lock(mu_);
    auto it = runtime_checks_.find(name);
    if (it == runtime_checks_.end()) return true;
    check = it->second;
  }
  return check(value, error);
}

bool Config::Get(std::string_view name, std::string* value) const {
  const SettingSpec* spec = FindSpec(name);
  if (spec == nullptr) return false;
  lockgraph::ReaderLock lock(mu_);
  *value = values_.find(spec->name)->second;
  return true;
}

std::vector<std::pair<std::string, std::string>> Config::Match(std::string_view pattern) const {
  std::vector<std::pair<std::string, std::string>> out;
  lockgraph::ReaderLock lock(mu_);
  for (const auto& [name, value] : values_) {
    if (GlobMatch(pattern, name, /*nocase=*/true)) out.emplace_back(name, value);
  }
  // The old names answer too, as in Redis: clients save and restore them.
  for (const auto& [alias, target] : kAliases) {
    auto it = values_.find(target);
    if (it != values_.end() && GlobMatch(pattern, alias, /*nocase=*/true)) {
      out.emplace_back(alias, it->second);
    }
  }
  return out;
}

int64_t Config::GetInt(std::string_view name) const {
  std::string value;
  if (!Get(name, &value)) return 0;
  int64_t n = 0;
  ParseInt64(value, &n);
  return n;
}

std::string Config::GetString(std::string_view name) const {
  std::string value;
  Get(name, &value);
  return value;
}

bool Config::LoadFile(const std::string& path, std::string* error) {
  std::ifstream in(path);
  if (!in) {
    *error = "can't open config file '" + path + "'";
    return false;
  }
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    // A comment is skipped before it is split, as Redis does: its text may
    // hold anything, an apostrophe included.
    const size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    std::vector<std::string> words;
    if (!SplitInlineArgs(line, &words)) {
      *error = path + ":" + std::to_string(number) + ": unbalanced quotes";
      return false;
    }
    if (words.empty() || words[0][0] == '#') continue;
    if (words.size() > 2 && FindSpec(words[0]) != nullptr &&
        FindSpec(words[0])->kind == Kind::kOutputLimit) {
      // `client-output-buffer-limit normal 0 0 0 ...`: the groups are one value.
      for (size_t i = 2; i < words.size(); ++i) words[1] += " " + words[i];
      words.resize(2);
    }
    if (words.size() != 2 && !(words.size() == 1 && FindSpec(words[0]) != nullptr &&
                               FindSpec(words[0])->kind == Kind::kString)) {
      *error = path + ":" + std::to_string(number) + ": expected 'name value', got '" + line + "'";
      return false;
    }
    std::string why;
    if (!Set(words[0], words.size() == 2 ? words[1] : "", false, &why)) {
      *error = path + ":" + std::to_string(number) + ": " +
               (FindSpec(words[0]) == nullptr ? why : "bad value for '" + words[0] + "': " + why);
      return false;
    }
  }
  return true;
}

bool Config::ParseArgs(int argc, char** argv, std::string* error) {
  int i = 1;
  // A config file comes first, so that command-line settings override it.
  if (i < argc && std::string_view(argv[i]).substr(0, 2) != "--") {
    if (!LoadFile(argv[i], error)) return false;
    ++i;
  }
  for (int j = i; j + 1 < argc; ++j) {
    if (std::string_view(argv[j]) == "--config") {
      if (!LoadFile(argv[j + 1], error)) return false;
    }
  }
  for (; i < argc; i += 2) {
    std::string_view arg = argv[i];
    if (arg.substr(0, 2) != "--" || arg.size() == 2) {
      *error = "unexpected argument '" + std::string(arg) + "' (settings are --name value)";
      return false;
    }
    std::string_view name = arg.substr(2);
    if (i + 1 >= argc) {
      *error = "option '" + std::string(arg) + "' needs a value";
      return false;
    }
    if (name == "config") continue;
    std::string why;
    if (!Set(name, argv[i + 1], false, &why)) {
      if (FindSpec(name) == nullptr) {
        *error = "unknown option '" + std::string(arg) + "' (see --help)";
      } else {
        *error =
            "bad value '" + std::string(argv[i + 1]) + "' for " + std::string(arg) + ": " + why;
      }
      return false;
    }
  }
  return true;
}

}  // namespace cacheforge
