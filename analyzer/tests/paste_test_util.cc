// See paste_test_util.h.
#include "paste_test_util.h"

namespace lockgraph::analyzer::testing {

int ThreadWith(const Analysis& a, std::string_view role) {
  int found = -1;
  for (int i = 0; i < static_cast<int>(a.dump.threads.size()); ++i) {
    for (const Frame& f : a.dump.threads[i].frames) {
      const std::string text = f.function + " (" + f.args_text + ")";
      if (text.find(role) == std::string::npos) continue;
      if (found >= 0 && found != i) return -1;
      found = i;
      break;
    }
  }
  return found;
}

std::string FunctionsKey(const Thread& t) {
  std::string key = "frames:";
  for (const Frame& f : t.frames) key += f.function + "|";
  return key;
}

std::string ThreadKey(const Thread& t) {
  return t.lwp != 0 ? "LWP " + std::to_string(t.lwp) : FunctionsKey(t);
}

}  // namespace lockgraph::analyzer::testing
