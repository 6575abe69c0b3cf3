// server/tests/sort_test.cc
// -----------------------------------------------------------------------------
// SORT and SORT_RO through the real dispatcher: numeric and ALPHA order,
// ties broken by the element, DESC and LIMIT, BY and GET patterns (string
// keys and hash fields), BY without '*', STORE (a list, or the destination
// deleted), and Redis's errors.
#include "command_test_util.h"

namespace cacheforge {
namespace {

class SortTest : public CommandTest {
 protected:
  std::string Array(std::vector<std::string> items) {
    std::string out = "*" + std::to_string(items.size()) + "\r\n";
    for (const std::string& item : items) out += item == "<nil>" ? kNil : Bulk(item);
    return out;
  }
};

TEST_F(SortTest, NumbersAlphaDescAndLimit) {
  Run({"RPUSH", "l", "3", "10", "1", "2", "1.5"});
  EXPECT_EQ(Run({"SORT", "l"}), Array({"1", "1.5", "2", "3", "10"}));
  EXPECT_EQ(Run({"SORT", "l", "DESC"}), Array({"10", "3", "2", "1.5", "1"}));
  EXPECT_EQ(Run({"SORT", "l", "ALPHA"}), Array({"1", "1.5", "10", "2", "3"}));
  EXPECT_EQ(Run({"SORT", "l", "LIMIT", "1", "2"}), Array({"1.5", "2"}));
  EXPECT_EQ(Run({"SORT", "l", "LIMIT", "-5", "100"}), Array({"1", "1.5", "2", "3", "10"}));
  EXPECT_EQ(Run({"SORT", "l", "LIMIT", "9", "1"}), Array({}));
  EXPECT_EQ(Run({"SORT", "missing"}), Array({}));
  Run({"RPUSH", "words", "b", "a"});
  EXPECT_EQ(Run({"SORT", "words"}), Err("ERR One or more scores can't be converted into double"));
  // Equal numbers fall back to the elements' bytes: a deterministic order.
  Run({"RPUSH", "ties", "01", "1", "1.0"});
  EXPECT_EQ(Run({"SORT", "ties"}), Array({"01", "1", "1.0"}));
}

TEST_F(SortTest, ByAndGetPatterns) {
  Run({"RPUSH", "ids", "1", "2", "3"});
  Run({"MSET", "w_1", "30", "w_2", "10", "w_3", "20", "name_1", "one", "name_3", "three"});
  Run({"HSET", "u_1", "age", "7"});
  Run({"HSET", "u_2", "age", "9"});
  EXPECT_EQ(Run({"SORT", "ids", "BY", "w_*"}), Array({"2", "3", "1"}));
  EXPECT_EQ(Run({"SORT", "ids", "BY", "w_*", "GET", "#", "GET", "name_*"}),
            Array({"2", "<nil>", "3", "three", "1", "one"}));
  // A missing weight counts as 0; a hash field is named with ->.
  EXPECT_EQ(Run({"SORT", "ids", "BY", "u_*->age", "GET", "u_*->age"}), Array({"<nil>", "7", "9"}));
  // BY without '*' sorts nothing: the list keeps its order (reversed by DESC).
  EXPECT_EQ(Run({"SORT", "ids", "BY", "nosort", "DESC"}), Array({"3", "2", "1"}));
  EXPECT_EQ(Run({"SORT", "ids", "BY", "nosort", "LIMIT", "1", "1"}), Array({"2"}));
  EXPECT_EQ(Run({"SORT", "ids", "GET", "constant"}), Array({"<nil>", "<nil>", "<nil>"}));
  // A sorted set without sorting keeps its score order.
  Run({"ZADD", "z", "3", "c", "1", "a", "2", "b"});
  EXPECT_EQ(Run({"SORT", "z", "BY", "nosort"}), Array({"a", "b", "c"}));
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "z"}), Bulk("skiplist")) << "Redis converts it";
}

TEST_F(SortTest, StoreAndErrors) {
  Run({"SADD", "s", "b", "c", "a"});
  EXPECT_EQ(Run({"SORT", "s", "ALPHA", "STORE", "dst"}), Int(3));
  EXPECT_EQ(Run({"LRANGE", "dst", "0", "-1"}), Array({"a", "b", "c"}));
  // A set stored without sorting is sorted ALPHA, for a deterministic result.
  EXPECT_EQ(Run({"SORT", "s", "BY", "nosort", "STORE", "dst"}), Int(3));
  EXPECT_EQ(Run({"LRANGE", "dst", "0", "-1"}), Array({"a", "b", "c"}));
  EXPECT_EQ(Run({"SORT", "s", "ALPHA", "GET", "nokey_*", "STORE", "dst"}), Int(3));
  EXPECT_EQ(Run({"LRANGE", "dst", "0", "-1"}), Array({"", "", ""}));
  EXPECT_EQ(Run({"SORT", "missing", "STORE", "dst"}), Int(0));
  EXPECT_EQ(Run({"EXISTS", "dst"}), Int(0)) << "an empty result deletes the destination";
  EXPECT_EQ(Run({"SORT_RO", "s", "ALPHA", "STORE", "dst"}), Err("ERR syntax error"));
  EXPECT_EQ(Run({"SORT", "s", "LIMIT", "x", "1"}),
            Err("ERR value is not an integer or out of range"));
  EXPECT_EQ(Run({"SORT", "s", "BY"}), Err("ERR syntax error"));
  Run({"SET", "str", "v"});
  EXPECT_EQ(Run({"SORT", "str"}), Err(errors::kWrongType));
}

// ALPHA without STORE compares as C strings, as Redis's strcoll does: values
// that differ only after a NUL byte tie and keep the list's order; STORE
// compares every byte.
TEST_F(SortTest, AlphaStopsAtNulBytesUnlessStoring) {
  Run({"RPUSH", "l", std::string("\0b", 2), "", std::string("\0a", 2)});
  EXPECT_EQ(Run({"SORT", "l", "ALPHA"}),
            "*3\r\n" + Bulk(std::string("\0b", 2)) + Bulk("") + Bulk(std::string("\0a", 2)));
  EXPECT_EQ(Run({"SORT", "l", "ALPHA", "STORE", "out"}), Int(3));
  EXPECT_EQ(Run({"LRANGE", "out", "0", "-1"}),
            "*3\r\n" + Bulk("") + Bulk(std::string("\0a", 2)) + Bulk(std::string("\0b", 2)));
}

}  // namespace
}  // namespace cacheforge
