// server/commands/bitmap_family.h
// -----------------------------------------------------------------------------
// Bit commands on strings: SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD
// BITFIELD_RO.
#ifndef CACHEFORGE_COMMANDS_BITMAP_FAMILY_H_
#define CACHEFORGE_COMMANDS_BITMAP_FAMILY_H_

#include "commands/command.h"

namespace cacheforge {

Reply SetBitCommand(CommandContext& ctx);
Reply GetBitCommand(CommandContext& ctx);
Reply BitCountCommand(CommandContext& ctx);
Reply BitPosCommand(CommandContext& ctx);
Reply BitOpCommand(CommandContext& ctx);
Reply BitFieldCommand(CommandContext& ctx);
Reply BitFieldRoCommand(CommandContext& ctx);

}  // namespace cacheforge

#endif  // CACHEFORGE_COMMANDS_BITMAP_FAMILY_H_
