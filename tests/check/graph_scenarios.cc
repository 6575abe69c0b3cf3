// Processes that leave one kind of graph file each, for graph_schema_test.py
// to validate against the schema. Run with LOCKGRAPH_OPTIONS=graph_out=PATH:
//
//   graph_scenarios empty       no nested locks: no classes, no edges
//   graph_scenarios cycle       an inversion: a cycle and its report
//   graph_scenarios profile     contention and long holds (with profile=1,
//                               hold_warn_ms=1): the profile, long-hold reports
//   graph_scenarios many        hundreds of classes; every combination of
//                               exclusive and shared modes on one edge
//   graph_scenarios same_class  ranked and unranked nesting within a class,
//                               and a rank violation
//   graph_scenarios odd_names   names that need escaping, and bytes that are
//                               not UTF-8
#include <pthread.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "lockgraph/mutex.h"

namespace {

using lockgraph::LockOptions;
using lockgraph::Mutex;
using lockgraph::MutexLock;
using lockgraph::ReaderLock;
using lockgraph::SharedMutex;

void Empty() {
  Mutex alone{"scenario.alone"};
  MutexLock hold(alone);
}

void Cycle() {
  Mutex first{"scenario.first"}, second{"scenario.second"};
  {
    MutexLock a(first);
    MutexLock b(second);
  }
  MutexLock b(second);
  MutexLock a(first);
}

void Profile() {
  Mutex outer{"scenario.outer"}, contended{"scenario.contended"};
  auto work = [&] {
    pthread_setname_np(pthread_self(), "scenario-worker");
    for (int i = 0; i < 200; ++i) {
      MutexLock o(outer);
      MutexLock c(contended);
    }
  };
  std::thread t1(work), t2(work);
  t1.join();
  t2.join();
  // Longer than hold_warn_ms=1: a long-hold report.
  MutexLock c(contended);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

void Many() {
  // Lock names must outlive the locks.
  static std::vector<std::string> names;
  for (int i = 0; i < 300; ++i) names.push_back("scenario.many." + std::to_string(i));
  std::vector<std::unique_ptr<Mutex>> locks;
  for (const std::string& name : names) locks.push_back(std::make_unique<Mutex>(name.c_str()));
  for (size_t i = 0; i + 1 < locks.size(); ++i) {
    MutexLock a(*locks[i]);
    MutexLock b(*locks[i + 1]);
  }
  SharedMutex table{"scenario.table"}, index{"scenario.index"};
  {
    MutexLock w(table);
    MutexLock x(index);
  }
  {
    MutexLock w(table);
    ReaderLock r(index);
  }
  {
    ReaderLock r(table);
    MutexLock w(index);
  }
  ReaderLock r(table);
  ReaderLock s(index);
}

void SameClass() {
  Mutex low{"scenario.row", LockOptions{.rank = 1}}, high{"scenario.row", LockOptions{.rank = 2}};
  {
    MutexLock a(low);
    MutexLock b(high);
  }
  Mutex left{"scenario.unranked"}, right{"scenario.unranked"};
  {
    MutexLock a(left);
    MutexLock b(right);
  }
  // A class of its own, so that scenario.row's nesting stays ranked.
  Mutex first{"scenario.misordered", LockOptions{.rank = 1}},
      second{"scenario.misordered", LockOptions{.rank = 2}};
  MutexLock b(second);
  MutexLock a(first);
}

void OddNames() {
  Mutex quoted{"scenario \"quoted\" \\ back\\slash"}, control{"scenario\nline\ttab\x01\x7f"},
      latin1{"scenario caf\xe9 \xff\xfe"},
      unicode{"scenario \xd0\xba\xd0\xbb\xd1\x8e\xd1\x87 \xf0\x9f\x94\x92"};
  MutexLock a(quoted);
  MutexLock b(control);
  MutexLock c(latin1);
  MutexLock d(unicode);
}

struct Scenario {
  const char* name;
  void (*run)();
};

constexpr Scenario kScenarios[] = {{"empty", Empty},          {"cycle", Cycle},
                                   {"profile", Profile},      {"many", Many},
                                   {"same_class", SameClass}, {"odd_names", OddNames}};

}  // namespace

int main(int argc, char** argv) {
  for (const Scenario& s : kScenarios) {
    if (argc == 2 && std::strcmp(argv[1], s.name) == 0) {
      s.run();
      return 0;
    }
  }
  std::fprintf(stderr, "usage: graph_scenarios empty|cycle|profile|many|same_class|odd_names\n");
  return 2;
}
