// server/tests/collections_test.cc
// -----------------------------------------------------------------------------
// The collection values against simple models: Packed and QuickList against a
// std::deque under random operations (both ends, the middle, node splits),
// and the hash and set encodings' conversions at Redis's thresholds.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "store/hash_object.h"
#include "store/list_object.h"
#include "store/packed.h"
#include "store/quicklist.h"
#include "store/set_object.h"
#include "store/skiplist.h"
#include "store/zset_object.h"
#include "util/heap_bytes.h"

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

// A new hash key's entry: an empty inline (listpack) hash.
std::unique_ptr<Entry> NewHashEntry() {
  auto entry = std::make_unique<Entry>();
  entry->SetInline(ValueType::kHash);
  return entry;
}

TEST(HashValue, ConvertsToATableAtTheThresholds) {
  EncodingLimits limits;
  limits.hash_max_listpack_entries = 4;
  limits.hash_max_listpack_value = 8;
  auto entry = NewHashEntry();
  HashValue hash(entry.get());
  EXPECT_TRUE(hash.Set("a", "1", limits));
  EXPECT_FALSE(hash.Set("a", "2", limits));
  EXPECT_STREQ(hash.Encoding(), "listpack");
  for (std::string f : {"b", "c", "d"}) hash.Set(f, f, limits);
  EXPECT_STREQ(hash.Encoding(), "listpack");
  hash.Set("e", "5", limits);  // a fifth field
  EXPECT_STREQ(hash.Encoding(), "hashtable");
  EXPECT_EQ(hash.Size(), 5u);
  EXPECT_EQ(*hash.Get("a"), "2");

  auto long_entry = NewHashEntry();
  HashValue long_value(long_entry.get());
  long_value.Set("f", "short", limits);
  long_value.Set("f", "longer than eight", limits);  // an update can convert too
  EXPECT_STREQ(long_value.Encoding(), "hashtable");
  EXPECT_EQ(*long_value.Get("f"), "longer than eight");
  EXPECT_TRUE(long_value.Delete("f"));
  EXPECT_FALSE(long_value.Get("f").has_value());
}

TEST(HashValue, RandomOperationsMatchAMapInBothEncodings) {
  EncodingLimits limits;
  limits.hash_max_listpack_entries = 16;
  std::mt19937 rng(7);
  auto entry = NewHashEntry();
  HashValue hash(entry.get());
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
  Entry copy;
  copy.CopyValueFrom(*entry);
  EXPECT_EQ(HashValue(&copy).Size(), model.size());
  EXPECT_STREQ(HashValue(&copy).Encoding(), hash.Encoding());
}

