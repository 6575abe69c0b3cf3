// The watchdog thread: every watchdog_ms it reads what each thread waits for
// (published on the contended path only), asks glibc's lock words who owns
// each awaited lock, and builds the live wait-for graph. Threads stuck in a
// cycle for deadlock_ms are an actual deadlock: it samples each one's current
// stack and held locks (a signal each answers itself) and reports it, then
// aborts if on_deadlock=abort. A single wait longer than wait_warn_ms is
// reported with the holder's current stack: what it does while others wait.
#ifndef LOCKGRAPH_SRC_INTERNAL_WATCHDOG_H_
#define LOCKGRAPH_SRC_INTERNAL_WATCHDOG_H_

namespace lockgraph::internal {

class Watchdog {
 public:
  // Starts the thread (once). It runs until the process exits.
  static void Start();

  // Called once by exit(): stops further scans and waits (at most
  // `max_wait_ms`) for the scan in progress. A scan that found something is
  // sampling, symbolizing and writing its report; a program that exits right
  // after the call the report is about (a wait that outlasted block_warn_ms,
  // then returned) must not lose it. A scan that found nothing ends within
  // microseconds, so exit is not slowed otherwise.
  static void FinishForExit(int max_wait_ms);

  // In a forked child: no scan is in progress there (the thread did not
  // survive the fork), whatever the parent's was doing.
  static void ResetAfterFork();
};

}  // namespace lockgraph::internal

#endif  // LOCKGRAPH_SRC_INTERNAL_WATCHDOG_H_
