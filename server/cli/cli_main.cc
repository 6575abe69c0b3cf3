// server/cli/cli_main.cc
// -----------------------------------------------------------------------------
// cacheforge-cli: the project's own client.
//
//   cacheforge-cli [-h HOST] [-p PORT] [-a PASSWORD] [--raw] [COMMAND ARGS...]
//
// With a command it sends it, prints the reply like redis-cli and exits (1 if
// the reply was an error). Without one it reads commands line by line from
// standard input — a prompt with line editing and history when that is a
// terminal — until EOF or "quit".
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "cli/line_reader.h"
#include "cli/reply_printer.h"
#include "cli/reply_reader.h"
#include "net/resp_parser.h"

namespace {

constexpr char kCliVersion[] = "0.1.0";

using cacheforge::Reply;

constexpr char kUsage[] =
    "Usage: cacheforge-cli [-h HOST] [-p PORT] [-a PASSWORD] [--raw] [COMMAND [ARG ...]]\n"
    "  -h HOST      server host (default 127.0.0.1)\n"
    "  -p PORT      server port (default 6379)\n"
    "  -a PASSWORD  send AUTH first\n"
    "  --raw        print bare replies instead of redis-cli's formatted ones\n"
    "  --version    print the version and exit\n"
    "Without a command, reads commands from standard input, one per line.\n";

int Connect(const std::string& host, const std::string& port, std::string* error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* result = nullptr;
  if (int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &result); rc != 0) {
    *error = gai_strerror(rc);
    return -1;
  }
  int fd = -1;
  for (addrinfo* ai = result; ai != nullptr; ai = ai->ai_next) {
    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) break;
    *error = std::strerror(errno);
    close(fd);
    fd = -1;
  }
  freeaddrinfo(result);
  return fd;
}

std::string Encode(const std::vector<std::string>& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const std::string& arg : args) {
    out += "$" + std::to_string(arg.size()) + "\r\n" + arg + "\r\n";
  }
  return out;
}

bool SendAll(int fd, const std::string& data) {
  size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

// Sends one command and reads its reply. False when the connection failed.
bool RoundTrip(int fd, cacheforge::ReplyReader& reader, const std::vector<std::string>& args,
               Reply* reply, std::string* error) {
  if (!SendAll(fd, Encode(args))) {
    *error = std::strerror(errno);
    return false;
  }
  return reader.Read(reply, error);
}

bool IsQuit(const std::string& word) {
  std::string lower;
  for (char c : word)
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return lower == "quit" || lower == "exit";
}

bool IsShutdown(const std::string& word) {
  std::string lower;
  for (char c : word)
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return lower == "shutdown";
}

}  // namespace

int main(int argc, char** argv) {
  std::string host = "127.0.0.1";
  std::string port = "6379";
  std::string password;
  bool raw = false;
  int i = 1;
  for (; i < argc; ++i) {
    std::string arg = argv[i];
    bool has_value = i + 1 < argc;
    if (arg == "-h" && has_value) {
      host = argv[++i];
    } else if (arg == "-p" && has_value) {
      port = argv[++i];
    } else if (arg == "-a" && has_value) {
      password = argv[++i];
    } else if (arg == "--raw") {
      raw = true;
    } else if (arg == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (arg == "--version" || arg == "-v") {
      std::printf("cacheforge-cli %s\n", kCliVersion);
      return 0;
    } else if (!arg.empty() && arg[0] == '-' && (arg == "-h" || arg == "-p" || arg == "-a")) {
      std::fprintf(stderr, "cacheforge-cli: option %s needs a value\n%s", arg.c_str(), kUsage);
      return 1;
    } else {
      break;
    }
  }
  std::string error;
  int fd = Connect(host, port, &error);
  if (fd < 0) {
    std::fprintf(stderr, "Could not connect to cacheforge at %s:%s: %s\n", host.c_str(),
                 port.c_str(), error.c_str());
    return 1;
  }
  cacheforge::ReplyReader reader(fd);
  Reply reply = Reply::Null();
  if (!password.empty()) {
    if (!RoundTrip(fd, reader, {"AUTH", password}, &reply, &error)) {
      std::fprintf(stderr, "Error: %s\n", error.c_str());
      return 1;
    }
    if (reply.is_error()) std::fprintf(stderr, "AUTH failed: %s\n", reply.text().c_str());
  }

  if (i < argc) {  // one-shot
    std::vector<std::string> args(argv + i, argv + argc);
    if (!RoundTrip(fd, reader, args, &reply, &error)) {
      // A server that closes the connection on SHUTDOWN did what was asked
      // (redis-cli also exits 0 silently).
      if (IsShutdown(args[0])) return 0;
      std::fprintf(stderr, "Error: %s\n", error.c_str());
      return 1;
    }
    std::fputs(cacheforge::FormatReply(reply, raw).c_str(), stdout);
    close(fd);
    return reply.is_error() ? 1 : 0;
  }

  cacheforge::LineReader input(host + ":" + port + "> ");
  std::string line;
  while (input.Next(&line)) {
    std::vector<std::string> args;
    if (!cacheforge::SplitInlineArgs(line, &args)) {
      std::fputs("Invalid argument(s)\n", stdout);
      continue;
    }
    if (args.empty()) continue;
    if (IsQuit(args[0])) break;
    if (!RoundTrip(fd, reader, args, &reply, &error)) {
      if (IsShutdown(args[0])) return 0;
      std::fprintf(stderr, "Error: %s\n", error.c_str());
      return 1;
    }
    std::fputs(cacheforge::FormatReply(reply, raw).c_str(), stdout);
    std::fflush(stdout);
  }
  close(fd);
  return 0;
}
