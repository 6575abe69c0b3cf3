// Addresses as text: `0x` and lower-case hex digits, as gdb prints them.
#ifndef LOCKGRAPH_ANALYZER_SRC_HEX_H_
#define LOCKGRAPH_ANALYZER_SRC_HEX_H_

#include <cstdint>
#include <cstdio>
#include <string>

namespace lockgraph::analyzer {

inline std::string Hex(uint64_t value) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(value));
  return buf;
}

}  // namespace lockgraph::analyzer

#endif  // LOCKGRAPH_ANALYZER_SRC_HEX_H_
