// server/base/clients.cc
// -----------------------------------------------------------------------------
// The client registry: CLIENT LIST lines and CLIENT KILL.
#include "base/clients.h"

#include <mutex>
#include <vector>

namespace cacheforge {

void ClientRegistry::Add(std::shared_ptr<ClientInfo> client) {
  lockgraph::MutexLock lock(mu_);
  uint64_t id = client->id;
  clients_[id] = std::move(client);
}

void ClientRegistry::Remove(uint64_t id) {
  lockgraph::MutexLock lock(mu_);
  clients_.erase(id);
  names_.erase(id);
}

void ClientRegistry::SetName(uint64_t id, std::string name) {
  lockgraph::MutexLock lock(mu_);
  if (name.empty()) {
    names_.erase(id);
  } else {
    names_[id] = std::move(name);
  }
}

std::shared_ptr<ClientInfo> ClientRegistry::Find(uint64_t id) const {
  lockgraph::MutexLock lock(mu_);
  auto it = clients_.find(id);
  return it == clients_.end() ? nullptr : it->second;
}

std::string ClientRegistry::GetName(uint64_t id) const {
  lockgraph::MutexLock lock(mu_);
  auto it = names_.find(id);
  return it == names_.end() ? std::string() : it->second;
}

size_t ClientRegistry::Count() const {
  lockgraph::MutexLock lock(mu_);
  return clients_.size();
}

std::string ClientRegistry::DescribeLocked(const ClientInfo& c, int64_t now_ms) const {
  auto name = names_.find(c.id);
  int64_t age = (now_ms - c.created_ms) / 1000;
  const int multi = c.multi_queued.load(std::memory_order_relaxed);
  const bool blocked = c.blocked.load(std::memory_order_relaxed);
  const int sub = c.subscriptions.load(std::memory_order_relaxed);
  const int psub = c.pattern_subscriptions.load(std::memory_order_relaxed);
  // Redis's letters: x in MULTI, b blocked, P subscribed, N none of these.
  const char* flags = multi >= 0 ? "x" : blocked ? "b" : c.subscribed() ? "P" : "N";
  int64_t idle = (now_ms - c.last_interaction_ms.load(std::memory_order_relaxed)) / 1000;
  std::string line =
      "id=" + std::to_string(c.id) + " addr=" + c.addr + " laddr=" + c.laddr +
      " fd=" + std::to_string(c.fd) +
      " name=" + (name == names_.end() ? std::string() : name->second) +
      " age=" + std::to_string(age < 0 ? 0 : age) + " idle=" + std::to_string(idle < 0 ? 0 : idle) +
      " flags=" + flags + " db=" + std::to_string(c.db.load(std::memory_order_relaxed)) +
      " sub=" + std::to_string(sub) + " psub=" + std::to_string(psub) +
      " ssub=0 multi=" + std::to_string(multi) +
      " qbuf=" + std::to_string(c.query_buffer_bytes.load(std::memory_order_relaxed)) +
      " qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=" +
      std::to_string(c.output_buffer_bytes.load(std::memory_order_relaxed)) +
      " tot-mem=0 events=r cmd=" + c.last_command.load(std::memory_order_relaxed) +
      " user=default redir=-1 resp=" + std::to_string(c.resp.load(std::memory_order_relaxed));
  return line;
}

std::string ClientRegistry::Describe(uint64_t only_id, int64_t now_ms) const {
  lockgraph::MutexLock lock(mu_);
  std::string out;
  for (const auto& [id, client] : clients_) {
    if (only_id != 0 && id != only_id) continue;
    out += DescribeLocked(*client, now_ms);
    out += '\n';
  }
  return out;
}

size_t ClientRegistry::Kill(const KillFilter& filter) {
  std::vector<int> loops;
  size_t killed = 0;
  {
    lockgraph::MutexLock lock(mu_);
    for (const auto& [id, client] : clients_) {
      if (filter.id != 0 && id != filter.id) continue;
      if (!filter.addr.empty() && client->addr != filter.addr) continue;
      if (!filter.laddr.empty() && client->laddr != filter.laddr) continue;
      if (filter.skip_id != 0 && id == filter.skip_id) continue;
      if (filter.type != KillFilter::Type::kAny) {
        const KillFilter::Type type =
            client->subscribed() ? KillFilter::Type::kPubSub : KillFilter::Type::kNormal;
        if (filter.type != type) continue;
      }
      client->kill_requested.store(true, std::memory_order_release);
      loops.push_back(client->loop_index);
      ++killed;
    }
  }
  // Wake outside the lock: the loops take it again when they close clients.
  for (int loop : loops) wake_(loop);
  return killed;
}

}  // namespace cacheforge
