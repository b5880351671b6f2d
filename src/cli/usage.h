// What `backchannel` tells a user about the command line itself: the help
// footers (an example per command, the exit codes at the top), unknown
// commands and subcommands by name, and parse errors with the hint that
// fits (a value starting with '-' needs `--` before it).
#ifndef BACKCHANNEL_SRC_CLI_USAGE_H_
#define BACKCHANNEL_SRC_CLI_USAGE_H_

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

namespace backchannel::cli {

// Sets --version, one value per occurrence of every repeatable option (so
// `--side A --side B -- -KEY` works), the top-level footer (exit codes) and each command's
// "Example:" footer. Call after every command group is registered.
void AddUsageText(CLI::App& app);

// "unknown command 'x'" or "unknown subcommand 'feeler' of 'talks'" when
// argv names neither; nothing when the words are known.
std::optional<std::string> UnknownCommand(const CLI::App& app, int argc, const char* const* argv);

// CLI11's message, with the `--` hint when a value starting with '-' was
// probably taken for an option.
std::string ParseErrorMessage(const CLI::ParseError& e, int argc, const char* const* argv);

}  // namespace backchannel::cli

#endif  // BACKCHANNEL_SRC_CLI_USAGE_H_
