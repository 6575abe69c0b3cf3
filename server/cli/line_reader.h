// server/cli/line_reader.h
// -----------------------------------------------------------------------------
// Where cacheforge-cli's interactive mode gets its lines: with a terminal and
// libedit, a prompt with line editing and history (kept in
// ~/.cacheforge_cli_history, like redis-cli's ~/.rediscli_history); otherwise
// plain lines from standard input, so scripts can pipe commands in.
#ifndef CACHEFORGE_CLI_LINE_READER_H_
#define CACHEFORGE_CLI_LINE_READER_H_

#include <string>

namespace cacheforge {

class LineReader {
 public:
  explicit LineReader(std::string prompt);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // The next line without its newline; false at end of input.
  bool Next(std::string* line);

 private:
  std::string prompt_;
  bool interactive_;
  std::string history_path_;
};

}  // namespace cacheforge

#endif  // CACHEFORGE_CLI_LINE_READER_H_
