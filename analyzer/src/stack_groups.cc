// Stack grouping; see stack_groups.h.
#include "stack_groups.h"

#include <algorithm>
#include <string>
#include <unordered_map>

namespace lockgraph::analyzer {

std::vector<StackGroup> GroupStacks(const Dump& dump) {
  std::unordered_map<std::string, int> index;
  std::vector<StackGroup> groups;
  std::string key;
  for (int i = 0; i < static_cast<int>(dump.threads.size()); ++i) {
    key.clear();
    for (const Frame& f : dump.threads[i].frames) {
      // The version suffix eu-stack prints (`@GLIBC_2.2.5`) and whether
      // inline frames were expanded do not make stacks different to a reader,
      // but we keep the key exact: grouping must never merge distinct code.
      key += f.function;
      key += '\t';
      key += f.file;
      key += ':';
      key += std::to_string(f.line);
      key += '\t';
      key += f.library;
      key += '\n';
    }
    auto [it, inserted] = index.emplace(key, static_cast<int>(groups.size()));
    if (inserted) groups.emplace_back();
    groups[it->second].threads.push_back(i);
  }
  std::stable_sort(groups.begin(), groups.end(), [](const StackGroup& a, const StackGroup& b) {
    return a.threads.size() > b.threads.size();
  });
  return groups;
}

}  // namespace lockgraph::analyzer
