// What the three files of the dump parser share (dump_parser.cc: lines,
// threads and frames; dump_parser_session.cc: gdb commands, selections and
// printed values; dump_parser_finish.cc: the end of the input). Not part of
// the parser's interface.
#ifndef LOCKGRAPH_ANALYZER_SRC_DUMP_PARSER_INTERNAL_H_
#define LOCKGRAPH_ANALYZER_SRC_DUMP_PARSER_INTERNAL_H_

#include <string>

#include "dump.h"

namespace lockgraph::analyzer::parser_internal {

// The same frame printed twice (a `bt` after `thread N`, `frame 3`, `bt
// full` after `bt`): same function, same arguments, except where one of the
// two lines was cut short. Two threads in one function differ in arguments.
inline bool SameFrame(const Frame& a, const Frame& b) {
  if (a.pc && b.pc && *a.pc != *b.pc) return false;
  if (a.function != b.function) return false;
  if (a.cut || b.cut) {
    const std::string& shorter =
        a.args_text.size() < b.args_text.size() ? a.args_text : b.args_text;
    const std::string& longer = a.args_text.size() < b.args_text.size() ? b.args_text : a.args_text;
    return longer.compare(0, shorter.size(), shorter) == 0;
  }
  return a.args_text == b.args_text;
}

}  // namespace lockgraph::analyzer::parser_internal

#endif  // LOCKGRAPH_ANALYZER_SRC_DUMP_PARSER_INTERNAL_H_
