// Reads a thread dump from a file, a directory entry or stdin and parses it
// while streaming: plain text, or gzip-compressed (detected by its magic
// bytes, whatever the file is called), since dumps attached to tickets often
// are. Memory stays proportional to the parsed dump, never to the file.
#ifndef LOCKGRAPH_ANALYZER_SRC_DUMP_READER_H_
#define LOCKGRAPH_ANALYZER_SRC_DUMP_READER_H_

#include <string>

#include "dump.h"

namespace lockgraph::analyzer {

// `path` "-" is stdin. `source` names the dump in messages and reports
// (empty: `path`). False with a message (naming the file, and for corrupt
// gzip data the offset) when it cannot be read or parsed; see DumpParser.
bool ReadDumpFile(const std::string& path, const std::string& source, Dump* dump,
                  std::string* error);

}  // namespace lockgraph::analyzer

#endif  // LOCKGRAPH_ANALYZER_SRC_DUMP_READER_H_
