// server/persist/aof_loader.cc
// -----------------------------------------------------------------------------
// Replays an append-only file through the dispatcher.
#include "persist/aof_loader.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <memory>

#include "base/log.h"
#include "commands/command_table.h"
#include "commands/dispatcher.h"

namespace cacheforge {

bool LoadAppendOnlyFile(Server& server, const std::string& path, bool allow_truncated,
                        AofLoadReport* report, std::string* error) {
  *report = AofLoadReport{};
  int64_t start = NowMs();
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {
      report->missing = true;
      return true;
    }
    *error = "Can't open the append only file " + path + " for reading: " + std::strerror(errno);
    return false;
  }
  // The replaying client: authenticated, not counted in INFO's totals, and
  // marked so the memory limit does not apply to it.
  ThreadStats stats(CommandTable::Get().size());
  ClientSession session;
  session.info = std::make_shared<ClientInfo>();
  session.authenticated = true;
  session.replaying_aof = true;
  std::string failure;  // a command the server does not know: the file is not ours
  uint64_t command_start = 0;
  AofScanResult& scan = report->scan;
  bool read_ok = ScanAof(
      fd,
      [&](std::span<const std::string_view> args, uint64_t end) {
        CommandContext ctx{server, session, stats, args, NowMs()};
        const CommandEntry* entry = CommandTable::Get().Find(args[0]);
        if (entry == nullptr) {
          failure = "unknown command '" + std::string(args[0].substr(0, 64)) + "'";
          return false;
        }
        // Only what an AOF holds: writes, and the SELECT 0 Redis starts files
        // with. A file that asks for anything else (DEBUG SLEEP, SHUTDOWN,
        // CONFIG SET) was not written by a server and is not obeyed.
        const std::string_view name = entry->spec->name;
        if (!(entry->spec->flags & kCmdWrite) && name != "select" && name != "multi" &&
            name != "exec") {
          failure = "'" + std::string(args[0].substr(0, 64)) + "' is not a write command";
          return false;
        }
        Reply reply = Dispatch(ctx);
        if (reply.is_error()) {
          if (report->failed++ == 0) {
            Log(LogLevel::kWarning, "AOF %s: the command at byte %llu answered an error: %s",
                path.c_str(), static_cast<unsigned long long>(command_start), reply.text().c_str());
          }
        }
        command_start = end;
        return true;
      },
      &scan, error);
  if (!read_ok) {
    close(fd);
    *error = "Can't read the append only file " + path + ": " + *error;
    return false;
  }
  if (scan.stopped) scan.problem = failure;
  // Commands applied: those of the valid prefix (a transaction cut off at
  // the end of the file was queued, never run).
  report->commands = scan.commands;
  report->elapsed_ms = NowMs() - start;
  if (scan.problem.empty()) {
    close(fd);
    return true;
  }
  uint64_t bad = scan.file_bytes - scan.valid_bytes;
  if (!allow_truncated) {
    close(fd);
    *error = "Bad file format reading the append only file " + path + " at byte " +
             std::to_string(scan.valid_bytes) + " (line " + std::to_string(scan.valid_lines + 1) +
             "): " + scan.problem + ". Run 'cacheforge-check-aof --fix " + path + "' to keep the " +
             std::to_string(scan.commands) +
             " complete commands before it, or set 'aof-load-truncated yes' to do that at start.";
    return false;
  }
  report->dropped_bytes = bad;
  report->dropped_to = path + ".dropped-" + std::to_string(NowMs());
  if (!CopyFileTail(fd, scan.valid_bytes, report->dropped_to)) report->dropped_to.clear();
  close(fd);
  if (truncate(path.c_str(), static_cast<off_t>(scan.valid_bytes)) != 0) {
    *error = "Can't truncate the append only file " + path + " to its valid " +
             std::to_string(scan.valid_bytes) + " bytes: " + std::strerror(errno);
    return false;
  }
  return true;
}

}  // namespace cacheforge
