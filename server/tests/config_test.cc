// server/tests/config_test.cc
// -----------------------------------------------------------------------------
// Settings: defaults, validation, the config file and the command line.
#include "base/config.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace cacheforge {
namespace {

bool Parse(Config* config, std::vector<std::string> args, std::string* error) {
  args.insert(args.begin(), "cacheforge-server");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  return config->ParseArgs(static_cast<int>(argv.size()), argv.data(), error);
}

TEST(Config, Defaults) {
  Config config;
  EXPECT_EQ(config.GetString("bind"), "127.0.0.1");
  EXPECT_EQ(config.GetInt("port"), 6379);
  EXPECT_GE(config.GetInt("threads"), 1);
  EXPECT_EQ(config.GetInt("proto-max-bulk-len"), 512LL * 1024 * 1024);
  EXPECT_EQ(config.proto_max_bulk_len(), 512LL * 1024 * 1024);
  EXPECT_EQ(config.client_query_buffer_limit(), 1024LL * 1024 * 1024);
  EXPECT_EQ(config.GetString("appendonly"), "no");
}

TEST(Config, CommandLine) {
  Config config;
  std::string error;
  ASSERT_TRUE(Parse(&config,
                    {"--port", "7000", "--threads", "2", "--maxmemory", "100mb", "--appendonly",
                     "YES", "--loglevel", "verbose"},
                    &error))
      << error;
  EXPECT_EQ(config.GetInt("port"), 7000);
  EXPECT_EQ(config.GetInt("threads"), 2);
  EXPECT_EQ(config.GetString("maxmemory"), "104857600");
  EXPECT_EQ(config.GetString("appendonly"), "yes");
  EXPECT_EQ(config.loglevel(), LogLevel::kVerbose);
}

TEST(Config, CommandLineErrorsNameTheProblem) {
  std::string error;
  Config a;
  EXPECT_FALSE(Parse(&a, {"--no-such-thing", "1"}, &error));
  EXPECT_EQ(error, "unknown option '--no-such-thing' (see --help)");
  Config b;
  EXPECT_FALSE(Parse(&b, {"--port", "70000"}, &error));
  EXPECT_EQ(error, "bad value '70000' for --port: argument must be between 0 and 65535 inclusive");
  Config c;
  EXPECT_FALSE(Parse(&c, {"--maxmemory", "lots"}, &error));
  EXPECT_EQ(error, "bad value 'lots' for --maxmemory: argument must be a memory value");
  Config d;
  EXPECT_FALSE(Parse(&d, {"--appendonly", "maybe"}, &error));
  EXPECT_EQ(error, "bad value 'maybe' for --appendonly: argument must be 'yes' or 'no'");
  Config e;
  EXPECT_FALSE(Parse(&e, {"--port"}, &error));
  EXPECT_EQ(error, "option '--port' needs a value");
  Config f;
  EXPECT_FALSE(Parse(&f, {"--loglevel", "loud"}, &error));
  EXPECT_EQ(error,
            "bad value 'loud' for --loglevel: argument(s) must be one of the following: debug, "
            "verbose, notice, warning");
}

TEST(Config, FileThenFlagsOverride) {
  std::string path = testing::TempDir() + "/cacheforge_config_test.conf";
  {
    std::ofstream out(path);
    // Comments may hold anything, unbalanced quotes too (as in Redis's own
    // redis.conf: "the server's ...").
    out << "# a comment\n  # the service's state directory\n\nport 7100\nmaxmemory 2gb\n"
           "logfile \"\"\nbind \"127.0.0.1 ::1\"\n";
  }
  Config config;
  std::string error;
  ASSERT_TRUE(Parse(&config, {"--config", path, "--port", "7200"}, &error)) << error;
  EXPECT_EQ(config.GetInt("port"), 7200);
  EXPECT_EQ(config.GetInt("maxmemory"), 2LL * 1024 * 1024 * 1024);
  EXPECT_EQ(config.GetString("bind"), "127.0.0.1 ::1");
  std::remove(path.c_str());
}

TEST(Config, FileErrorsNameTheLine) {
  std::string path = testing::TempDir() + "/cacheforge_config_bad.conf";
  {
    std::ofstream out(path);
    out << "port 7100\nfrobnicate yes\n";
  }
  Config config;
  std::string error;
  EXPECT_FALSE(config.LoadFile(path, &error));
  EXPECT_EQ(error, path + ":2: unknown setting 'frobnicate'");
  {
    std::ofstream out(path);
    out << "port 7100\n\nhz 0\n";
  }
  EXPECT_FALSE(config.LoadFile(path, &error));
  EXPECT_EQ(error, path + ":3: bad value for 'hz': argument must be between 1 and 500 inclusive");
  EXPECT_FALSE(config.LoadFile(path + ".missing", &error));
  std::remove(path.c_str());
}

TEST(Config, RuntimeChangesAndGlobs) {
  Config config;
  std::string error;
  EXPECT_FALSE(config.Set("port", "1234", /*at_runtime=*/true, &error));
  EXPECT_EQ(error, "can't set immutable config");
  EXPECT_TRUE(config.Set("MAXMEMORY", "1kb", true, &error));
  EXPECT_EQ(config.GetInt("maxmemory"), 1024);
  auto matches = config.Match("max*");
  ASSERT_EQ(matches.size(), 4u);
  EXPECT_EQ(matches[0].first, "maxclients");
  EXPECT_EQ(matches[1], (std::pair<std::string, std::string>{"maxmemory", "1024"}));
  EXPECT_EQ(matches[2].first, "maxmemory-policy");
  EXPECT_EQ(matches[3], (std::pair<std::string, std::string>{"maxmemory-samples", "5"}));
  EXPECT_TRUE(config.Set("proto-max-bulk-len", "2mb", true, &error));
  EXPECT_EQ(config.proto_max_bulk_len(), 2 * 1024 * 1024);
}

TEST(Config, MemorySettings) {
  Config config;
  EXPECT_EQ(config.maxmemory(), 0u);
  EXPECT_EQ(config.maxmemory_policy(), EvictionPolicy::kNoEviction);
  EXPECT_EQ(config.maxmemory_samples(), 5);
  EXPECT_EQ(config.lfu_log_factor(), 10);
  EXPECT_EQ(config.lfu_decay_time(), 1);
  std::string error;
  ASSERT_TRUE(config.Set("maxmemory-policy", "VOLATILE-TTL", true, &error)) << error;
  EXPECT_EQ(config.maxmemory_policy(), EvictionPolicy::kVolatileTtl);
  EXPECT_EQ(config.GetString("maxmemory-policy"), "volatile-ttl");
  ASSERT_TRUE(config.Set("maxmemory", "64mb", true, &error));
  EXPECT_EQ(config.maxmemory(), 64u << 20);
  EXPECT_FALSE(config.Set("maxmemory-samples", "65", true, &error));
  EXPECT_EQ(error, "argument must be between 1 and 64 inclusive");
}

TEST(Config, ClientOutputBufferLimit) {
  Config config;
  EXPECT_EQ(config.GetString("client-output-buffer-limit"),
            "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60");
  EXPECT_EQ(config.output_hard_limit(), 0);
  std::string error;
  // The classes given change; the others keep their values, as in Redis.
  ASSERT_TRUE(config.Set("client-output-buffer-limit", "normal 10mb 5mb 30", true, &error))
      << error;
  EXPECT_EQ(config.GetString("client-output-buffer-limit"),
            "normal 10485760 5242880 30 slave 268435456 67108864 60 pubsub 33554432 8388608 60");
  EXPECT_EQ(config.output_hard_limit(), 10 << 20);
  EXPECT_EQ(config.output_soft_limit(), 5 << 20);
  EXPECT_EQ(config.output_soft_seconds(), 30);
  ASSERT_TRUE(
      config.Set("client-output-buffer-limit", "pubsub 0 0 0 replica 1mb 1mb 1", true, &error));
  EXPECT_EQ(config.GetString("client-output-buffer-limit"),
            "normal 10485760 5242880 30 slave 1048576 1048576 1 pubsub 0 0 0");
  EXPECT_EQ(config.output_hard_limit(), 10 << 20);
  EXPECT_FALSE(config.Set("client-output-buffer-limit", "normal 1mb 1mb", true, &error));
  EXPECT_EQ(error, "Wrong number of arguments in buffer limit configuration.");
  EXPECT_FALSE(config.Set("client-output-buffer-limit", "master 1mb 1mb 1", true, &error));
  EXPECT_EQ(error, "Invalid client class specified in buffer limit configuration.");
  EXPECT_FALSE(config.Set("client-output-buffer-limit", "normal lots 1mb 1", true, &error));
  EXPECT_EQ(error, "Error in hard, soft or soft_seconds setting in buffer limit configuration.");
  EXPECT_FALSE(config.Set("client-output-buffer-limit", "normal 1mb 1mb -1", true, &error));
  EXPECT_EQ(error, "Error in hard, soft or soft_seconds setting in buffer limit configuration.");
  EXPECT_EQ(config.output_hard_limit(), 10 << 20) << "a refused value changes nothing";
}

TEST(Config, ClientOutputBufferLimitInAFile) {
  std::string path = testing::TempDir() + "/cacheforge_config_obuf.conf";
  {
    std::ofstream out(path);
    out << "client-output-buffer-limit normal 256mb 64mb 60\nmaxmemory-policy allkeys-lru\n";
  }
  Config config;
  std::string error;
  ASSERT_TRUE(config.LoadFile(path, &error)) << error;
  EXPECT_EQ(config.output_hard_limit(), 256 << 20);
  EXPECT_EQ(config.output_soft_limit(), 64 << 20);
  EXPECT_EQ(config.output_soft_seconds(), 60);
  EXPECT_EQ(config.maxmemory_policy(), EvictionPolicy::kAllKeysLru);
  {
    std::ofstream out(path);
    out << "client-output-buffer-limit normal 256mb\n";
  }
  EXPECT_FALSE(config.LoadFile(path, &error));
  EXPECT_EQ(error, path +
                       ":1: bad value for 'client-output-buffer-limit': Wrong number of arguments "
                       "in buffer limit configuration.");
  std::remove(path.c_str());
}

TEST(Config, ConnectionAndOperationsSettings) {
  Config config;
  EXPECT_EQ(config.maxclients(), 10000);
  EXPECT_EQ(config.timeout_seconds(), 0);
  EXPECT_EQ(config.tcp_keepalive(), 300);
  EXPECT_TRUE(config.protected_mode());
  EXPECT_EQ(config.GetInt("metrics-port"), 0);
  EXPECT_EQ(config.GetInt("shutdown-timeout"), 10);
  std::string error;
  ASSERT_TRUE(config.Set("timeout", "30", true, &error)) << error;
  ASSERT_TRUE(config.Set("tcp-keepalive", "60", true, &error)) << error;
  ASSERT_TRUE(config.Set("protected-mode", "no", true, &error)) << error;
  EXPECT_EQ(config.timeout_seconds(), 30);
  EXPECT_EQ(config.tcp_keepalive(), 60);
  EXPECT_FALSE(config.protected_mode());
  EXPECT_FALSE(config.Set("metrics-port", "9121", true, &error));
  EXPECT_EQ(error, "can't set immutable config");
  EXPECT_FALSE(config.Set("metrics-port", "70000", false, &error));
  EXPECT_EQ(error, "argument must be between 0 and 65535 inclusive");
  EXPECT_FALSE(config.Set("timeout", "-1", true, &error));
  EXPECT_FALSE(config.Set("protected-mode", "maybe", true, &error));
  EXPECT_EQ(error, "argument must be 'yes' or 'no'");
}

TEST(Config, RuntimeCheckCanRefuseAChange) {
  Config config;
  std::string seen;
  config.SetRuntimeCheck("MaxClients", [&seen](const std::string& value, std::string* why) {
    seen = value;
    if (value == "500") return true;
    *why = "try with 500";
    return false;
  });
  std::string error;
  EXPECT_FALSE(config.Check("maxclients", "600", true, &error));
  EXPECT_EQ(error, "try with 500");
  EXPECT_FALSE(config.Set("maxclients", "600", true, &error));
  EXPECT_EQ(config.maxclients(), 10000) << "a refused change is not stored";
  EXPECT_TRUE(config.Set("maxclients", "500", true, &error)) << error;
  EXPECT_EQ(seen, "500");
  EXPECT_EQ(config.maxclients(), 500);
  // Startup settings (the file, the command line) are not runtime changes.
  EXPECT_TRUE(config.Set("maxclients", "600", false, &error)) << error;
  EXPECT_EQ(config.maxclients(), 600);
}

}  // namespace
}  // namespace cacheforge
