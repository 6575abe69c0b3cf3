// Capture through gdb; see capture.h.
#include "capture.h"

#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "dump_parser.h"
#include "subprocess.h"

namespace lockgraph::analyzer {
namespace {

// Runs inside gdb. Only reads: frame arguments, registers, memory. Every
// name starts with `_capture`: gdb runs sourced scripts in one namespace, and
// the gdb extension's own helpers (`_registry`, `_read_int`) must stay its own.
constexpr char kOwnerScript[] = R"PY(
import re
import gdb

_capture_MUTEX = re.compile(r'(pthread_mutex_(timed|clock)?lock|lll_lock_wait|lll_mutex_lock|'
                    r'mutex_lock_full|lll_(timed|clock)lock)')
_capture_RWLOCK = re.compile(r'pthread_rwlock_(timed|clock)?(rd|wr)lock')


def _capture_address(frame, names):
    for name in names:
        try:
            value = frame.read_var(name)
        except Exception:
            continue
        try:
            return int(value)
        except Exception:
            try:
                return int(value.cast(gdb.lookup_type('long').pointer()))
            except Exception:
                continue
    return None


def _capture_read_int(inferior, address):
    data = bytes(inferior.read_memory(address, 4))
    return int.from_bytes(data, 'little', signed=True)


def _capture_field(expression, fallback):
    # The typed read needs pthread types in the debug info; the raw read uses
    # the x86-64/aarch64 glibc layout.
    try:
        return int(gdb.parse_and_eval(expression))
    except Exception:
        return fallback()


def _capture_report(inferior, address, kind, waiter, source):
    try:
        if kind == 'mutex':
            owner = _capture_field('((pthread_mutex_t *) %d)->__data.__owner' % address,
                           lambda: _capture_read_int(inferior, address + 8))
            print('[lockgraph] lock %#x kind=mutex owner=%d waiter=%d source=%s'
                  % (address, owner, waiter, source))
        else:
            writer = _capture_field('((pthread_rwlock_t *) %d)->__data.__cur_writer' % address,
                            lambda: _capture_read_int(inferior, address + 24))
            readers = _capture_field('((pthread_rwlock_t *) %d)->__data.__readers' % address,
                             lambda: _capture_read_int(inferior, address)) & 0xffffffff
            print('[lockgraph] lock %#x kind=rwlock writer=%d readers=%d waiter=%d source=%s'
                  % (address, writer, readers >> 3, waiter, source))
    except Exception as e:
        print('[lockgraph] unreadable %#x: %s' % (address, e))


def _capture_scan():
    inferior = gdb.selected_inferior()
    print('[lockgraph] capture owners')
    for thread in sorted(inferior.threads(), key=lambda t: t.num):
        try:
            thread.switch()
            frame = gdb.newest_frame()
        except Exception:
            continue
        lwp = thread.ptid[1] or thread.ptid[0]
        innermost = frame
        depth = 0
        found = False
        saw_mutex_wait = False
        while frame is not None and depth < 32 and not found:
            name = frame.name() or ''
            kind = None
            if 'private' in name:
                # __lll_lock_wait_private: a libc-internal lock (malloc, stdio),
                # a bare int with no owner field to read.
                pass
            elif _capture_MUTEX.search(name):
                kind, names = 'mutex', ('mutex', 'futex')
                saw_mutex_wait = True
            elif _capture_RWLOCK.search(name):
                kind, names = 'rwlock', ('rwlock',)
            if kind:
                address = _capture_address(frame, names)
                if address:
                    _capture_report(inferior, address, kind, lwp, 'arg')
                    found = True
            try:
                frame = frame.older()
            except Exception:
                frame = None
            depth += 1
        if not found and saw_mutex_wait:
            # No arguments (libc without debug info): at the futex syscall,
            # rdi holds the futex word, which is the mutex's first member.
            try:
                if 'x86-64' in innermost.architecture().name():
                    address = int(innermost.read_register('rdi')) & 0xffffffffffffffff
                    if address:
                        _capture_report(inferior, address, 'mutex', lwp, 'register')
            except Exception:
                pass


_capture_scan()


def _capture_registry():
    # lockgraph's gdb extension, when it was sourced (or auto-loaded): each
    # lockgraph lock held and awaited, by name, from the program's registry.
    try:
        gdb.execute('lockgraph threads')
    except gdb.error as e:
        print('[lockgraph] gdb extension: %s' % e)


_capture_registry()
)PY";

}  // namespace

