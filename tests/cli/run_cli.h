// Runs the real `backchannel` program for the CLI tests (cli_test,
// authority_cli_test, channel_cli_test): one shell command, its exit code and
// what it printed. The binary's path is fixed at build time
// (BC_BACKCHANNEL_BINARY, set on this helper's library).
//
// Thread safety: each call uses its own temporary files; calls may run
// concurrently.
#ifndef BACKCHANNEL_TESTS_CLI_RUN_CLI_H_
#define BACKCHANNEL_TESTS_CLI_RUN_CLI_H_

#include <string>
#include <vector>

namespace backchannel::testing {

struct CliResult {
  int code = -1;    // exit status; -1 when the program did not exit normally
  std::string out;  // stdout (and stderr when merged)
  std::string err;  // stderr; empty when merged into `out`
};

struct CliRunOptions {
  std::string env;            // "NAME=value ..." put before the command (shell syntax)
  bool merge_stderr = false;  // 2>&1: stderr goes to `out`, interleaved
};

// `s` in single quotes for /bin/sh.
std::string ShellQuote(const std::string& s);

// Runs the binary with `args`, each passed as one argument (quoted).
CliResult RunCli(const std::vector<std::string>& args, const CliRunOptions& options = {});

// Runs the binary with `command_line` as written (shell syntax: words split
// on spaces, quotes in it are the shell's).
CliResult RunCliLine(const std::string& command_line, const CliRunOptions& options = {});

}  // namespace backchannel::testing

#endif  // BACKCHANNEL_TESTS_CLI_RUN_CLI_H_
