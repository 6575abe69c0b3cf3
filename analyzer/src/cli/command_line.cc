#include "cli/command_line.h"

#include <cstdlib>
#include <memory>
#include <utility>
#include <vector>

namespace lockgraph::cli {
namespace {

// The options column of every help page: as wide as `--update-baseline`
// plus the gap the hand-aligned pages had.
constexpr size_t kOptionColumn = 23;

class HelpFormatter : public CLI::Formatter {
 public:
  HelpFormatter(std::string synopsis, std::string text)
      : synopsis_(std::move(synopsis)), text_(std::move(text)) {
    column_width(kOptionColumn);
    label("Positionals", "arguments");
  }

  std::string make_usage(const CLI::App* /*app*/, std::string /*name*/) const override {
    std::string out = "usage: ";
    for (char c : synopsis_) {
      out += c;
      if (c == '\n') out += "       ";  // under the first form
    }
    return out + "\n";
  }

  // The synopsis first, as the hand-written pages had it (CLI11 puts the
  // description first). The app's own description is its one-line summary
  // in the parent's list of commands; the page has the long text instead.
  std::string make_help(const CLI::App* app, std::string name,
                        CLI::AppFormatMode mode) const override {
    if (mode == CLI::AppFormatMode::Sub) return make_expanded(app);
    std::string out = make_usage(app, name);
    if (!text_.empty()) out += "\n" + text_ + "\n";
    out += make_positionals(app) + make_groups(app, mode) + make_subcommands(app, mode);
    if (!app->get_footer().empty()) out += "\n" + app->get_footer() + "\n";
    return out;
  }

 private:
  std::string synopsis_;
  std::string text_;
};

}  // namespace

void DescribeCommand(CLI::App* app, const std::string& synopsis, const std::string& text,
                     const std::string& footer) {
  app->formatter(std::make_shared<HelpFormatter>(synopsis, text));
  app->footer(footer);
  // A subcommand's help flag is made before the parent's option defaults
  // reach it, so it would sit in a group of its own.
  if (CLI::Option* help = app->get_option_no_throw("--help")) help->group("options");
}

CLI::Validator PositiveInteger(const std::string& what) {
  return CLI::Validator(
      [what](std::string& value) -> std::string {
        char* end = nullptr;
        const long number = std::strtol(value.c_str(), &end, 10);
        return value.empty() || *end != '\0' || number <= 0 ? "'" + value + "' is not " + what : "";
      },
      "");
}

CLI::Validator PositiveNumber(const std::string& what) {
  return CLI::Validator(
      [what](std::string& value) -> std::string {
        char* end = nullptr;
        const double number = std::strtod(value.c_str(), &end);
        return value.empty() || *end != '\0' || !(number > 0) ? "'" + value + "' is not " + what
                                                              : "";
      },
      "");
}

CLI::Validator NonEmpty(const std::string& what) {
  return CLI::Validator(
      [what](std::string& value) -> std::string { return value.empty() ? "wants " + what : ""; },
      "");
}

std::string UsageErrorMessage(const CLI::App& app, const CLI::ParseError& error) {
  const std::string message = error.what();
  if (dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr) {
    const std::vector<std::string> extra = app.remaining(/*recurse=*/true);
    if (!extra.empty()) return UnexpectedArgumentMessage(extra.front(), "unexpected argument");
  }
  // "--top: 1 required UINT missing" is CLI11's way to say the option was
  // last on the line, without its value.
  const size_t colon = message.find(": ");
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&error) != nullptr && colon != std::string::npos &&
      message.ends_with(" missing")) {
    return message.substr(0, colon) + " needs a value";
  }
  return message;
}

std::string UnexpectedArgumentMessage(const std::string& argument, const std::string& otherwise) {
  const bool option = argument.size() > 1 && argument[0] == '-';
  return (option ? "unknown option" : otherwise) + " '" + argument + "'";
}

}  // namespace lockgraph::cli
