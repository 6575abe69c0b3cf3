// server/tests/command_test_util.h
// -----------------------------------------------------------------------------
// Runs commands through the real dispatcher against a real keyspace, with a
// clock the test controls, and renders replies as RESP for short assertions.
#ifndef CACHEFORGE_TESTS_COMMAND_TEST_UTIL_H_
#define CACHEFORGE_TESTS_COMMAND_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/config.h"
#include "base/server.h"
#include "commands/command_table.h"
#include "commands/dispatcher.h"
#include "net/resp_writer.h"

namespace cacheforge {

class CommandTest : public testing::Test {
 protected:
  CommandTest()
      : server_(&config_, /*loops=*/1, CommandTable::Get().size()), now_ms_(1'700'000'000'000) {
    session_.info = std::make_shared<ClientInfo>();
    session_.info->id = server_.clients().NextId();
    session_.info->addr = "127.0.0.1:5000";
    session_.info->laddr = "127.0.0.1:6379";
    server_.clients().Add(session_.info);
  }

  // Runs one command; the reply as the client sees it (RESP2 until HELLO 3).
  std::string Run(std::vector<std::string> args) {
    std::vector<std::string_view> views(args.begin(), args.end());
    CommandContext ctx{server_, session_, server_.thread_stats(0), views, now_ms_};
    std::string out;
    Reply reply = Dispatch(ctx);  // HELLO changes the protocol of its own reply
    AppendReply(reply, session_.protocol, &out);
    return out;
  }

  static std::string Bulk(std::string_view s) {
    return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n";
  }
  static std::string Int(int64_t n) { return ":" + std::to_string(n) + "\r\n"; }
  static std::string Err(std::string_view s) { return "-" + std::string(s) + "\r\n"; }

  static constexpr char kOk[] = "+OK\r\n";
  static constexpr char kNil[] = "$-1\r\n";

  Config config_;
  Server server_;
  ClientSession session_;
  int64_t now_ms_;
};

}  // namespace cacheforge

#endif  // CACHEFORGE_TESTS_COMMAND_TEST_UTIL_H_
