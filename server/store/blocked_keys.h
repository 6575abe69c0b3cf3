// server/store/blocked_keys.h
// -----------------------------------------------------------------------------
// The blocking commands' registry for one shard (BLPOP, BLMOVE, BZPOPMIN, ...):
// which clients wait on which of the shard's keys, first come first served.
//
// A waiter registers while it holds the shard lock under which it found every
// key empty, and a write makes a key ready under that same lock, so no push
// can fall between the two (a lost wake-up). A change to a key with waiters
// records (shard, key) in the calling thread's ready list; once the writing
// command has released its locks, the dispatcher serves the waiters of every
// ready key (commands/blocking.h) before it answers — so, as in Redis, the
// pusher's reply comes after the blocked client got the element.
//
// Not thread-safe: the owning shard's lock guards the registry. A Waiter's
// `state` is atomic: the waiting client's I/O thread (timeout, disconnect)
// and a serving thread race for it, and exactly one compare-and-swap out of
// kBlocked wins.
#ifndef CACHEFORGE_STORE_BLOCKED_KEYS_H_
#define CACHEFORGE_STORE_BLOCKED_KEYS_H_

#include <absl/container/flat_hash_map.h>
#include <absl/strings/string_view.h>

#include <atomic>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/absl_key.h"

namespace cacheforge {

class Shard;

struct Waiter {
  enum State : int {
    kBlocked,    // registered, waiting
    kClaimed,    // a serving thread is trying to serve it
    kDone,       // served: its reply is ready for its I/O thread
    kTimedOut,   // its timeout passed first
    kCancelled,  // its client went away, or CLIENT UNBLOCK
  };
  virtual ~Waiter() = default;
  std::atomic<int> state{kBlocked};
};

class BlockedKeys {
 public:
  bool empty() const { return waiters_.empty(); }
  size_t key_count() const { return waiters_.size(); }
  bool Has(std::string_view key) const;

  // `waiter` waits on `key`, after every waiter already there.
  void Add(std::string_view key, std::shared_ptr<Waiter> waiter);
  void Remove(std::string_view key, const Waiter* waiter);
  // Calls `visit(key)` for every key someone waits on.
  template <typename Visit>
  void ForEachKey(Visit&& visit) const {
    for (const auto& [key, waiters] : waiters_) visit(std::string_view(key));
  }
  // Calls `visit(waiter)` for each waiter of `key` still in kBlocked,
  // longest-waiting first.
  template <typename Visit>
  void ForEach(std::string_view key, Visit&& visit) const {
    auto it = waiters_.find(AbslKey(key));
    if (it == waiters_.end()) return;
    for (const auto& waiter : it->second) {
      if (waiter->state.load() == Waiter::kBlocked) visit(waiter);
    }
  }

 private:
  absl::flat_hash_map<std::string, std::deque<std::shared_ptr<Waiter>>> waiters_;
};

// Keys that changed while they had waiters, in the calling thread, waiting to
// be served once the thread holds no shard lock.
struct ReadyKey {
  Shard* shard;
  std::string key;
};
std::vector<ReadyKey>& ThreadReadyKeys();
void MarkReady(Shard* shard, std::string_view key);

}  // namespace cacheforge

#endif  // CACHEFORGE_STORE_BLOCKED_KEYS_H_
