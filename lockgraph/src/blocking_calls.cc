// The blocking calls lockgraph watches for block_warn_ms: definitions of the
// libc functions that can block a thread for long (sleeps, reads and writes
// of sockets and pipes, accept/connect, poll/select/epoll, fsync, waitpid,
// pthread_join, semaphores). Linked into a program (statically or as the
// shared library) or preloaded, they come before libc's in the dynamic
// linker's search order; each forwards to the next definition — libc's, or a
// sanitizer's interceptor — and, only while block_warn_ms is set and the
// calling thread holds a lockgraph lock, times the call (lock_state.h:
// BeginBlocking). Otherwise the cost is one load of a global word.
//
// Condition waits are bracketed where lockgraph sees them: its
// ConditionVariable, AbslMutex::Wait, and pthread_cond_wait in preload mode.
//
// The real definitions are looked up once, by a constructor, while the
// program starts: looking one up on first use could wait for the dynamic
// loader's lock, which a thread in dlopen() may hold while a library
// constructor waits for a lock this thread holds. A call made before that (by
// another constructor) looks its definition up then; one made while its
// definition is being looked up on the same thread goes straight to the
// kernel.

// These definitions must not meet glibc's inline _FORTIFY_SOURCE wrappers of
// the same functions (a release build of a Debian package defines it).
#undef _FORTIFY_SOURCE

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>

#include "internal/real_functions.h"
#include "lockgraph/internal/lock_state.h"

namespace lockgraph::internal {

#if LOCKGRAPH_ON

namespace {

__thread bool tls_resolving __attribute__((tls_model("initial-exec"))) = false;

// The next definition of `name`, looked up once; null while this thread is
// looking one up (the caller then makes the system call itself).
template <typename Fn>
Fn Real(std::atomic<Fn>& slot, const char* name) {
  Fn fn = slot.load(std::memory_order_acquire);
  if (fn != nullptr || tls_resolving) return fn;
  tls_resolving = true;
  fn = LookupReal<Fn>(name);
  tls_resolving = false;
  slot.store(fn, std::memory_order_release);
  return fn;
}

// A sleep of `ns` nanoseconds, straight to the kernel.
int SleepNanos(uint64_t ns) {
  timespec t = {static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)};
  return static_cast<int>(syscall(SYS_nanosleep, &t, nullptr));
}

}  // namespace

#endif  // LOCKGRAPH_ON

// Called from hooks.cc, so that a static link always brings this file in.
inline namespace LOCKGRAPH_ABI_NAMESPACE {
void LinkBlockingCalls() {}
}  // namespace LOCKGRAPH_ABI_NAMESPACE

}  // namespace lockgraph::internal

#if LOCKGRAPH_ON

