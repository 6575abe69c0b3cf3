// Where lockgraph's other installed files are, found from the running
// `lockgraph` binary, so that an installed tree and a build tree both work
// without configuration:
//
//   file                     installed (PREFIX/bin/lockgraph)   built (BUILD/analyzer/lockgraph)
//   lockgraph_gdb.py         PREFIX/share/lockgraph/            BUILD/share/lockgraph/ (a copy)
//   liblockgraph_preload.so  PREFIX/LIBDIR/ (or PREFIX/lib/)    BUILD/lockgraph/preload/
//   graph-file.schema.json   PREFIX/share/lockgraph/            BUILD/share/lockgraph/ (a copy)
//
// An environment variable overrides the first two: LOCKGRAPH_GDB_EXTENSION,
// LOCKGRAPH_PRELOAD_LIB. The schema is only named in messages.
#ifndef LOCKGRAPH_ANALYZER_SRC_INSTALL_PATHS_H_
#define LOCKGRAPH_ANALYZER_SRC_INSTALL_PATHS_H_

#include <string>
#include <vector>

namespace lockgraph::analyzer {

// The directory of the running binary, with a trailing '/'; empty when
// /proc/self/exe cannot be read.
std::string BinaryDirectory();

// The first readable file among the candidates; empty when none is. Every
// path tried is appended to `*looked_at` (optional) for the error message.
std::string FindGdbExtension(std::vector<std::string>* looked_at = nullptr);
std::string FindPreloadLibrary(std::vector<std::string>* looked_at = nullptr);
std::string FindGraphSchema();

}  // namespace lockgraph::analyzer

#endif  // LOCKGRAPH_ANALYZER_SRC_INSTALL_PATHS_H_
