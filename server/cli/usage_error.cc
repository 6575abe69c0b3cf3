// server/cli/usage_error.cc
// -----------------------------------------------------------------------------
// Usage errors of the command-line tools, in the words they always used.
#include "cli/usage_error.h"

#include <cstdio>
#include <string>
#include <vector>

namespace cacheforge {
namespace {

std::string Message(const CLI::App& app, const CLI::ParseError& error) {
  const std::string message = error.what();
  if (dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr) {
    const std::vector<std::string> extra = app.remaining();
    if (!extra.empty()) {
      const std::string& first = extra.front();
      const bool option = first.size() > 1 && first[0] == '-';
      return (option ? "unknown option '" : "unexpected argument '") + first + "'";
    }
  }
  // "-p: 1 required TEXT missing" is CLI11 saying the option came last.
  const size_t colon = message.find(": ");
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&error) != nullptr && colon != std::string::npos &&
      message.ends_with(" missing")) {
    return "option " + message.substr(0, colon) + " needs a value";
  }
  return message;
}

}  // namespace

void PrintUsageError(const CLI::App& app, const CLI::ParseError& error) {
  std::fprintf(stderr, "%s: %s\n%s", app.get_name().c_str(), Message(app, error).c_str(),
               app.help().c_str());
}

std::optional<int> ParseCommandLine(CLI::App& app, int argc, char** argv, int usage_exit) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::fputs(app.help().c_str(), stdout);
    return 0;
  } catch (const CLI::CallForVersion& version) {
    std::printf("%s\n", version.what());
    return 0;
  } catch (const CLI::ParseError& error) {
    PrintUsageError(app, error);
    return usage_exit;
  }
  return std::nullopt;
}

}  // namespace cacheforge
