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

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "cli/line_reader.h"
#include "cli/reply_printer.h"
#include "cli/reply_reader.h"
#include "cli/usage_error.h"
#include "net/resp_parser.h"

namespace {

constexpr char kCliVersion[] = "0.1.0";

using cacheforge::Reply;

// Usage errors exit 1, like redis-cli's.
constexpr int kExitUsage = 1;

struct Options {
  std::string host = "127.0.0.1";
  std::string port = "6379";
  std::string password;  // AUTH first when not empty
  bool raw = false;
  bool resp3 = false;                // HELLO 3 first, as redis-cli -3
  std::vector<std::string> command;  // empty: read commands from standard input
};

// Fills `options` from the command line; returns the exit status when there
// is nothing more to do (--help, --version, a usage error).
std::optional<int> ParseCommandLine(int argc, char** argv, Options* options) {
  CLI::App app("", "cacheforge-cli");
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  // -h is the host, as in redis-cli.
  app.set_help_flag("--help", "print this help and exit");
  app.add_option("-h", options->host, "server host (default 127.0.0.1)")->option_text("HOST");
  app.add_option("-p", options->port, "server port (default 6379)")->option_text("PORT");
  app.add_option("-a", options->password, "send AUTH first")->option_text("PASSWORD");
  app.add_flag("--raw", options->raw, "print bare replies instead of redis-cli's formatted ones");
  app.add_flag("-3", options->resp3, "talk RESP3 (send HELLO 3 first)");
  app.set_version_flag("-v,--version", std::string("cacheforge-cli ") + kCliVersion,
                       "print the version and exit");
  app.add_option("COMMAND", options->command, "a command to send, and its arguments")
      ->option_text("[ARG ...]");
  // From COMMAND on, every word is the command's, even one like an option
  // (SET k -1, ECHO --raw).
  app.positionals_at_end();
  app.footer("Without a command, reads commands from standard input, one per line.");
  return cacheforge::ParseCommandLine(app, argc, argv, kExitUsage);
}

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
  Options options;
  if (std::optional<int> done = ParseCommandLine(argc, argv, &options)) return *done;
  const std::string& host = options.host;
  const std::string& port = options.port;
  std::string error;
  int fd = Connect(host, port, &error);
  if (fd < 0) {
    std::fprintf(stderr, "Could not connect to cacheforge at %s:%s: %s\n", host.c_str(),
                 port.c_str(), error.c_str());
    return 1;
  }
  cacheforge::ReplyReader reader(fd);
  Reply reply = Reply::Null();
  if (!options.password.empty()) {
    if (!RoundTrip(fd, reader, {"AUTH", options.password}, &reply, &error)) {
      std::fprintf(stderr, "Error: %s\n", error.c_str());
      return 1;
    }
    if (reply.is_error()) std::fprintf(stderr, "AUTH failed: %s\n", reply.text().c_str());
  }
  if (options.resp3) {
    if (!RoundTrip(fd, reader, {"HELLO", "3"}, &reply, &error)) {
      std::fprintf(stderr, "Error: %s\n", error.c_str());
      return 1;
    }
    if (reply.is_error()) {
      std::fprintf(stderr, "HELLO 3 failed: %s\n", reply.text().c_str());
      return 1;
    }
  }

  if (!options.command.empty()) {  // one-shot
    const std::vector<std::string>& args = options.command;
    if (!RoundTrip(fd, reader, args, &reply, &error)) {
      // A server that closes the connection on SHUTDOWN did what was asked
      // (redis-cli also exits 0 silently).
      if (IsShutdown(args[0])) return 0;
      std::fprintf(stderr, "Error: %s\n", error.c_str());
      return 1;
    }
    std::fputs(cacheforge::FormatReply(reply, options.raw).c_str(), stdout);
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
    std::fputs(cacheforge::FormatReply(reply, options.raw).c_str(), stdout);
    std::fflush(stdout);
  }
  close(fd);
  return 0;
}
