// server/cli/reply_reader.h
// -----------------------------------------------------------------------------
// Reads RESP2 and RESP3 replies from a blocking socket for cacheforge-cli.
#ifndef CACHEFORGE_CLI_REPLY_READER_H_
#define CACHEFORGE_CLI_REPLY_READER_H_

#include <string>

#include "commands/reply.h"

namespace cacheforge {

class ReplyReader {
 public:
  explicit ReplyReader(int fd) : fd_(fd) {}

  // Reads one whole reply. False when the connection closed or sent something
  // that is not RESP; `*error` says which. RESP3 attributes are skipped.
  bool Read(Reply* reply, std::string* error);

 private:
  bool ReadLine(std::string* line, std::string* error);
  bool ReadExact(size_t n, std::string* out, std::string* error);
  bool Fill(std::string* error);
  bool ReadValue(Reply* reply, int depth, std::string* error);

  int fd_;
  std::string buffer_;
  size_t pos_ = 0;
};

}  // namespace cacheforge

#endif  // CACHEFORGE_CLI_REPLY_READER_H_
