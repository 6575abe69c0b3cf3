// Incident 1 replay: the cache server whose HashTable::Set locked the bucket,
// then the table, while HashTable::Remove locked the table, then the bucket.
// Under 10,000 concurrent SETs and 10,000 concurrent DELs at --threads=4 it
// hung; only --threads=1 made it go away.
//
//   cache_hashtable                     the shipped code: lockgraph reports the
//                                       inversion on the first run (in abort
//                                       mode, before any thread can block)
//   cache_hashtable --fix=order         Set takes the table first, like Remove
//   cache_hashtable --fix=scoped_lock   both take the pair with std::scoped_lock
//   LOCKGRAPH_OPTIONS=mode=off cache_hashtable --rounds=1000
//                                       the hang itself, for gdb and
//                                       `lockgraph analyze --pid`
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "lockgraph/mutex.h"

namespace {

enum class Fix { kNone, kOrder, kScopedLock };

class HashTable {
 public:
  HashTable(size_t buckets, Fix fix) : buckets_(buckets), fix_(fix) {}

  // noinline: the replay's reports should name these frames in every build.
  __attribute__((noinline)) void Set(const std::string& key, const std::string& value) {
    Bucket& bucket = BucketFor(key);
    if (fix_ == Fix::kScopedLock) {
      std::scoped_lock both(bucket.mu, table_mu_);
      SetLocked(bucket, key, value);
    } else if (fix_ == Fix::kOrder) {
      std::lock_guard table(table_mu_);
      std::lock_guard b(bucket.mu);
      SetLocked(bucket, key, value);
    } else {
      // The shipped order: bucket, then table (to bump the size counter).
      std::lock_guard b(bucket.mu);
      std::lock_guard table(table_mu_);
      SetLocked(bucket, key, value);
    }
  }

  __attribute__((noinline)) void Remove(const std::string& key) {
    Bucket& bucket = BucketFor(key);
    if (fix_ == Fix::kScopedLock) {
      std::scoped_lock both(table_mu_, bucket.mu);
      RemoveLocked(bucket, key);
    } else {
      // Table first: Remove may shrink the table.
      std::lock_guard table(table_mu_);
      std::lock_guard b(bucket.mu);
      RemoveLocked(bucket, key);
    }
  }

  size_t size() {
    std::lock_guard table(table_mu_);
    return size_;
  }

 private:
  struct Bucket {
    lockgraph::Mutex mu{"cache.bucket"};
    std::unordered_map<std::string, std::string> items;
  };

  Bucket& BucketFor(const std::string& key) {
    return buckets_[std::hash<std::string>{}(key) % buckets_.size()];
  }
  void SetLocked(Bucket& bucket, const std::string& key, const std::string& value) {
    if (bucket.items.insert_or_assign(key, value).second) ++size_;
  }
  void RemoveLocked(Bucket& bucket, const std::string& key) { size_ -= bucket.items.erase(key); }

  std::vector<Bucket> buckets_;
  lockgraph::Mutex table_mu_{"cache.table"};
  size_t size_ = 0;
  Fix fix_;
};

bool Flag(const char* arg, const char* name, const char** value) {
  size_t n = std::strlen(name);
  if (std::strncmp(arg, name, n) != 0 || arg[n] != '=') return false;
  *value = arg + n + 1;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Fix fix = Fix::kNone;
  int threads = 4;
  int rounds = 1;  // each round: 10,000 SETs and 10,000 DELs
  for (int i = 1; i < argc; ++i) {
    const char* v = nullptr;
    if (Flag(argv[i], "--fix", &v) && std::strcmp(v, "order") == 0) {
      fix = Fix::kOrder;
    } else if (Flag(argv[i], "--fix", &v) && std::strcmp(v, "scoped_lock") == 0) {
      fix = Fix::kScopedLock;
    } else if (Flag(argv[i], "--threads", &v) && std::atoi(v) >= 2) {
      threads = std::atoi(v);
    } else if (Flag(argv[i], "--rounds", &v) && std::atoi(v) >= 1) {
      rounds = std::atoi(v);
    } else {
      std::fprintf(stderr,
                   "usage: cache_hashtable [--fix=order|scoped_lock] [--threads=N>=2] "
                   "[--rounds=N>=1]\n");
      return 2;
    }
  }
  HashTable table(64, fix);
  std::vector<std::thread> workers;
  const int per_thread = 10000 / (threads / 2);
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&table, t, per_thread, rounds] {
      for (int r = 0; r < rounds; ++r) {
        for (int i = 0; i < per_thread; ++i) {
          std::string key = "k" + std::to_string((i * 7 + t) % 100);  // overlapping keys
          if (t % 2 == 0) {
            table.Set(key, "v" + std::to_string(i));
          } else {
            table.Remove(key);
          }
        }
      }
    });
  }
  for (std::thread& w : workers) w.join();
  std::printf("done: %d threads, %d round(s) of 10000 SETs + 10000 DELs, %zu keys left\n", threads,
              rounds, table.size());
  return 0;
}
