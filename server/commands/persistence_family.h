// server/commands/persistence_family.h
// -----------------------------------------------------------------------------
// Commands that act on the append-only file.
#ifndef CACHEFORGE_COMMANDS_PERSISTENCE_FAMILY_H_
#define CACHEFORGE_COMMANDS_PERSISTENCE_FAMILY_H_

#include "commands/command.h"

namespace cacheforge {

Reply BgRewriteAofCommand(CommandContext& ctx);

}  // namespace cacheforge

#endif  // CACHEFORGE_COMMANDS_PERSISTENCE_FAMILY_H_
