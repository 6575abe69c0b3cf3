// Incident 5 replay: a database deadlock. Two transactions update the same
// two rows in opposite order under per-row locks — "UPDATE accounts ... WHERE
// id IN (1, 2)" in one, (2, 1) in the other. Every row lock has the class
// "db.row"; lockgraph reports the cycle between the two row locks, with both
// transactions' stacks, the first time both orders have happened.
//
//   row_transactions           the two orders, one after the other: reported
//   row_transactions --fixed   rows are locked in ascending id, and each row
//                              lock declares its id as its rank, so lockgraph
//                              checks the declared order on every acquisition
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "lockgraph/mutex.h"

namespace {

struct Row {
  Row(int row_id, bool ranked)
      : id(row_id),
        mu("db.row", ranked ? lockgraph::LockOptions{.rank = row_id} : lockgraph::LockOptions{}) {}
  int id;
  lockgraph::Mutex mu;
  long balance = 1000;
};

class Table {
 public:
  Table(int rows, bool ranked) {
    for (int i = 0; i < rows; ++i) rows_.push_back(std::make_unique<Row>(i, ranked));
  }
  Row& row(int id) { return *rows_[static_cast<size_t>(id)]; }

 private:
  std::vector<std::unique_ptr<Row>> rows_;
};

bool fixed = false;

// Moves `amount` between two rows, locking them in the order the statement
// names them — or, fixed, in ascending id whatever the statement says.
__attribute__((noinline)) void TransferTransaction(Table& table, int from, int to, long amount) {
  Row* first = &table.row(from);
  Row* second = &table.row(to);
  if (fixed && first->id > second->id) std::swap(first, second);
  std::lock_guard lock_first(first->mu);
  std::lock_guard lock_second(second->mu);
  table.row(from).balance -= amount;
  table.row(to).balance += amount;
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--fixed") == 0) {
      fixed = true;
    } else {
      std::fprintf(stderr, "usage: row_transactions [--fixed]\n");
      return 2;
    }
  }
  Table table(4, /*ranked=*/fixed);
  std::thread([&] { TransferTransaction(table, 1, 2, 10); }).join();
  std::thread([&] { TransferTransaction(table, 2, 1, 5); }).join();
  std::printf("done: row1=%ld row2=%ld\n", table.row(1).balance, table.row(2).balance);
  return 0;
}
