// server/persist/persistence.h
// -----------------------------------------------------------------------------
// The persistence settings (appendonly, appendfsync, auto-aof-rewrite-*) as the
// AppendOnlyFile sees them, and applying a CONFIG SET of them to a running
// server: `appendonly yes` starts a rewrite that creates the file from the
// current data, `appendonly no` flushes and closes it.
#ifndef CACHEFORGE_PERSIST_PERSISTENCE_H_
#define CACHEFORGE_PERSIST_PERSISTENCE_H_

#include <string>
#include <string_view>

#include "base/config.h"
#include "base/server.h"
#include "persist/append_only_file.h"

namespace cacheforge {

AppendOnlyFile::Settings AofSettingsFrom(const Config& config);

// Whether CONFIG SET of `name` needs ApplyPersistenceConfig afterwards.
bool IsPersistenceSetting(std::string_view name);

// Brings the server's AOF in line with its settings. False with a reply text
// when `appendonly yes` cannot start (the setting is then set back to no).
bool ApplyPersistenceConfig(Server& server, std::string* error);

}  // namespace cacheforge

#endif  // CACHEFORGE_PERSIST_PERSISTENCE_H_
