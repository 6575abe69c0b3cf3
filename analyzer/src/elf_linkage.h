// How an executable is linked, read from its ELF headers: whether the
// dynamic loader runs for it (PT_INTERP), and the libraries it names
// (DT_NEEDED). `lockgraph preload` uses it to say why LD_PRELOAD cannot work
// for a statically linked program instead of letting the loader ignore it in
// silence. Reads the file only; never runs it.
#ifndef LOCKGRAPH_ANALYZER_SRC_ELF_LINKAGE_H_
#define LOCKGRAPH_ANALYZER_SRC_ELF_LINKAGE_H_

#include <string>
#include <vector>

namespace lockgraph::analyzer {

struct ElfLinkage {
  enum class Kind {
    kNotElf,   // a script or other file the kernel runs through an interpreter
    kStatic,   // no PT_INTERP: no dynamic loader, so no LD_PRELOAD (static and static-pie)
    kDynamic,  // PT_INTERP names the dynamic loader
  };
  Kind kind = Kind::kNotElf;
  std::string interpreter;          // PT_INTERP, e.g. /lib64/ld-linux-x86-64.so.2
  std::vector<std::string> needed;  // DT_NEEDED, in order
};

// Reads `path`'s ELF headers. False with a message when the file cannot be
// read or its headers are corrupt (offsets outside the file, no string table);
// a file that is not ELF at all is kNotElf and true. Handles 32- and 64-bit
// ELF in the host's byte order.
bool InspectElf(const std::string& path, ElfLinkage* linkage, std::string* error);

// True when one of `needed` is libc or libpthread (`libc.so.6`, `libpthread.so.0`,
// musl's `libc.so`): the program can take pthread locks through them.
bool NeedsLibcOrPthread(const std::vector<std::string>& needed);

}  // namespace lockgraph::analyzer

#endif  // LOCKGRAPH_ANALYZER_SRC_ELF_LINKAGE_H_
