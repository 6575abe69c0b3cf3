// server/fuzz/command_script.h
// -----------------------------------------------------------------------------
// The command handlers' fuzz driver, shared by the libFuzzer target
// (command_fuzzer.cc) and the unit test that runs it over seeded inputs.
//
// Bytes become a script: each command picks one of three clients, a command
// of the table (with a subcommand for containers) and up to six arguments
// drawn from the words the handlers parse (keys that share shards, numbers at
// their limits, option names, timeouts) or raw bytes. The clients can block,
// subscribe, queue MULTI and WATCH, as real ones do; a blocked client runs
// nothing until it is served or its wait is ended by the script.
//
// What must hold for any script: no crash, hang or sanitizer report; every
// reply is well formed; once every client has let go (waits ended, watches and
// subscriptions dropped) and FLUSHALL ran, the keyspace holds the bytes it
// held before the script, and no client counts as blocked.
#ifndef CACHEFORGE_FUZZ_COMMAND_SCRIPT_H_
#define CACHEFORGE_FUZZ_COMMAND_SCRIPT_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/server.h"
#include "commands/blocking.h"
#include "commands/command_table.h"
#include "commands/dispatcher.h"
#include "commands/pubsub_family.h"
#include "commands/transaction_family.h"
#include "net/resp_writer.h"

namespace cacheforge {

class ScriptBytes {
 public:
  explicit ScriptBytes(std::string_view data) : data_(data) {}
  bool done() const { return at_ >= data_.size(); }
  uint8_t Next() { return done() ? 0 : static_cast<uint8_t>(data_[at_++]); }
  std::string Raw(size_t n) {
    std::string out(data_.substr(std::min(at_, data_.size()), n));
    at_ += n;
    return out;
  }

 private:
  std::string_view data_;
  size_t at_ = 0;
};

// Commands a script may not run: they stop the process, sleep, or change
// settings other scripts depend on.
inline bool ScriptMayRun(std::string_view name) {
  return name != "shutdown" && name != "debug" && name != "config" && name != "bgrewriteaof";
}

inline std::string ScriptArg(ScriptBytes& in) {
  static const char* const kKeys[] = {"k0", "k1", "k2", "k3", "{t}a", "{t}b"};
  static const char* const kNumbers[] = {"0",
                                         "1",
                                         "-1",
                                         "3",
                                         "100",
                                         "2147483648",
                                         "-9223372036854775808",
                                         "9223372036854775807",
                                         "inf",
                                         "-inf",
                                         "nan",
                                         "1.5",
                                         "(1",
                                         "[a",
                                         "+",
                                         "-",
                                         "0.01"};
  static const char* const kWords[] = {
      "LEFT", "RIGHT", "MIN",      "MAX",     "COUNT", "WITHSCORES", "LIMIT", "BYSCORE", "BYLEX",
      "REV",  "NX",    "XX",       "GT",      "LT",    "CH",         "INCR",  "EX",      "PX",
      "GET",  "MATCH", "TYPE",     "WEIGHTS", "SUM",   "STORE",      "AFTER", "RANK",    "MAXLEN",
      "LEN",  "IDX",   "OVERFLOW", "SAT",     "FAIL",  "i8",         "u4",    "#1",      "KEEPTTL"};
  switch (in.Next() % 8) {
    case 0:
    case 1:
    case 2:
      return kKeys[in.Next() % std::size(kKeys)];
    case 3:
    case 4:
      return kNumbers[in.Next() % std::size(kNumbers)];
    case 5:
    case 6:
      return kWords[in.Next() % std::size(kWords)];
    default:
      return in.Raw(in.Next() % 8);
  }
}

inline std::string RunCommandScript(Server& server, std::string_view data) {
  const std::vector<const CommandEntry*>& table = CommandTable::Get().commands();
  const uint64_t baseline = server.databases().DatasetBytes();
  struct Client {
    ClientSession session;
  };
  Client clients[3];
  for (Client& c : clients) {
    c.session.info = std::make_shared<ClientInfo>();
    c.session.wake = [] {};
  }
  ScriptBytes in(data);
  std::string violation;
  std::string out;
  while (!in.done() && violation.empty()) {
    Client& client = clients[in.Next() % 3];
    ClientSession& session = client.session;
    if (session.blocked != nullptr) {
      // A waiting client runs nothing: it is served, or the script ends it.
      if (session.blocked->state.load() == Waiter::kDone) {
        session.blocked.reset();
      } else if (in.Next() % 2 == 0) {
        EndWait(server, *session.blocked, Waiter::kTimedOut);
        session.blocked.reset();
      }
      continue;
    }
    const CommandEntry* entry = table[in.Next() % table.size()];
    if (!ScriptMayRun(entry->spec->name)) continue;
    std::vector<std::string> args = {entry->spec->name};
    if (!entry->subcommands.empty()) {
      entry = entry->subcommands[in.Next() % entry->subcommands.size()];
      args.push_back(entry->spec->name);
    }
    // Mostly as many arguments as the command takes, so that handlers run
    // past the arity check; now and then any number.
    const int arity = entry->spec->arity;
    int n = (arity > 0 ? arity : -arity + in.Next() % 4) - static_cast<int>(args.size());
    if (in.Next() % 8 == 0) n = in.Next() % 7;
    for (; n > 0; --n) args.push_back(ScriptArg(in));
    std::vector<std::string_view> views(args.begin(), args.end());
    CommandContext ctx{server, session, server.thread_stats(0), views, NowMs()};
    Reply reply = Dispatch(ctx);
    out.clear();
    AppendReply(reply, &out);
    if (reply.type() == Reply::Type::kNoReply && session.blocked == nullptr) {
      violation = "no reply from '" + args[0] + "', and the client does not wait";
    }
  }
  // Every client lets go.
  for (Client& c : clients) {
    if (c.session.blocked != nullptr) {
      EndWait(server, *c.session.blocked, Waiter::kCancelled);
      c.session.blocked.reset();
    }
    UnwatchAll(server.databases(), c.session.watch);
    LeaveAllSubscriptions(server, c.session);
  }
  if (violation.empty() && server.clients().BlockedCount() != 0) {
    violation = "clients still counted as blocked after every wait ended";
  }
  ClientSession cleaner;
  cleaner.info = std::make_shared<ClientInfo>();
  std::vector<std::string_view> flush = {"FLUSHALL"};
  CommandContext ctx{server, cleaner, server.thread_stats(0), flush, NowMs()};
  Dispatch(ctx);
  if (violation.empty() && server.databases().DatasetBytes() != baseline) {
    violation = "FLUSHALL left " + std::to_string(server.databases().DatasetBytes()) +
                " bytes counted, not the " + std::to_string(baseline) + " before the script";
  }
  return violation;
}

}  // namespace cacheforge

#endif  // CACHEFORGE_FUZZ_COMMAND_SCRIPT_H_