// A small hash lives in its entry's own bytes: no object, one heap block
// sized to its fields (a million of them cost about what Redis's listpacks
// do), and it moves, copies and empties with the entry.
TEST(HashValue, SmallHashIsOneBlockInTheEntry) {
  EncodingLimits limits;
  auto entry = NewHashEntry();
  HashValue hash(entry.get());
  hash.Set("name", "user123456", limits);
  hash.Set("visits", "123", limits);
  EXPECT_TRUE(entry->inline_value);
  EXPECT_EQ(entry->type(), ValueType::kHash);
  // 4 count bytes + 4 elements of 4, 10, 6 and 3 bytes with 2 length bytes
  // each, in one 48-byte malloc chunk rather than a doubled string's 80.
  EXPECT_EQ(entry->value.size(), 4u + 6 + 12 + 8 + 5);
  EXPECT_LE(StringHeapBytes(entry->value), 48u);

  Entry moved;
  moved.MoveValueFrom(*entry);
  EXPECT_TRUE(entry->is_string());
  EXPECT_TRUE(entry->value.empty());
  HashValue at_new_home(&moved);
  EXPECT_EQ(*at_new_home.Get("name"), "user123456");
  EXPECT_EQ(at_new_home.Size(), 2u);

  EXPECT_TRUE(at_new_home.Delete("name"));
  EXPECT_TRUE(at_new_home.Delete("visits"));
  EXPECT_EQ(at_new_home.Size(), 0u);
  EXPECT_EQ(StringHeapBytes(moved.value), 0u) << "an emptied hash gives its block back";
  moved.SetString();
  EXPECT_FALSE(moved.inline_value);
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

// A sorted set in both encodings against a std::set of (score, member): ranks,
// scores, walks in both directions and partition points after random adds,
// score changes and removals.
TEST(ZsetObject, RandomOperationsMatchAnOrderedSetInBothEncodings) {
  for (int64_t listpack_entries : {int64_t{1000}, int64_t{8}}) {
    EncodingLimits limits;
    limits.zset_max_listpack_entries = listpack_entries;
    std::mt19937 rng(static_cast<unsigned>(listpack_entries));
    ZsetObject zset;
    std::map<std::string, double> scores;
    std::set<std::pair<double, std::string>> order;
    for (int step = 0; step < 3000; ++step) {
      std::string member = "m" + std::to_string(rng() % 60);
      if (rng() % 4 == 0) {
        bool had = scores.contains(member);
        if (had) order.erase({scores[member], member});
        scores.erase(member);
        EXPECT_EQ(zset.Remove(member), had);
      } else {
        double score = static_cast<double>(static_cast<int>(rng() % 20) - 10) / 2;
        bool had = scores.contains(member);
        if (had) order.erase({scores[member], member});
        scores[member] = score;
        order.insert({score, member});
        EXPECT_EQ(zset.Set(member, score, limits), !had);
      }
      ASSERT_EQ(zset.Size(), order.size());
    }
    EXPECT_STREQ(zset.Encoding(), listpack_entries == 8 ? "skiplist" : "listpack");
    std::vector<std::pair<double, std::string>> want(order.begin(), order.end());
    size_t rank = 0;
    for (const auto& [score, member] : want) {
      EXPECT_EQ(zset.Rank(member), rank++);
      EXPECT_EQ(zset.Score(member), score);
    }
    std::vector<std::pair<double, std::string>> forward, backward;
    zset.Walk(0, want.size() - 1, false, [&](std::string_view m, double s) {
      forward.emplace_back(s, std::string(m));
      return true;
    });
    zset.Walk(want.size() - 1, 0, true, [&](std::string_view m, double s) {
      backward.emplace_back(s, std::string(m));
      return true;
    });
    EXPECT_EQ(forward, want);
    std::reverse(backward.begin(), backward.end());
    EXPECT_EQ(backward, want);
    for (double bound : {-6.0, -0.5, 0.0, 2.5, 9.0}) {
      size_t expected = 0;
      while (expected < want.size() && want[expected].first < bound) ++expected;
      EXPECT_EQ(zset.PartitionPoint([&](std::string_view, double s) { return s < bound; }),
                expected);
    }
    auto copy = zset.Clone();
    EXPECT_STREQ(copy->Encoding(), zset.Encoding());
    EXPECT_EQ(copy->Size(), zset.Size());
  }
}

TEST(SkipList, RanksAndBytesOverManyElements) {
  SkipList list;
  const size_t empty = list.Bytes();
  for (int i = 0; i < 20000; ++i)
    list.Insert(static_cast<double>(i % 100), "member" + std::to_string(i));
  ASSERT_EQ(list.size(), 20000u);
  for (size_t rank : {size_t{0}, size_t{1}, size_t{9999}, size_t{19999}}) {
    const SkipList::Node* node = list.At(rank);
    ASSERT_NE(node, nullptr);
    EXPECT_EQ(list.Rank(node->score, node->member), rank);
  }
  EXPECT_EQ(list.At(20000), nullptr);
  for (int i = 0; i < 20000; ++i) {
    ASSERT_TRUE(list.Erase(static_cast<double>(i % 100), "member" + std::to_string(i)));
  }
  EXPECT_FALSE(list.Erase(0, "member0"));
  EXPECT_EQ(list.size(), 0u);
  EXPECT_EQ(list.Bytes(), empty);
}

}  // namespace
}  // namespace cacheforge