const char* OwnerScript() { return kOwnerScript; }

std::vector<std::string> GdbCommand(const CaptureTarget& target, const std::string& script_path) {
  std::vector<std::string> cmd = {"gdb", "-batch", "-nx", "-q"};
  for (const char* setting :
       {"set pagination off", "set width 0", "set height 0", "set confirm off",
        "set debuginfod enabled off", "set print thread-events off"}) {
    // -iex runs before the target is loaded, so no symbol download starts.
    cmd.push_back("-iex");
    cmd.push_back(setting);
  }
  if (target.pid > 0) {
    cmd.push_back("-p");
    cmd.push_back(std::to_string(target.pid));
  } else {
    cmd.push_back(target.exe);
    cmd.push_back(target.core);
  }
  if (!target.gdb_extension.empty()) {
    cmd.push_back("-x");
    cmd.push_back(target.gdb_extension);
  }
  cmd.push_back("-ex");
  cmd.push_back("thread apply all bt full");
  cmd.push_back("-x");
  cmd.push_back(script_path);
  return cmd;
}

bool Capture(const CaptureTarget& target, std::string* dump, std::string* error) {
  if (!InPath("gdb")) {
    *error = "gdb is not installed (not found in PATH); install the gdb package";
    return false;
  }
  if (target.pid <= 0) {
    for (const std::string* f : {&target.core, &target.exe}) {
      if (access(f->c_str(), R_OK) != 0) {
        *error = "cannot read " + *f;
        return false;
      }
    }
  }
  const char* tmp = getenv("TMPDIR");
  std::string path = std::string(tmp && *tmp ? tmp : "/tmp") + "/lockgraph-capture-XXXXXX.py";
  int fd = mkstemps(path.data(), 3);
  if (fd < 0) {
    *error = "cannot create a temporary file for the gdb script in " + path;
    return false;
  }
  std::string script = kOwnerScript;
  bool wrote = write(fd, script.data(), script.size()) == static_cast<ssize_t>(script.size());
  close(fd);
  if (!wrote) {
    unlink(path.c_str());
    *error = "cannot write the gdb script to " + path;
    return false;
  }
  ProcessResult r = RunProcess(GdbCommand(target, path), {}, target.timeout_seconds);
  unlink(path.c_str());
  if (!r.started) {
    *error = "could not run gdb: " + r.error;
    return false;
  }
  if (r.timed_out) {
    *error = "gdb did not finish within " +
             std::to_string(static_cast<int>(target.timeout_seconds)) + " s (killed)";
    return false;
  }
  Dump parsed;
  std::string parse_error;
  if (!ParseDump(r.out, "gdb output", &parsed, &parse_error)) {
    // Usually gdb's own reason: "ptrace: Operation not permitted.", "No such process."
    std::string why = r.err.empty() ? parse_error : r.err;
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    *error = "gdb printed no thread (exit " + std::to_string(r.exit_code) + "): " + why;
    return false;
  }
  std::string header = "[lockgraph] capture of " +
                       (target.pid > 0 ? "pid " + std::to_string(target.pid)
                                       : "core " + target.core + " of " + target.exe) +
                       "\n[lockgraph] gdb extension: " +
                       (target.gdb_extension.empty() ? "not found" : target.gdb_extension) + "\n";
  *dump = header + r.out;
  return true;
}

}  // namespace lockgraph::analyzer
