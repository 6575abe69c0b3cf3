// kv_pool: a small TCP key-value server built on the standard library's
// locks only (std::shared_mutex, std::mutex, std::condition_variable,
// std::call_once), with no lockgraph in it: the C++ program of the preload
// test matrix (tests/programs/preload_matrix_test.py).
//
// One acceptor thread hands connections to a pool of worker threads through a
// queue (std::mutex + std::condition_variable); the store is a std::map behind
// a std::shared_mutex (GET takes it shared, SET exclusive); statistics sit
// behind their own mutex, always taken after the store's. A line protocol:
//   SET key value   -> OK        GET key -> VALUE value | NONE
//   STATS           -> STATS sets gets   SHUTDOWN -> BYE (the server exits)
// SIGINT or SIGTERM, or SHUTDOWN, stops the pool; the workers are joined and
// main returns 0.
//
// Usage: kv_pool PORT [WORKERS]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

std::atomic<bool> g_stop{false};

void OnSignal(int) { g_stop.store(true); }

class Store {
 public:
  void Set(const std::string& key, const std::string& value) {
    std::unique_lock lock(mu_);
    map_[key] = value;
    std::lock_guard stats(stats_mu_);  // store before stats, everywhere
    ++sets_;
  }
  bool Get(const std::string& key, std::string* value) {
    std::shared_lock lock(mu_);
    auto it = map_.find(key);
    {
      std::lock_guard stats(stats_mu_);
      ++gets_;
    }
    if (it == map_.end()) return false;
    *value = it->second;
    return true;
  }
  std::string Stats() {
    std::shared_lock lock(mu_);
    std::lock_guard stats(stats_mu_);
    return "STATS " + std::to_string(sets_) + " " + std::to_string(gets_);
  }

 private:
  std::shared_mutex mu_;
  std::map<std::string, std::string> map_;
  std::mutex stats_mu_;
  long sets_ = 0, gets_ = 0;
};

class ConnectionQueue {
 public:
  void Push(int fd) {
    {
      std::lock_guard lock(mu_);
      fds_.push_back(fd);
    }
    cv_.notify_one();
  }
  // -1 once stopped and drained.
  int Pop() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !fds_.empty() || stopped_; });
    if (fds_.empty()) return -1;
    const int fd = fds_.front();
    fds_.pop_front();
    return fd;
  }
  void Stop() {
    {
      std::lock_guard lock(mu_);
      stopped_ = true;
    }
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<int> fds_;
  bool stopped_ = false;
};

std::once_flag g_banner_once;

// Serves one connection until it closes, SHUTDOWN, or the server stops.
void Serve(int fd, Store& store) {
  std::call_once(g_banner_once, [] { std::fprintf(stderr, "kv_pool: first client\n"); });
  std::string pending;
  char buf[4096];
  while (!g_stop.load()) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    const ssize_t n = read(fd, buf, sizeof(buf));
    if (n <= 0) break;
    pending.append(buf, static_cast<size_t>(n));
    size_t eol;
    std::string out;
    while ((eol = pending.find('\n')) != std::string::npos) {
      std::istringstream line(pending.substr(0, eol));
      pending.erase(0, eol + 1);
      std::string cmd, key, value;
      line >> cmd >> key >> value;
      if (cmd == "SET") {
        store.Set(key, value);
        out += "OK\n";
      } else if (cmd == "GET") {
        out += store.Get(key, &value) ? "VALUE " + value + "\n" : "NONE\n";
      } else if (cmd == "STATS") {
        out += store.Stats() + "\n";
      } else if (cmd == "SHUTDOWN") {
        out += "BYE\n";
        g_stop.store(true);
      } else {
        out += "ERROR\n";
      }
    }
    if (!out.empty() && write(fd, out.data(), out.size()) < 0) break;
  }
  close(fd);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: kv_pool PORT [WORKERS]\n");
    return 2;
  }
  const int port = std::atoi(argv[1]);
  const int workers = argc > 2 ? std::atoi(argv[2]) : 4;
  struct sigaction sa = {};
  sa.sa_handler = OnSignal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);

  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  const int one = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr = {};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      listen(listener, 64) != 0) {
    std::perror("kv_pool: bind");
    return 1;
  }

  Store store;
  ConnectionQueue queue;
  std::vector<std::thread> pool;
  for (int i = 0; i < workers; ++i) {
    pool.emplace_back([&] {
      for (int fd; (fd = queue.Pop()) >= 0;) Serve(fd, store);
    });
  }
  std::fprintf(stderr, "kv_pool: ready on port %d with %d workers\n", port, workers);
  while (!g_stop.load()) {
    pollfd p{listener, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    const int fd = accept(listener, nullptr, nullptr);
    if (fd >= 0) queue.Push(fd);
  }
  queue.Stop();
  for (std::thread& t : pool) t.join();
  close(listener);
  std::fprintf(stderr, "kv_pool: stopped\n");
  return 0;
}
