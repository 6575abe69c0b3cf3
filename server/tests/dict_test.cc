// server/tests/dict_test.cc
// -----------------------------------------------------------------------------
// The shard hash table: lookups, growth and shrinking, and the SCAN guarantee
// (every key present for the whole scan is returned) across resizes.
#include "store/dict.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>

#include "store/keyspace.h"

namespace cacheforge {
namespace {

uint64_t H(const std::string& key) { return Keyspace::Hash(key); }

TEST(Dict, InsertFindUnlink) {
  Dict dict;
  for (int i = 0; i < 1000; ++i) {
    std::string key = "k" + std::to_string(i);
    dict.Insert(key, H(key))->value = "v" + std::to_string(i);
  }
  EXPECT_EQ(dict.size(), 1000u);
  EXPECT_GE(dict.bucket_count(), 1000u);
  for (int i = 0; i < 1000; ++i) {
    std::string key = "k" + std::to_string(i);
    Entry* e = dict.Find(key, H(key));
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->value, "v" + std::to_string(i));
  }
  EXPECT_EQ(dict.Find("missing", H("missing")), nullptr);
  for (int i = 0; i < 990; ++i) {
    std::string key = "k" + std::to_string(i);
    delete dict.Unlink(key, H(key));
  }
  EXPECT_EQ(dict.size(), 10u);
  EXPECT_LT(dict.bucket_count(), 256u) << "the table shrinks after mass deletes";
  EXPECT_EQ(dict.Unlink("k0", H("k0")), nullptr);
  EXPECT_NE(dict.Find("k995", H("k995")), nullptr);
}

TEST(Dict, ScanReturnsEveryStableKeyAcrossGrowth) {
  Dict dict;
  std::set<std::string> stable;
  for (int i = 0; i < 100; ++i) {
    std::string key = "stable" + std::to_string(i);
    dict.Insert(key, H(key));
    stable.insert(key);
  }
  std::set<std::string> seen;
  uint64_t cursor = 0;
  int added = 0;
  int calls = 0;
  do {
    cursor = dict.Scan(cursor, [&](Entry* e) { seen.insert(e->key); });
    // Grow the table under the scan (several doublings): the cursor must stay
    // meaningful.
    for (int j = 0; j < 20 && added < 4000; ++j, ++added) {
      std::string key = "new" + std::to_string(added);
      dict.Insert(key, H(key));
    }
    ASSERT_LT(++calls, 100000);
  } while (cursor != 0);
  for (const std::string& key : stable) EXPECT_TRUE(seen.count(key)) << key;
}

TEST(Dict, ScanReturnsEveryStableKeyAcrossShrinking) {
  Dict dict;
  for (int i = 0; i < 4096; ++i) {
    std::string key = "gone" + std::to_string(i);
    dict.Insert(key, H(key));
  }
  std::set<std::string> stable;
  for (int i = 0; i < 50; ++i) {
    std::string key = "stable" + std::to_string(i);
    dict.Insert(key, H(key));
    stable.insert(key);
  }
  std::set<std::string> seen;
  uint64_t cursor = 0;
  int removed = 0;
  do {
    cursor = dict.Scan(cursor, [&](Entry* e) { seen.insert(e->key); });
    for (int j = 0; j < 200 && removed < 4096; ++j, ++removed) {
      std::string key = "gone" + std::to_string(removed);
      delete dict.Unlink(key, H(key));
    }
  } while (cursor != 0);
  for (const std::string& key : stable) EXPECT_TRUE(seen.count(key)) << key;
}

TEST(Dict, RandomEntryReachesEveryKey) {
  Dict dict;
  for (int i = 0; i < 8; ++i) {
    std::string key = "r" + std::to_string(i);
    dict.Insert(key, H(key));
  }
  std::mt19937_64 rng(42);
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) seen.insert(dict.RandomEntry([&] { return rng(); })->key);
  EXPECT_EQ(seen.size(), 8u);
  Dict empty;
  EXPECT_EQ(empty.RandomEntry([&] { return rng(); }), nullptr);
}

}  // namespace
}  // namespace cacheforge
