// server/tests/aof_test.cc
// -----------------------------------------------------------------------------
// The append-only file: its format and strict scanner (every truncation point,
// garbage), what each write command records (absolute expiry times, results
// instead of float increments, nothing for a write that changed nothing), and
// a replay into a fresh server that reproduces the data.
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "command_test_util.h"
#include "fuzz/aof_load_check.h"
#include "persist/aof_format.h"
#include "persist/aof_loader.h"
#include "persist/append_only_file.h"

namespace cacheforge {
namespace {

std::string TempDir() {
  char pattern[] = "/tmp/cacheforge-aof-XXXXXX";
  return mkdtemp(pattern);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteFile(const std::string& path, const std::string& data) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << data;
}

// Scans `data` (through a real file) and returns every command as one
// space-joined string.
std::vector<std::string> Scan(const std::string& dir, const std::string& data,
                              AofScanResult* result) {
  std::string path = dir + "/scan.aof";
  WriteFile(path, data);
  int fd = open(path.c_str(), O_RDONLY);
  std::vector<std::string> commands;
  std::string error;
  EXPECT_TRUE(ScanAof(
      fd,
      [&](std::span<const std::string_view> args, uint64_t) {
        std::string joined;
        for (std::string_view a : args) joined += (joined.empty() ? "" : " ") + std::string(a);
        commands.push_back(joined);
        return true;
      },
      result, &error))
      << error;
  close(fd);
  return commands;
}

TEST(AofFormatTest, EncodesRedisMultibulk) {
  std::string out;
  AppendAofCommand({"SET", "k", "hello world"}, &out);
  EXPECT_EQ(out, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$11\r\nhello world\r\n");
}

TEST(AofFormatTest, EveryTruncationKeepsTheCompleteCommandsBeforeIt) {
  std::string dir = TempDir();
  std::string data;
  std::vector<size_t> ends;
  AppendAofCommand({"SET", "a", "1"}, &data);
  ends.push_back(data.size());
  AppendAofCommand({"SET", "binary\r\nkey", std::string("\0\xff", 2)}, &data);
  ends.push_back(data.size());
  AppendAofCommand({"DEL", "a"}, &data);
  ends.push_back(data.size());
  for (size_t cut = 0; cut <= data.size(); ++cut) {
    AofScanResult result;
    std::vector<std::string> commands = Scan(dir, data.substr(0, cut), &result);
    size_t complete = 0;
    while (complete < ends.size() && ends[complete] <= cut) ++complete;
    size_t valid = complete == 0 ? 0 : ends[complete - 1];
    EXPECT_EQ(commands.size(), complete) << "cut at " << cut;
    EXPECT_EQ(result.valid_bytes, valid) << "cut at " << cut;
    EXPECT_EQ(result.file_bytes, cut);
    EXPECT_EQ(result.problem.empty(), valid == cut) << "cut at " << cut;
  }
}

TEST(AofFormatTest, GarbageStopsTheScanWhereItStarts) {
  std::string dir = TempDir();
  std::string data;
  AppendAofCommand({"SET", "a", "1"}, &data);
  size_t good = data.size();
  AofScanResult result;
  EXPECT_EQ(Scan(dir, data + "garbage\r\n", &result).size(), 1u);
  EXPECT_EQ(result.valid_bytes, good);
  EXPECT_NE(result.problem.find("expected '*'"), std::string::npos) << result.problem;
  EXPECT_EQ(result.valid_lines, 7u);

  EXPECT_EQ(Scan(dir, data + "*2\r\n$x\r\n", &result).size(), 1u);
  EXPECT_EQ(result.valid_bytes, good);
  EXPECT_FALSE(result.problem.empty());
  EXPECT_EQ(Scan(dir, data + "*0\r\n", &result).size(), 1u);
  EXPECT_EQ(result.problem, "empty command (*0)");
}

class AofCommandTest : public CommandTest {
 protected:
  AofCommandTest() : dir_(TempDir()), aof_(server_.databases(), dir_ + "/appendonly.aof") {
    now_ms_ = NowMs();
    std::string error;
    AppendOnlyFile::Settings settings;
    settings.fsync = FsyncPolicy::kNo;
    settings.rewrite_percentage = 0;
    EXPECT_TRUE(aof_.Open(settings, &error)) << error;
    server_.set_aof(&aof_);
  }

  // The commands in the file so far, space-joined.
  std::vector<std::string> Recorded() {
    aof_.Shutdown();
    AofScanResult result;
    std::vector<std::string> commands = Scan(dir_, ReadFile(aof_.path()), &result);
    EXPECT_TRUE(result.problem.empty()) << result.problem;
    return commands;
  }

  std::string dir_;
  AppendOnlyFile aof_;
};

TEST_F(AofCommandTest, RecordsEffectsWithAbsoluteTimes) {
  const std::string at = std::to_string(now_ms_ + 10'000);
  Run({"SET", "k", "v", "EX", "10"});
  Run({"SET", "k", "other", "NX"});  // no change: not recorded
  Run({"GET", "k"});                 // a read: not recorded
  Run({"SETEX", "s", "10", "v"});
  Run({"EXPIRE", "s", "10"});
  Run({"INCRBYFLOAT", "f", "0.1"});
  Run({"DEL", "missing"});  // no change
  Run({"MSET", "a", "1", "b", "2"});
  Run({"DEL", "a", "b", "missing"});
  Run({"GETEX", "k", "PERSIST"});
  Run({"INCR", "n"});
  EXPECT_EQ(Recorded(), (std::vector<std::string>{
                            "SELECT 0",  // every file starts by naming its database
                            "SET k v PXAT " + at,
                            "SET s v PXAT " + at,
                            "PEXPIREAT s " + at,
                            "SET f 0.1 KEEPTTL",
                            "MSET a 1 b 2",
                            "DEL a b missing",
                            "PERSIST k",
                            "INCR n",
                        }));
}

TEST_F(AofCommandTest, ReplayReproducesTheData) {
  Run({"SET", "k", "v", "PX", "100000"});
  Run({"APPEND", "k", "-more"});
  Run({"INCRBY", "n", "41"});
  Run({"INCR", "n"});
  Run({"MSET", "a", "1", "b", "2", "c", "3"});
  Run({"RENAME", "a", "z"});
  Run({"DEL", "b"});
  Run({"SETRANGE", "c", "3", "xyz"});
  Run({"PEXPIRE", "c", "1"});  // expired by the time it is replayed
  aof_.Shutdown();

  Config config;
  Server fresh(&config, 1, CommandTable::Get().size());
  AofLoadReport report;
  std::string error;
  ASSERT_TRUE(LoadAppendOnlyFile(fresh, aof_.path(), false, &report, &error)) << error;
  EXPECT_EQ(report.commands, 10u);  // SELECT 0 and nine writes
  EXPECT_EQ(report.failed, 0u);
  usleep(2000);  // let "c" expire in both
  Server* original = &server_;
  for (Server* s : {original, &fresh}) {
    ClientSession session;
    session.info = std::make_shared<ClientInfo>();
    auto get = [&](std::vector<std::string> args) {
      std::vector<std::string_view> views(args.begin(), args.end());
      CommandContext ctx{*s, session, s->thread_stats(0), views, NowMs()};
      std::string out;
      AppendReply(Dispatch(ctx), &out);
      return out;
    };
    EXPECT_EQ(get({"GET", "k"}), Bulk("v-more"));
    EXPECT_EQ(get({"GET", "n"}), Bulk("42"));
    EXPECT_EQ(get({"MGET", "a", "b", "c", "z"}), "*4\r\n$-1\r\n$-1\r\n$-1\r\n" + Bulk("1"));
    EXPECT_EQ(get({"DBSIZE"}), Int(2 + 1));  // k, n, z
    std::string pttl = get({"PTTL", "k"});
    EXPECT_EQ(pttl[0], ':');
    EXPECT_GT(std::stoll(pttl.substr(1)), 0) << pttl;
  }
}

TEST_F(AofCommandTest, LoaderDropsATruncatedTailOrRefusesIt) {
  Run({"SET", "a", "1"});
  Run({"SET", "b", "2"});
  aof_.Shutdown();
  std::string data = ReadFile(aof_.path());
  WriteFile(aof_.path(), data + "*3\r\n$3\r\nSET\r\n$1\r\nc");

  Config config;
  Server strict(&config, 1, CommandTable::Get().size());
  AofLoadReport report;
  std::string error;
  EXPECT_FALSE(LoadAppendOnlyFile(strict, aof_.path(), false, &report, &error));
  EXPECT_NE(error.find("at byte " + std::to_string(data.size())), std::string::npos) << error;
  EXPECT_NE(error.find("cacheforge-check-aof --fix"), std::string::npos) << error;

  Server lenient(&config, 1, CommandTable::Get().size());
  ASSERT_TRUE(LoadAppendOnlyFile(lenient, aof_.path(), true, &report, &error)) << error;
  EXPECT_EQ(report.commands, 3u);  // SELECT 0, SET, SET
  EXPECT_EQ(report.dropped_bytes, 18u);
  EXPECT_EQ(ReadFile(aof_.path()), data);  // truncated to the valid prefix
  EXPECT_EQ(ReadFile(report.dropped_to), "*3\r\n$3\r\nSET\r\n$1\r\nc");
}

TEST_F(AofCommandTest, UnknownCommandIsABadFile) {
  aof_.Shutdown();
  std::string data;
  AppendAofCommand({"SET", "a", "1"}, &data);
  size_t good = data.size();
  AppendAofCommand({"NOSUCHCOMMAND", "x"}, &data);
  WriteFile(aof_.path(), data);
  Config config;
  Server fresh(&config, 1, CommandTable::Get().size());
  AofLoadReport report;
  std::string error;
  EXPECT_FALSE(LoadAppendOnlyFile(fresh, aof_.path(), false, &report, &error));
  EXPECT_NE(error.find("unknown command 'NOSUCHCOMMAND'"), std::string::npos) << error;
  EXPECT_NE(error.find("at byte " + std::to_string(good)), std::string::npos) << error;
}

TEST_F(AofCommandTest, TransactionsAreRecordedWhole) {
  Run({"MULTI"});
  Run({"SET", "a", "1"});
  Run({"GET", "a"});
  Run({"RPUSH", "l", "x"});
  Run({"EXEC"});
  Run({"MULTI"});  // one write: no wrapper needed, as in Redis
  Run({"INCR", "n"});
  Run({"GET", "n"});
  Run({"EXEC"});
  Run({"MULTI"});  // only reads, or writes that change nothing: nothing at all
  Run({"GET", "a"});
  Run({"DEL", "missing"});
  Run({"EXEC"});
  EXPECT_EQ(Recorded(), (std::vector<std::string>{"SELECT 0", "MULTI", "SET a 1", "RPUSH l x",
                                                  "EXEC", "INCR n"}));
}

TEST_F(AofCommandTest, ServedBlockingCommandsAreRecordedAsWhatTheyDid) {
  ClientSession waiter;
  waiter.info = std::make_shared<ClientInfo>();
  waiter.wake = [] {};
  auto run_as = [&](ClientSession& session, std::vector<std::string> args) {
    std::vector<std::string_view> views(args.begin(), args.end());
    CommandContext ctx{server_, session, server_.thread_stats(0), views, now_ms_};
    return Dispatch(ctx);
  };
  run_as(waiter, {"BLPOP", "q", "0"});  // waits: nothing recorded
  Run({"RPUSH", "q", "a"});             // serves it
  waiter.blocked.reset();
  run_as(waiter, {"BLMOVE", "src", "dst", "RIGHT", "LEFT", "0"});
  Run({"RPUSH", "src", "b"});
  waiter.blocked.reset();
  Run({"RPUSH", "z", "c"});
  run_as(waiter, {"BRPOP", "z", "0"});  // served at once
  EXPECT_EQ(Recorded(),
            (std::vector<std::string>{"SELECT 0", "RPUSH q a", "LPOP q", "RPUSH src b",
                                      "LMOVE src dst RIGHT LEFT", "RPUSH z c", "RPOP z"}));
}

TEST(AofFormatTest, AnUnfinishedTransactionIsABadTail) {
  std::string dir = TempDir();
  std::string data;
  AppendAofCommand({"SET", "a", "1"}, &data);
  const size_t good = data.size();
  AppendAofCommand({"MULTI"}, &data);
  AppendAofCommand({"SET", "b", "2"}, &data);
  AofScanResult result;
  Scan(dir, data, &result);
  EXPECT_EQ(result.valid_bytes, good);
  EXPECT_EQ(result.valid_lines, 7u);
  EXPECT_EQ(result.commands, 1u);
  EXPECT_NE(result.problem.find("MULTI without its EXEC"), std::string::npos) << result.problem;
  // A torn command inside the transaction cuts at the MULTI too.
  Scan(dir, data + "*2\r\n$3\r\nDEL", &result);
  EXPECT_EQ(result.valid_bytes, good);
  // Finished, it is valid.
  AppendAofCommand({"EXEC"}, &data);
  Scan(dir, data, &result);
  EXPECT_TRUE(result.problem.empty()) << result.problem;
  EXPECT_EQ(result.valid_bytes, data.size());
}

// Writes in several databases: each record follows a SELECT of its
// database when the one before ran elsewhere (inside a transaction too), and
// a replay puts every key back in its database.
TEST_F(AofCommandTest, DatabasesAreRecordedWithSelectAndReplayed) {
  Run({"SELECT", "2"});
  Run({"SET", "a", "1"});
  Run({"SET", "a2", "x"});
  Run({"SELECT", "0"});
  Run({"SET", "b", "2"});
  Run({"MULTI"});
  Run({"SELECT", "3"});
  Run({"SET", "c", "3"});
  Run({"SELECT", "0"});
  Run({"INCR", "n"});
  Run({"EXEC"});
  Run({"MOVE", "b", "4"});
  Run({"SWAPDB", "2", "5"});
  Run({"SELECT", "5"});
  Run({"COPY", "a", "a", "DB", "6"});
  EXPECT_EQ(Recorded(),
            (std::vector<std::string>{"SELECT 2", "SET a 1", "SET a2 x", "SELECT 0", "SET b 2",
                                      "SELECT 3", "MULTI", "SET c 3", "SELECT 0", "INCR n", "EXEC",
                                      "MOVE b 4", "SWAPDB 2 5", "SELECT 5", "COPY a a DB 6"}));

  Config config;
  Server fresh(&config, 1, CommandTable::Get().size());
  AofLoadReport report;
  std::string error;
  ASSERT_TRUE(LoadAppendOnlyFile(fresh, aof_.path(), false, &report, &error)) << error;
  EXPECT_EQ(report.failed, 0u);
  for (Server* s : {&server_, &fresh}) {
    ClientSession session;
    session.info = std::make_shared<ClientInfo>();
    auto run = [&](std::vector<std::string> args) {
      std::vector<std::string_view> views(args.begin(), args.end());
      CommandContext ctx{*s, session, s->thread_stats(0), views, NowMs()};
      std::string out;
      AppendReply(Dispatch(ctx), &out);
      return out;
    };
    // database: its keys, as KEYS * sorted
    const std::vector<std::pair<int, std::string>> expected = {
        {0, "n=1"}, {2, ""}, {3, "c=3"}, {4, "b=2"}, {5, "a=1 a2=x"}, {6, "a=1"}};
    for (const auto& [db, contents] : expected) {
      run({"SELECT", std::to_string(db)});
      std::string seen;
      for (const char* key : {"a", "a2", "b", "c", "n"}) {
        std::string value = run({"GET", key});
        if (value == kNil) continue;
        if (!seen.empty()) seen += " ";
        const size_t start = value.find("\r\n") + 2;
        seen += std::string(key) + "=" + value.substr(start, value.size() - start - 2);
      }
      EXPECT_EQ(seen, contents) << "db " << db << (s == &fresh ? " (replayed)" : "");
    }
  }
}

TEST_F(AofCommandTest, ReplayAppliesAWholeTransactionOrNone) {
  aof_.Shutdown();
  std::string data;
  for (std::vector<std::string_view> command : std::vector<std::vector<std::string_view>>{
           {"MULTI"}, {"SET", "a", "1"}, {"INCR", "a"}, {"EXEC"}, {"MULTI"}, {"SET", "b", "2"}}) {
    AppendAofCommand(command, &data);
  }
  WriteFile(aof_.path(), data);
  Config config;
  Server fresh(&config, 1, CommandTable::Get().size());
  ClientSession session;
  session.info = std::make_shared<ClientInfo>();
  AofLoadReport report;
  std::string error;
  ASSERT_TRUE(LoadAppendOnlyFile(fresh, aof_.path(), true, &report, &error)) << error;
  EXPECT_EQ(report.commands, 4u);
  EXPECT_EQ(report.failed, 0u);
  std::vector<std::string> args = {"MGET", "a", "b"};
  std::vector<std::string_view> views(args.begin(), args.end());
  CommandContext ctx{fresh, session, fresh.thread_stats(0), views, NowMs()};
  std::string out;
  AppendReply(Dispatch(ctx), &out);
  EXPECT_EQ(out, "*2\r\n" + Bulk("2") + kNil);
  EXPECT_NE(ReadFile(report.dropped_to).find("MULTI"), std::string::npos);
}

// The fuzz target's invariants over the saved inputs and over every prefix of
// a small valid file (each cut is a crash in the middle of a write).
TEST(AofFuzzRegressions, LoaderInvariantsHold) {
  Config config;
  Server server(&config, 1, CommandTable::Get().size());
  const std::string path = TempDir() + "/fuzz.aof";
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(CACHEFORGE_AOF_FUZZ_REGRESSIONS)) {
    if (!entry.is_regular_file() || entry.path().extension() == ".md") continue;
    EXPECT_EQ(CheckAofLoad(server, path, ReadFile(entry.path())), "") << entry.path();
    ++files;
  }
  EXPECT_GE(files, 6u);
  std::string data;
  AppendAofCommand({"SET", "k", "v", "PXAT", "99999999999999"}, &data);
  AppendAofCommand({"INCR", "n"}, &data);
  AppendAofCommand({"DEL", "k", "n"}, &data);
  AppendAofCommand({"MULTI"}, &data);  // a transaction: a cut inside drops it whole
  AppendAofCommand({"INCR", "n"}, &data);
  AppendAofCommand({"EXEC"}, &data);
  for (size_t cut = 0; cut <= data.size(); ++cut) {
    EXPECT_EQ(CheckAofLoad(server, path, data.substr(0, cut)), "") << "cut at " << cut;
  }
}

}  // namespace
}  // namespace cacheforge
