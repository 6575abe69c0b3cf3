// server/cli/line_reader.cc
// -----------------------------------------------------------------------------
// Interactive input: libedit when built with it and on a terminal.
#include "cli/line_reader.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#if CACHEFORGE_HAVE_LIBEDIT
#include <editline/readline.h>
#endif

namespace cacheforge {

LineReader::LineReader(std::string prompt)
    : prompt_(std::move(prompt)), interactive_(isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
#if CACHEFORGE_HAVE_LIBEDIT
  if (interactive_) {
    if (const char* home = std::getenv("HOME")) {
      history_path_ = std::string(home) + "/.cacheforge_cli_history";
      read_history(history_path_.c_str());
    }
  }
#endif
}

LineReader::~LineReader() {
#if CACHEFORGE_HAVE_LIBEDIT
  if (interactive_ && !history_path_.empty()) write_history(history_path_.c_str());
#endif
}

bool LineReader::Next(std::string* line) {
#if CACHEFORGE_HAVE_LIBEDIT
  if (interactive_) {
    char* text = readline(prompt_.c_str());
    if (text == nullptr) return false;
    line->assign(text);
    if (!line->empty()) add_history(text);
    std::free(text);
    return true;
  }
#endif
  if (interactive_) {
    std::fputs(prompt_.c_str(), stdout);
    std::fflush(stdout);
  }
  return static_cast<bool>(std::getline(std::cin, *line));
}

}  // namespace cacheforge
