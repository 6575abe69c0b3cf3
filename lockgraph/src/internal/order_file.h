// Declared lock orders: "class A is taken before class B", from
// lockgraph::DeclareOrder or from an order file (LOCKGRAPH_OPTIONS=order_file=,
// `lockgraph check --order-file`), in the spirit of FreeBSD WITNESS's order
// lists. Shared by the library, which reports the first acquisition against a
// declaration, and by `lockgraph check`, which fails on merged graphs that
// contain one.
//
// Order file format: one order per line, classes separated by "->", each
// taken before the next; '#' starts a comment; blank lines are ignored.
//
//   # storage engine
//   db.table -> db.row -> db.page
//   cache.shard -> cache.stats
//
// Orders compose: with the lines above, holding db.page while taking db.table
// is a violation too. A declaration that contradicts another (a cycle among
// declared orders) is refused when it is added.
#ifndef LOCKGRAPH_SRC_INTERNAL_ORDER_FILE_H_
#define LOCKGRAPH_SRC_INTERNAL_ORDER_FILE_H_

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace lockgraph::internal {

class DeclaredOrders {
 public:
  // Declares chain[0] before chain[1] before ...; `where` says where the
  // declaration came from ("orders.txt:3", "DeclareOrder at main.cc:12").
  // False, with `*error`, for fewer than two classes, an empty name or a
  // declaration that contradicts the ones before it; nothing is added then.
  bool Add(const std::vector<std::string>& chain, const std::string& where, std::string* error);
  // Reads an order file (format above), all or nothing: a file with an error
  // adds none of its orders. Every problem is "PATH:LINE: what".
  bool LoadFile(const std::string& path, std::string* error);
  bool Parse(std::string_view text, const std::string& name, std::string* error);

  // Whether taking class `acquired` while holding class `held` goes against
  // the declarations (`acquired` is declared, maybe through other classes,
  // before `held`). When it does, `*why` is the declared chain and where
  // each step was declared: "db.row -> db.page (orders.txt:1)".
  bool Violates(std::string_view held, std::string_view acquired, std::string* why) const;

  bool empty() const { return after_.empty(); }
  size_t size() const { return declared_; }

 private:
  bool ParseInto(std::string_view text, const std::string& name, std::string* error);

  struct Step {
    std::string to;
    std::string where;
  };
  // A declared path from `from` to `to`, as its steps in order; empty when
  // there is none.
  std::vector<const Step*> PathBetween(std::string_view from, std::string_view to) const;

  std::map<std::string, std::vector<Step>, std::less<>> after_;  // class -> classes after it
  size_t declared_ = 0;
};

}  // namespace lockgraph::internal

#endif  // LOCKGRAPH_SRC_INTERNAL_ORDER_FILE_H_
