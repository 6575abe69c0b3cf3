// What a pasted line says once the paste's own decoration is taken off.
// People paste thread dumps into issue trackers, chats and mail: quoted
// (`> `, `>> `), inside markdown code fences or indented as code blocks,
// with gdb's `(gdb) ` prompt and the command they typed, with CRLF endings.
// UnwrapPasteLine removes that decoration and reports it, so the line
// grammar only ever sees what gdb, eu-stack or pstack printed.
//
//   input line                               text                   indent  command
//   `> #0  f () at x.c:1`                    `#0  f () at x.c:1`    0
//   `>     __ret = -512`                     `__ret = -512`         4
//   `    Thread 2 (LWP 7):`  (code block)    `Thread 2 (LWP 7):`    4
//   `(gdb) thread 3`                         ``                     0       `thread 3`
//   `> (gdb) p *mutex`                       ``                     0       `p *mutex`
//   ```` ```text ````                        fence
#ifndef LOCKGRAPH_ANALYZER_SRC_PASTE_LINE_H_
#define LOCKGRAPH_ANALYZER_SRC_PASTE_LINE_H_

#include <string_view>

namespace lockgraph::analyzer {

struct PasteLine {
  std::string_view text;     // without quoting, indentation, prompt or CR
  int indent = 0;            // columns of indentation after the quoting (a tab counts 8)
  bool prompt = false;       // the line was a `(gdb) ` prompt
  std::string_view command;  // what followed the prompt (trimmed), possibly empty
  bool fence = false;        // a markdown code fence (```` ``` ```` or `~~~`), nothing else
};

PasteLine UnwrapPasteLine(std::string_view line);

}  // namespace lockgraph::analyzer

#endif  // LOCKGRAPH_ANALYZER_SRC_PASTE_LINE_H_