// Every interposed call: X(return type, name, (parameters), (arguments),
// what to return while its real definition is being looked up). In order:
// sleeps; reads and writes of descriptors that may block (pipes, sockets,
// terminals, slow disks) and their _FORTIFY_SOURCE forms; connections;
// waiting for descriptors; disks, processes, threads, semaphores, file locks.
#define LOCKGRAPH_BLOCKING_CALLS(X)                                                                \
  X(int, nanosleep, (const timespec* req, timespec* rem), (req, rem),                              \
    static_cast<int>(syscall(SYS_nanosleep, req, rem)))                                            \
  X(int, clock_nanosleep, (clockid_t clock, int flags, const timespec* req, timespec* rem),        \
    (clock, flags, req, rem),                                                                      \
    syscall(SYS_clock_nanosleep, clock, flags, req, rem) == 0 ? 0 : errno)                         \
  X(unsigned, sleep, (unsigned seconds), (seconds),                                                \
    (::lockgraph::internal::SleepNanos(uint64_t{seconds} * 1000000000), 0u))                       \
  X(int, usleep, (useconds_t us), (us), ::lockgraph::internal::SleepNanos(uint64_t{us} * 1000))    \
  X(ssize_t, read, (int fd, void* buf, size_t n), (fd, buf, n), syscall(SYS_read, fd, buf, n))     \
  X(ssize_t, __read_chk, (int fd, void* buf, size_t n, size_t buflen), (fd, buf, n, buflen),       \
    syscall(SYS_read, fd, buf, n))                                                                 \
  X(ssize_t, readv, (int fd, const iovec* iov, int n), (fd, iov, n),                               \
    syscall(SYS_readv, fd, iov, n))                                                                \
  X(ssize_t, pread, (int fd, void* buf, size_t n, off_t off), (fd, buf, n, off),                   \
    syscall(SYS_pread64, fd, buf, n, off))                                                         \
  X(ssize_t, pread64, (int fd, void* buf, size_t n, off64_t off), (fd, buf, n, off),               \
    syscall(SYS_pread64, fd, buf, n, off))                                                         \
  X(ssize_t, write, (int fd, const void* buf, size_t n), (fd, buf, n),                             \
    syscall(SYS_write, fd, buf, n))                                                                \
  X(ssize_t, writev, (int fd, const iovec* iov, int n), (fd, iov, n),                              \
    syscall(SYS_writev, fd, iov, n))                                                               \
  X(ssize_t, recv, (int fd, void* buf, size_t n, int flags), (fd, buf, n, flags),                  \
    syscall(SYS_recvfrom, fd, buf, n, flags, 0, 0))                                                \
  X(ssize_t, __recv_chk, (int fd, void* buf, size_t n, size_t buflen, int flags),                  \
    (fd, buf, n, buflen, flags), syscall(SYS_recvfrom, fd, buf, n, flags, 0, 0))                   \
  X(ssize_t, recvfrom, (int fd, void* buf, size_t n, int flags, sockaddr* from, socklen_t* len),   \
    (fd, buf, n, flags, from, len), syscall(SYS_recvfrom, fd, buf, n, flags, from, len))           \
  X(ssize_t, recvmsg, (int fd, msghdr* msg, int flags), (fd, msg, flags),                          \
    syscall(SYS_recvmsg, fd, msg, flags))                                                          \
  X(ssize_t, send, (int fd, const void* buf, size_t n, int flags), (fd, buf, n, flags),            \
    syscall(SYS_sendto, fd, buf, n, flags, 0, 0))                                                  \
  X(ssize_t, sendto,                                                                               \
    (int fd, const void* buf, size_t n, int flags, const sockaddr* to, socklen_t len),             \
    (fd, buf, n, flags, to, len), syscall(SYS_sendto, fd, buf, n, flags, to, len))                 \
  X(ssize_t, sendmsg, (int fd, const msghdr* msg, int flags), (fd, msg, flags),                    \
    syscall(SYS_sendmsg, fd, msg, flags))                                                          \
  X(int, accept, (int fd, sockaddr* addr, socklen_t* len), (fd, addr, len),                        \
    static_cast<int>(syscall(SYS_accept, fd, addr, len)))                                          \
  X(int, accept4, (int fd, sockaddr* addr, socklen_t* len, int flags), (fd, addr, len, flags),     \
    static_cast<int>(syscall(SYS_accept4, fd, addr, len, flags)))                                  \
  X(int, connect, (int fd, const sockaddr* addr, socklen_t len), (fd, addr, len),                  \
    static_cast<int>(syscall(SYS_connect, fd, addr, len)))                                         \
  X(int, poll, (pollfd * fds, nfds_t n, int timeout), (fds, n, timeout),                           \
    static_cast<int>(syscall(SYS_poll, fds, n, timeout)))                                          \
  X(int, __poll_chk, (pollfd * fds, nfds_t n, int timeout, size_t fdslen),                         \
    (fds, n, timeout, fdslen), static_cast<int>(syscall(SYS_poll, fds, n, timeout)))               \
  X(int, ppoll, (pollfd * fds, nfds_t n, const timespec* timeout, const sigset_t* mask),           \
    (fds, n, timeout, mask),                                                                       \
    static_cast<int>(syscall(SYS_ppoll, fds, n, timeout, mask, _NSIG / 8)))                        \
  X(int, select, (int n, fd_set* r, fd_set* w, fd_set* e, timeval* timeout),                       \
    (n, r, w, e, timeout), static_cast<int>(syscall(SYS_select, n, r, w, e, timeout)))             \
  X(int, epoll_wait, (int epfd, epoll_event* events, int max, int timeout),                        \
    (epfd, events, max, timeout),                                                                  \
    static_cast<int>(syscall(SYS_epoll_wait, epfd, events, max, timeout)))                         \
  X(int, epoll_pwait, (int epfd, epoll_event* events, int max, int timeout, const sigset_t* mask), \
    (epfd, events, max, timeout, mask),                                                            \
    static_cast<int>(syscall(SYS_epoll_pwait, epfd, events, max, timeout, mask, _NSIG / 8)))       \
  X(int, fsync, (int fd), (fd), static_cast<int>(syscall(SYS_fsync, fd)))                          \
  X(int, fdatasync, (int fd), (fd), static_cast<int>(syscall(SYS_fdatasync, fd)))                  \
  X(int, flock, (int fd, int op), (fd, op), static_cast<int>(syscall(SYS_flock, fd, op)))          \
  X(pid_t, waitpid, (pid_t pid, int* status, int options), (pid, status, options),                 \
    static_cast<pid_t>(syscall(SYS_wait4, pid, status, options, nullptr)))                         \
  X(int, pthread_join, (pthread_t thread, void** ret), (thread, ret), EAGAIN)                      \
  X(int, sem_wait, (sem_t * sem), (sem), (errno = EAGAIN, -1))                                     \
  X(int, sem_timedwait, (sem_t * sem, const timespec* deadline), (sem, deadline),                  \
    (errno = EAGAIN, -1))

namespace lockgraph::internal {
namespace {

#define LOCKGRAPH_REAL_SLOT(ret, name, params, args, fallback) \
  std::atomic<ret(*) params> real_##name{nullptr};
LOCKGRAPH_BLOCKING_CALLS(LOCKGRAPH_REAL_SLOT)

__attribute__((constructor)) void ResolveBlockingCalls() {
#define LOCKGRAPH_RESOLVE(ret, name, params, args, fallback) Real(real_##name, #name);
  LOCKGRAPH_BLOCKING_CALLS(LOCKGRAPH_RESOLVE)
}

}  // namespace
}  // namespace lockgraph::internal

// Defines NAME PARAMS, forwarding ARGS to the real NAME, timed as a blocking
// call; FALLBACK is what it returns while the real one is being looked up.
#define LOCKGRAPH_DEFINE_BLOCKING_CALL(ret, name, params, args, fallback)                   \
  extern "C" __attribute__((visibility("default"))) ret name params {                       \
    const auto fn = ::lockgraph::internal::Real(::lockgraph::internal::real_##name, #name); \
    if (fn == nullptr) return fallback;                                                     \
    const int64_t started = ::lockgraph::internal::BeginBlocking(                           \
        #name "()", reinterpret_cast<uintptr_t>(__builtin_return_address(0)));              \
    ret result = fn args;                                                                   \
    ::lockgraph::internal::EndBlocking(started);                                            \
    return result;                                                                          \
  }
LOCKGRAPH_BLOCKING_CALLS(LOCKGRAPH_DEFINE_BLOCKING_CALL)

#endif  // LOCKGRAPH_ON
