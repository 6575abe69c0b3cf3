// LOCKGRAPH_OPTIONS parsing and the public configuration API.
#include "lockgraph/options.h"

#include <charconv>
#include <string>
#include <string_view>

#include "internal/detector.h"
#include "internal/reentrancy.h"
#include "internal/report_builder.h"

namespace lockgraph {

namespace {

constexpr std::string_view kValidKeys =
    "mode, graph_out, report_out, report_format, stack_depth, symbolize, max_edges, watchdog, "
    "on_deadlock, watchdog_ms, deadlock_ms, wait_warn_ms, hold_warn_ms, block_warn_ms, profile, "
    "prefer_writers, order_file, suppressions, baseline";

bool ParseSize(std::string_view v, size_t* out) {
  size_t n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || p != v.data() + v.size() || v.empty()) return false;
  *out = n;
  return true;
}

bool ParseBool(std::string_view v, bool* out) {
  if (v == "1" || v == "true" || v == "yes" || v == "on") {
    *out = true;
  } else if (v == "0" || v == "false" || v == "no" || v == "off") {
    *out = false;
  } else {
    return false;
  }
  return true;
}

bool ParseInt(std::string_view v, int lo, int hi, int* out) {
  size_t n = 0;
  if (!ParseSize(v, &n) || n < static_cast<size_t>(lo) || n > static_cast<size_t>(hi)) {
    return false;
  }
  *out = static_cast<int>(n);
  return true;
}

// Applies one key=value; returns an error message or "".
std::string Apply(std::string_view key, std::string_view value, Options* o) {
  auto bad = [&](std::string_view valid) {
    return "bad value '" + std::string(value) + "' for option '" + std::string(key) +
           "' (valid: " + std::string(valid) + ")";
  };
  if (key == "mode") {
    if (value == "off") {
      o->mode = Mode::kOff;
    } else if (value == "report") {
      o->mode = Mode::kReport;
    } else if (value == "abort") {
      o->mode = Mode::kAbort;
    } else {
      return bad("off, report, abort");
    }
  } else if (key == "graph_out") {
    o->graph_out = std::string(value);
  } else if (key == "report_out") {
    o->report_out = std::string(value);
  } else if (key == "report_format") {
    if (value == "text") {
      o->report_format = ReportFormat::kText;
    } else if (value == "json") {
      o->report_format = ReportFormat::kJson;
    } else {
      return bad("text, json");
    }
  } else if (key == "stack_depth") {
    size_t n = 0;
    if (!ParseSize(value, &n) || n < 1 || n > 64) return bad("1..64");
    o->stack_depth = static_cast<int>(n);
  } else if (key == "symbolize") {
    if (!ParseBool(value, &o->symbolize)) return bad("0, 1");
  } else if (key == "max_edges") {
    size_t n = 0;
    if (!ParseSize(value, &n) || n < 1) return bad("a positive integer");
    o->max_edges = n;
  } else if (key == "watchdog") {
    if (!ParseBool(value, &o->watchdog)) return bad("0, 1");
  } else if (key == "on_deadlock") {
    if (value == "report") {
      o->on_deadlock = DeadlockAction::kReport;
    } else if (value == "abort") {
      o->on_deadlock = DeadlockAction::kAbort;
    } else {
      return bad("report, abort");
    }
    o->watchdog = true;
  } else if (key == "watchdog_ms") {
    if (!ParseInt(value, 10, 10000, &o->watchdog_ms)) return bad("10..10000");
  } else if (key == "deadlock_ms") {
    if (!ParseInt(value, 0, 3600000, &o->deadlock_ms)) return bad("0..3600000");
  } else if (key == "wait_warn_ms") {
    if (!ParseInt(value, 0, 3600000, &o->wait_warn_ms)) return bad("0..3600000");
    if (o->wait_warn_ms > 0) o->watchdog = true;
  } else if (key == "prefer_writers") {
    if (!ParseBool(value, &o->prefer_writers)) return bad("0, 1");
  } else if (key == "block_warn_ms") {
    if (!ParseInt(value, 0, 3600000, &o->block_warn_ms)) return bad("0..3600000");
    // The watchdog reports a call still blocked (one that may never return).
    if (o->block_warn_ms > 0) o->watchdog = true;
  } else if (key == "hold_warn_ms") {
    if (!ParseInt(value, 0, 3600000, &o->hold_warn_ms)) return bad("0..3600000");
  } else if (key == "profile") {
    if (!ParseBool(value, &o->profile)) return bad("0, 1");
  } else if (key == "order_file") {
    o->order_file = std::string(value);
  } else if (key == "suppressions") {
    o->suppressions = std::string(value);
  } else if (key == "baseline") {
    o->baseline = std::string(value);
  } else {
    return "unknown option '" + std::string(key) + "' (valid keys: " + std::string(kValidKeys) +
           ")";
  }
  return "";
}

}  // namespace

bool ParseOptions(std::string_view spec, Options* options, std::string* error) {
  std::string errors;
  size_t pos = 0;
  while (pos <= spec.size()) {
    size_t end = spec.find_first_of(":,", pos);
    if (end == std::string_view::npos) end = spec.size();
    std::string_view item = spec.substr(pos, end - pos);
    pos = end + 1;
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.empty()) continue;
    const size_t eq = item.find('=');
    std::string message;
    if (eq == std::string_view::npos) {
      message = "option '" + std::string(item) +
                "' has no value (write key=value; valid keys: " + std::string(kValidKeys) + ")";
    } else {
      message = Apply(item.substr(0, eq), item.substr(eq + 1), options);
    }
    if (!message.empty())
      errors += "lockgraph: LOCKGRAPH_OPTIONS: " + message + "; using the default\n";
  }
  if (error != nullptr) *error = errors;
  return errors.empty();
}

// Each entry point marks what follows as lockgraph's own work (reentrancy.h):
// in preload mode, the locks and allocations it makes go around the detector.
void Configure(const Options& options) {
  internal::InternalScope scope;
  internal::Detector::Get().Configure(options);
}

Options CurrentOptions() {
  internal::InternalScope scope;
  return internal::Detector::Get().CurrentOptions();
}

bool DeclareOrder(std::initializer_list<std::string_view> classes, const SourceLocation& where) {
  internal::InternalScope scope;
  std::vector<std::string> chain(classes.begin(), classes.end());
  return internal::Detector::Get().DeclareOrder(
      chain,
      std::string("DeclareOrder at ") + where.file_name() + ":" + std::to_string(where.line()));
}

void SetReportCallback(ReportCallback callback) {
  Options o = CurrentOptions();
  o.mode = callback ? Mode::kCallback : Mode::kReport;
  o.callback = std::move(callback);
  Configure(o);
}

std::string GraphJson() {
  internal::InternalScope scope;
  return internal::Detector::Get().GraphJson();
}
std::string GraphDot() {
  internal::InternalScope scope;
  return internal::Detector::Get().GraphDot();
}
Stats GetStats() {
  internal::InternalScope scope;
  return internal::Detector::Get().GetStats();
}
std::vector<LockProfile> GetProfile() {
  internal::InternalScope scope;
  return internal::Detector::Get().GetProfile();
}

bool WriteGraph(const std::string& path, std::string* error) {
  internal::InternalScope scope;
  return internal::WriteGraphFile(internal::ExpandPid(path), GraphJson(), error);
}

}  // namespace lockgraph
