// server/net/resp_writer.h
// -----------------------------------------------------------------------------
// Encodes replies into a connection's output buffer, in RESP2 or RESP3 (the
// protocol a client chose with HELLO; 2 until it does).
#ifndef CACHEFORGE_NET_RESP_WRITER_H_
#define CACHEFORGE_NET_RESP_WRITER_H_

#include <string>
#include <string_view>

#include "commands/reply.h"

namespace cacheforge {

// Appends `reply` to `out` in RESP`protocol` (2 or 3). RESP2 gets Redis's
// RESP2 shape of the RESP3-only types (reply.h). Error and status text loses
// any CR/LF, which RESP cannot carry in a simple line.
void AppendReply(const Reply& reply, int protocol, std::string* out);
inline void AppendReply(const Reply& reply, std::string* out) { AppendReply(reply, 2, out); }

void AppendError(std::string_view text, std::string* out);

}  // namespace cacheforge

#endif  // CACHEFORGE_NET_RESP_WRITER_H_
