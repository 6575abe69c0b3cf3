// server/base/clients.h
// -----------------------------------------------------------------------------
// What the server knows about each connected client, shared between the I/O
// thread that owns the connection and commands run by other clients (CLIENT
// LIST, CLIENT KILL, INFO clients).
//
// Thread safety: the registry and every client's name are guarded by one
// lockgraph::Mutex ("server.clients"); it is never held together with a shard
// lock. Fields the owning thread updates per request are atomics.
#ifndef CACHEFORGE_BASE_CLIENTS_H_
#define CACHEFORGE_BASE_CLIENTS_H_

#include <lockgraph/mutex.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace cacheforge {

struct Waiter;  // store/blocked_keys.h

struct ClientInfo {
  uint64_t id = 0;
  int fd = -1;
  int loop_index = 0;  // the I/O thread that owns the connection
  std::string addr;    // peer "ip:port"
  std::string laddr;   // local "ip:port"
  int64_t created_ms = 0;
  std::atomic<int64_t> last_interaction_ms{0};
  std::atomic<const char*> last_command{"NULL"};  // points into the command table
  std::atomic<uint64_t> query_buffer_bytes{0};
  std::atomic<uint64_t> output_buffer_bytes{0};
  std::atomic<bool> kill_requested{false};
  std::atomic<int> db{0};                        // the selected database
  std::atomic<int> resp{2};                      // the RESP version HELLO chose
  std::atomic<int> multi_queued{-1};             // commands queued since MULTI; -1 outside MULTI
  std::atomic<bool> blocked{false};              // waiting in a blocking command
  std::atomic<int> subscriptions{0};             // channels (CLIENT LIST sub=)
  std::atomic<int> pattern_subscriptions{0};     // patterns (psub=)
  std::atomic<std::shared_ptr<Waiter>> waiting;  // that wait, for CLIENT UNBLOCK

  // Subscribed to a channel or pattern (CLIENT LIST's P, CLIENT KILL TYPE pubsub).
  bool subscribed() const {
    return subscriptions.load(std::memory_order_relaxed) +
               pattern_subscriptions.load(std::memory_order_relaxed) >
           0;
  }
};

// One CLIENT KILL filter; an empty/zero field matches everything.
struct KillFilter {
  // TYPE: normal (not subscribed), pubsub (subscribed to a channel or
  // pattern), or a replication role no client here has.
  enum class Type { kAny, kNormal, kPubSub, kNoClient };
  Type type = Type::kAny;
  uint64_t id = 0;
  std::string addr;
  std::string laddr;
  uint64_t skip_id = 0;  // the caller, when SKIPME yes
};

class ClientRegistry {
 public:
  // `wake` is called with a loop index when a client on that loop must be killed.
  explicit ClientRegistry(std::function<void(int)> wake) : wake_(std::move(wake)) {}

  void Add(std::shared_ptr<ClientInfo> client);
  void Remove(uint64_t id);
  uint64_t NextId() { return next_id_.fetch_add(1, std::memory_order_relaxed); }

  void SetName(uint64_t id, std::string name);
  std::string GetName(uint64_t id) const;
  // The client with `id`, or null.
  std::shared_ptr<ClientInfo> Find(uint64_t id) const;
  size_t Count() const;

  // One line per client in CLIENT LIST format (or only `id` when nonzero).
  std::string Describe(uint64_t only_id, int64_t now_ms) const;

  // Marks matching clients for closing and wakes their loops; returns how many.
  size_t Kill(const KillFilter& filter);

  // Clients waiting in a blocking command (INFO clients: blocked_clients).
  void AddBlocked(int64_t delta) { blocked_.fetch_add(delta, std::memory_order_relaxed); }
  int64_t BlockedCount() const { return blocked_.load(std::memory_order_relaxed); }

 private:
  std::string DescribeLocked(const ClientInfo& client, int64_t now_ms) const
      LOCKGRAPH_REQUIRES(mu_);

  std::function<void(int)> wake_;
  std::atomic<uint64_t> next_id_{1};
  std::atomic<int64_t> blocked_{0};
  mutable lockgraph::Mutex mu_{"server.clients"};
  std::map<uint64_t, std::shared_ptr<ClientInfo>> clients_ LOCKGRAPH_GUARDED_BY(mu_);
  std::map<uint64_t, std::string> names_ LOCKGRAPH_GUARDED_BY(mu_);
};

}  // namespace cacheforge

#endif  // CACHEFORGE_BASE_CLIENTS_H_
