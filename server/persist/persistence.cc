// server/persist/persistence.cc
// -----------------------------------------------------------------------------
// Settings → AppendOnlyFile.
#include "persist/persistence.h"

#include "base/log.h"
#include "util/strings.h"

namespace cacheforge {

AppendOnlyFile::Settings AofSettingsFrom(const Config& config) {
  AppendOnlyFile::Settings settings;
  ParseFsyncPolicy(config.GetString("appendfsync"), &settings.fsync);
  settings.rewrite_percentage = static_cast<int>(config.GetInt("auto-aof-rewrite-percentage"));
  settings.rewrite_min_size = config.GetInt("auto-aof-rewrite-min-size");
  return settings;
}

bool IsPersistenceSetting(std::string_view name) {
  return EqualsIgnoreCase(name, "appendonly") || EqualsIgnoreCase(name, "appendfsync") ||
         EqualsIgnoreCase(name, "auto-aof-rewrite-percentage") ||
         EqualsIgnoreCase(name, "auto-aof-rewrite-min-size");
}

bool ApplyPersistenceConfig(Server& server, std::string* error) {
  AppendOnlyFile* aof = server.aof();
  if (aof == nullptr) return true;
  Config& config = server.config();
  AppendOnlyFile::Settings settings = AofSettingsFrom(config);
  bool want = config.GetString("appendonly") == "yes";
  if (want && !aof->enabled()) {
    std::string why;
    if (!aof->Enable(settings, &why)) {
      std::string ignored;
      config.Set("appendonly", "no", true, &ignored);
      *error = why;
      return false;
    }
    Log(LogLevel::kNotice, "AOF enabled: writing the current data to %s", aof->path().c_str());
  } else if (!want && aof->enabled()) {
    aof->Disable();
    Log(LogLevel::kNotice, "AOF disabled");
  }
  aof->UpdateSettings(settings);
  return true;
}

}  // namespace cacheforge
