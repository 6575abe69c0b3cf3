// Stack grouping; see stack_groups.h.
#include "stack_groups.h"

#include <algorithm>
#include <string>
#include <unordered_map>

namespace lockgraph::analyzer {

std::string StackKey(const Thread& thread) {
  std::string key;
  for (const Frame& f : thread.frames) {
    key += f.function;
    key += '\t';
    key += f.file;
    key += ':';
    key += std::to_string(f.line);
    key += '\t';
    key += f.library;
    key += '\n';
  }
  return key;
}

std::vector<StackGroup> GroupStacks(const Dump& dump) {
  std::unordered_map<std::string, int> index;
  std::vector<StackGroup> groups;
  for (int i = 0; i < static_cast<int>(dump.threads.size()); ++i) {
    auto [it, inserted] = index.emplace(StackKey(dump.threads[i]), static_cast<int>(groups.size()));
    if (inserted) groups.emplace_back();
    groups[it->second].threads.push_back(i);
  }
  std::stable_sort(groups.begin(), groups.end(), [](const StackGroup& a, const StackGroup& b) {
    return a.threads.size() > b.threads.size();
  });
  return groups;
}

}  // namespace lockgraph::analyzer
