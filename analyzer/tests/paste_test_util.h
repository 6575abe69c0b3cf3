// Helpers for the tests of pasted dumps: find a thread by what its stack
// shows rather than by its number, so expectations say which thread of the
// program plays which part.
#ifndef LOCKGRAPH_ANALYZER_TESTS_PASTE_TEST_UTIL_H_
#define LOCKGRAPH_ANALYZER_TESTS_PASTE_TEST_UTIL_H_

#include <string>
#include <string_view>

#include "analysis.h"

namespace lockgraph::analyzer::testing {

// The one thread with a frame whose `function (args)` contains `role`
// (`FirstThenSecond`, `<second>`); -1 when none or several have one.
int ThreadWith(const Analysis& a, std::string_view role);

// A key for a thread that two dumps of the same process agree on: its LWP,
// or, when the paste does not say it, its functions innermost first.
std::string ThreadKey(const Thread& t);
std::string FunctionsKey(const Thread& t);

}  // namespace lockgraph::analyzer::testing

#endif  // LOCKGRAPH_ANALYZER_TESTS_PASTE_TEST_UTIL_H_
