// server/tests/collections_test.cc
// -----------------------------------------------------------------------------
// The collection values against simple models: Packed and QuickList against a
// std::deque under random operations (both ends, the middle, node splits),
// and the hash and set encodings' conversions at Redis's thresholds.
#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "store/hash_object.h"
#include "store/list_object.h"
#include "store/packed.h"
#include "store/quicklist.h"
#include "store/set_object.h"

namespace cacheforge {
namespace {

// Values of many lengths, so one- and two-byte length prefixes both occur.
std::string RandomValue(std::mt19937& rng) {
  static const size_t kLengths[] = {0, 1, 5, 127, 128, 300, 20000};
  size_t len = kLengths[rng() % 7];
  std::string s(len, 'a');
  for (char& c : s) c = static_cast<char>('a' + rng() % 26);
  return s;
}

std::vector<std::string> Contents(const QuickList& list) {
  std::vector<std::string> out;
  if (list.empty()) return out;
  list.Walk(0, list.size() - 1, false, [&](size_t, std::string_view v) {
    out.emplace_back(v);
    return true;
  });
  return out;
}

TEST(Packed, BothEndsAndMiddleMatchADeque) {
  std::mt19937 rng(1);
  Packed packed;
  std::deque<std::string> model;
  for (int step = 0; step < 3000; ++step) {
    std::string v = RandomValue(rng);
    switch (rng() % 5) {
      case 0:
        packed.PushBack(v);
        model.push_back(v);
        break;
      case 1:
        packed.PushFront(v);
        model.push_front(v);
        break;
      case 2:
        if (!model.empty()) {
          size_t i = rng() % model.size();
          packed.Replace(packed.Seek(i), v);
          model[i] = v;
        }
        break;
      case 3:
        if (!model.empty()) {
          size_t i = rng() % model.size();
          packed.Erase(packed.Seek(i));
          model.erase(model.begin() + static_cast<long>(i));
        }
        break;
      case 4: {
        size_t i = model.empty() ? 0 : rng() % (model.size() + 1);
        packed.Insert(i == model.size() ? packed.End() : packed.Seek(i), v);
        model.insert(model.begin() + static_cast<long>(i), v);
        break;
      }
    }
    ASSERT_EQ(packed.size(), model.size());
  }
  // Forward and backward walks see the same elements.
  size_t i = 0;
  for (size_t pos = packed.Begin(); pos < packed.End(); pos = packed.Next(pos)) {
    ASSERT_EQ(packed.At(pos), model[i++]);
  }
  for (size_t pos = packed.End(); pos > packed.Begin();) {
    pos = packed.Prev(pos);
    ASSERT_EQ(packed.At(pos), model[--i]);
  }
}

TEST(QuickList, RandomOperationsMatchADequeAcrossNodeSplits) {
  for (int fill : {-2, 3}) {  // 8 KB nodes, and nodes of 3 elements
    std::mt19937 rng(static_cast<unsigned>(fill + 10));
    QuickList list(fill);
    std::deque<std::string> model;
    for (int step = 0; step < 4000; ++step) {
      std::string v = RandomValue(rng);
      const size_t n = model.size();
      switch (rng() % 7) {
        case 0:
          list.PushBack(v);
          model.push_back(v);
          break;
        case 1:
          list.PushFront(v);
          model.push_front(v);
          break;
        case 2:
          if (n > 0) {
            ASSERT_EQ(list.PopFront(), model.front());
            model.pop_front();
          }
          break;
        case 3:
          if (n > 0) {
            ASSERT_EQ(list.PopBack(), model.back());
            model.pop_back();
          }
          break;
        case 4: {
          size_t i = n == 0 ? 0 : rng() % (n + 1);
          list.Insert(i, v);
          model.insert(model.begin() + static_cast<long>(i), v);
          break;
        }
        case 5:
          if (n > 0) {
            size_t i = rng() % n;
            list.Set(i, v);
            model[i] = v;
          }
          break;
        case 6:
          if (n > 0) {
            size_t i = rng() % n, count = rng() % 4;
            list.Erase(i, count);
            model.erase(model.begin() + static_cast<long>(i),
                        model.begin() + static_cast<long>(std::min(n, i + count)));
          }
          break;
      }
      ASSERT_EQ(list.size(), model.size());
      if (!model.empty()) {
        ASSERT_EQ(list.Get(model.size() - 1), model.back());
      }
    }
    EXPECT_EQ(Contents(list), std::vector<std::string>(model.begin(), model.end()));
    // A backward walk from the end sees the reverse.
    if (!model.empty()) {
      std::vector<std::string> backward;
      list.Walk(model.size() - 1, 0, true, [&](size_t index, std::string_view v) {
        EXPECT_EQ(v, model[index]);
        backward.emplace_back(v);
        return true;
      });
      EXPECT_EQ(backward.size(), model.size());
    }
  }
}

TEST(QuickList, BytesFollowTheContents) {
  QuickList list;
  const size_t empty = list.Bytes();
  for (int i = 0; i < 100000; ++i) list.PushBack("element:" + std::to_string(i));
  // About what Redis's listpacks take (the element plus two length bytes),
  // not a node and a string per element.
  EXPECT_LT(list.Bytes(), 100000u * 24);
  EXPECT_GT(list.Bytes(), 100000u * 14);
  while (!list.empty()) list.PopFront();
  EXPECT_EQ(list.Bytes(), empty);
}

TEST(HashObject, ConvertsToATableAtTheThresholds) {
  EncodingLimits limits;
  limits.hash_max_listpack_entries = 4;
  limits.hash_max_listpack_value = 8;
  HashObject hash;
  EXPECT_TRUE(hash.Set("a", "1", limits));
  EXPECT_FALSE(hash.Set("a", "2", limits));
  EXPECT_STREQ(hash.Encoding(), "listpack");
  for (std::string f : {"b", "c", "d"}) hash.Set(f, f, limits);
  EXPECT_STREQ(hash.Encoding(), "listpack");
  hash.Set("e", "5", limits);  // a fifth field
  EXPECT_STREQ(hash.Encoding(), "hashtable");
  EXPECT_EQ(hash.Size(), 5u);
  EXPECT_EQ(*hash.Get("a"), "2");

  HashObject long_value;
  long_value.Set("f", "short", limits);
  long_value.Set("f", "longer than eight", limits);  // an update can convert too
  EXPECT_STREQ(long_value.Encoding(), "hashtable");
  EXPECT_EQ(*long_value.Get("f"), "longer than eight");
  EXPECT_TRUE(long_value.Delete("f"));
  EXPECT_FALSE(long_value.Get("f").has_value());
}

TEST(HashObject, RandomOperationsMatchAMapInBothEncodings) {
  EncodingLimits limits;
  limits.hash_max_listpack_entries = 16;
  std::mt19937 rng(7);
  HashObject hash;
  std::map<std::string, std::string> model;
  for (int step = 0; step < 2000; ++step) {
    std::string field = "f" + std::to_string(rng() % 40);
    if (rng() % 3 == 0) {
      EXPECT_EQ(hash.Delete(field), model.erase(field) == 1);
    } else {
      std::string value = RandomValue(rng).substr(0, 100);
      EXPECT_EQ(hash.Set(field, value, limits), !model.contains(field));
      model[field] = value;
    }
    ASSERT_EQ(hash.Size(), model.size());
  }
  std::map<std::string, std::string> seen;
  hash.ForEach([&](std::string_view f, std::string_view v) { seen.emplace(f, v); });
  EXPECT_EQ(seen, model);
  auto copy = hash.Clone();
  EXPECT_EQ(copy->Size(), model.size());
}

TEST(SetObject, IntsetUntilANonIntegerOrTooManyMembers) {
  EncodingLimits limits;
  limits.set_max_intset_entries = 3;
  SetObject set;
  EXPECT_TRUE(set.Add("3", limits));
  EXPECT_TRUE(set.Add("-1", limits));
  EXPECT_FALSE(set.Add("3", limits));
  EXPECT_STREQ(set.Encoding(), "intset");
  EXPECT_TRUE(set.Contains("-1"));
  EXPECT_FALSE(set.Contains("03")) << "\"03\" is not the integer 3 in Redis";
  std::vector<std::string> members;
  set.ForEach([&](std::string_view m) { members.emplace_back(m); });
  EXPECT_EQ(members, (std::vector<std::string>{"-1", "3"})) << "an intset iterates sorted";
  EXPECT_TRUE(set.Add("007", limits));
  EXPECT_STREQ(set.Encoding(), "hashtable");
  EXPECT_TRUE(set.Contains("3"));
  EXPECT_TRUE(set.Contains("007"));

  SetObject big;
  for (std::string m : {"1", "2", "3"}) big.Add(m, limits);
  EXPECT_STREQ(big.Encoding(), "intset");
  big.Add("4", limits);
  EXPECT_STREQ(big.Encoding(), "hashtable");
  EXPECT_TRUE(big.Remove("4"));
  EXPECT_EQ(big.Size(), 3u);
}

}  // namespace
}  // namespace cacheforge
