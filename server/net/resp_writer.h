// server/net/resp_writer.h
// -----------------------------------------------------------------------------
// Encodes replies as RESP2 into a connection's output buffer.
#ifndef CACHEFORGE_NET_RESP_WRITER_H_
#define CACHEFORGE_NET_RESP_WRITER_H_

#include <string>
#include <string_view>

#include "commands/reply.h"

namespace cacheforge {

// Appends `reply` in RESP2 to `out`. Error text loses any CR/LF, which RESP
// cannot carry in a simple line.
void AppendReply(const Reply& reply, std::string* out);

void AppendError(std::string_view text, std::string* out);

}  // namespace cacheforge

#endif  // CACHEFORGE_NET_RESP_WRITER_H_
