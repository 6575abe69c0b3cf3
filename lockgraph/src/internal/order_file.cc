// Declared lock orders; see order_file.h.
#include "internal/order_file.h"

#include "internal/text_file.h"

namespace lockgraph::internal {

std::vector<const DeclaredOrders::Step*> DeclaredOrders::PathBetween(std::string_view from,
                                                                     std::string_view to) const {
  // Depth-first over the declarations (a few dozen classes at most), keeping
  // the step taken into each class so the path can be read back.
  std::map<std::string, std::pair<std::string, const Step*>, std::less<>> came_from;
  std::vector<std::string> stack{std::string(from)};
  std::set<std::string, std::less<>> seen{std::string(from)};
  while (!stack.empty()) {
    const std::string at = stack.back();
    stack.pop_back();
    if (at == to) break;
    auto it = after_.find(at);
    if (it == after_.end()) continue;
    for (const Step& step : it->second) {
      if (!seen.insert(step.to).second) continue;
      came_from[step.to] = {at, &step};
      stack.push_back(step.to);
    }
  }
  std::vector<const Step*> path;
  if (!came_from.contains(to)) return path;
  for (std::string at(to); at != from;) {
    const auto& [prev, step] = came_from.find(at)->second;
    path.insert(path.begin(), step);
    at = prev;
  }
  return path;
}

bool DeclaredOrders::Add(const std::vector<std::string>& chain, const std::string& where,
                         std::string* error) {
  if (chain.size() < 2) {
    *error = "an order needs at least two classes, separated by \"->\"";
    return false;
  }
  for (const std::string& name : chain) {
    if (name.empty()) {
      *error = "empty class name in an order";
      return false;
    }
  }
  // Each step is checked against everything before it, this line's earlier
  // steps included ("a -> b -> a"); a refused line leaves nothing behind.
  const auto saved = after_;
  for (size_t i = 0; i + 1 < chain.size(); ++i) {
    std::string why;
    if (chain[i] == chain[i + 1]) {
      *error = "\"" + chain[i] + "\" cannot be taken before itself";
    } else if (Violates(chain[i], chain[i + 1], &why)) {
      *error = "\"" + chain[i] + " -> " + chain[i + 1] + "\" contradicts " + why;
    } else {
      after_[chain[i]].push_back(Step{chain[i + 1], where});
      after_.try_emplace(chain[i + 1]);
      continue;
    }
    after_ = saved;
    return false;
  }
  ++declared_;
  return true;
}

bool DeclaredOrders::Parse(std::string_view text, const std::string& name, std::string* error) {
  // All or nothing: a file with one bad line adds none of its orders.
  DeclaredOrders parsed = *this;
  if (!parsed.ParseInto(text, name, error)) return false;
  *this = std::move(parsed);
  return true;
}

bool DeclaredOrders::ParseInto(std::string_view text, const std::string& name, std::string* error) {
  return ForEachLine(text, [&](int line_no, std::string_view line) {
    line = TrimBlanks(line.substr(0, line.find('#')));
    if (line.empty()) return true;
    std::vector<std::string> chain;
    for (size_t at = 0;;) {
      const size_t arrow = line.find("->", at);
      chain.emplace_back(
          TrimBlanks(line.substr(at, arrow == std::string_view::npos ? arrow : arrow - at)));
      if (arrow == std::string_view::npos) break;
      at = arrow + 2;
    }
    const std::string where = name + ":" + std::to_string(line_no);
    std::string why;
    if (!Add(chain, where, &why)) {
      *error = where + ": " + why;
      return false;
    }
    return true;
  });
}

bool DeclaredOrders::LoadFile(const std::string& path, std::string* error) {
  std::string text;
  if (!ReadTextFile(path, &text)) {
    *error = path + ": cannot open the order file";
    return false;
  }
  return Parse(text, path, error);
}

bool DeclaredOrders::Violates(std::string_view held, std::string_view acquired,
                              std::string* why) const {
  if (held == acquired) return false;
  const auto path = PathBetween(acquired, held);
  if (path.empty()) return false;
  std::string chain(acquired), places;
  for (const Step* step : path) {
    chain += " -> " + step->to;
    if (places.find(step->where) == std::string::npos) {
      places += (places.empty() ? "" : ", ") + step->where;
    }
  }
  *why = chain + " (" + places + ")";
  return true;
}

}  // namespace lockgraph::internal
