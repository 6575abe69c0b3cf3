// server/persist/check_aof_main.cc
// -----------------------------------------------------------------------------
// cacheforge-check-aof [--fix] FILE: says whether an append-only file is made
// of complete commands and, with --fix, truncates it after the last one (the
// removed bytes are first copied to FILE.dropped-UNIXMS). Reads the file with
// the same scanner the server loads it with, so they agree on every byte.
//
// Exit status: 0 the file is valid (or was fixed), 1 it is not valid, 2 usage
// or I/O error.
#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>

#include "cli/usage_error.h"
#include "persist/aof_format.h"

namespace {

constexpr int kExitUsage = 2;

// Fills `file` and `fix` from the command line; returns the exit status when
// there is nothing more to do (--help, --version, a usage error).
std::optional<int> ParseCommandLine(int argc, char** argv, std::string* file, bool* fix) {
  CLI::App app(
      "Checks that FILE (a cacheforge or Redis append-only file) ends with a complete command.",
      "cacheforge-check-aof");
  app.set_help_flag("-h,--help", "this text");
  app.add_flag("--fix", *fix,
               "truncate FILE after its last complete command; the removed bytes are\n"
               "saved to FILE.dropped-UNIXMS first");
  app.set_version_flag("--version", "cacheforge-check-aof 0.1.0", "print the version and exit");
  app.add_option("FILE", *file, "the append-only file")->required()->type_name("");
  return cacheforge::ParseCommandLine(app, argc, argv, kExitUsage);
}

long long NowMs() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<long long>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

}  // namespace

int main(int argc, char** argv) {
  bool fix = false;
  std::string file;
  if (std::optional<int> done = ParseCommandLine(argc, argv, &file, &fix)) return *done;
  int fd = open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    std::fprintf(stderr, "cacheforge-check-aof: can't open %s: %s\n", file.c_str(),
                 std::strerror(errno));
    return 2;
  }
  cacheforge::AofScanResult scan;
  std::string error;
  if (!cacheforge::ScanAof(
          fd, [](std::span<const std::string_view>, uint64_t) { return true; }, &scan, &error)) {
    std::fprintf(stderr, "cacheforge-check-aof: %s: %s\n", file.c_str(), error.c_str());
    close(fd);
    return 2;
  }
  std::printf(
      "AOF analyzed: filename=%s, size=%llu, ok_up_to=%llu, ok_up_to_line=%llu, diff=%llu\n",
      file.c_str(), static_cast<unsigned long long>(scan.file_bytes),
      static_cast<unsigned long long>(scan.valid_bytes),
      static_cast<unsigned long long>(scan.valid_lines + 1),
      static_cast<unsigned long long>(scan.file_bytes - scan.valid_bytes));
  if (scan.problem.empty()) {
    std::printf("AOF %s is valid (%llu commands)\n", file.c_str(),
                static_cast<unsigned long long>(scan.commands));
    close(fd);
    return 0;
  }
  std::printf("AOF %s is not valid at byte %llu (line %llu): %s\n", file.c_str(),
              static_cast<unsigned long long>(scan.valid_bytes),
              static_cast<unsigned long long>(scan.valid_lines + 1), scan.problem.c_str());
  if (!fix) {
    std::printf("Use the --fix option to keep the %llu complete commands before it.\n",
                static_cast<unsigned long long>(scan.commands));
    close(fd);
    return 1;
  }
  std::string saved = file + ".dropped-" + std::to_string(NowMs());
  if (!cacheforge::CopyFileTail(fd, scan.valid_bytes, saved)) {
    std::fprintf(stderr, "cacheforge-check-aof: can't save the removed bytes to %s: %s\n",
                 saved.c_str(), std::strerror(errno));
    close(fd);
    return 2;
  }
  close(fd);
  if (truncate(file.c_str(), static_cast<off_t>(scan.valid_bytes)) != 0) {
    std::fprintf(stderr, "cacheforge-check-aof: can't truncate %s: %s\n", file.c_str(),
                 std::strerror(errno));
    return 2;
  }
  std::printf(
      "Successfully truncated AOF %s to %llu bytes (%llu commands); removed bytes saved to %s\n",
      file.c_str(), static_cast<unsigned long long>(scan.valid_bytes),
      static_cast<unsigned long long>(scan.commands), saved.c_str());
  return 0;
}
