// The `backchannel` command-line program: a CLI11 application assembled from
// command groups. A group is one function that adds its subcommands to the
// app; adding a group (e.g. the channel commands: init, invite, send) is one
// new file and one line in command_groups.cc.
//
// Every command prints its result to `out` (readable, or one JSON object with
// --json), warnings and errors to `err`, and ends with an exit code
// (docs/cli.md): 0 ok, 1 the operation failed, 2 bad input or usage.
//
// Thread safety: RunCli is not reentrant (CLI11 apps are not shared, but
// commands write to the given streams without locking).
#ifndef BACKCHANNEL_SRC_CLI_CLI_H_
#define BACKCHANNEL_SRC_CLI_CLI_H_

#include <CLI/CLI.hpp>
#include <ostream>
#include <vector>

#include "backchannel/app/error.h"
#include "backchannel/app/json.h"
#include "backchannel/common/status.h"

namespace backchannel::cli {

enum ExitCode : int { kExitOk = 0, kExitFailed = 1, kExitBadInput = 2 };

// What a command needs from its surroundings; commands set `exit_code`.
struct Context {
  std::ostream& out;
  std::ostream& err;
  int exit_code = kExitOk;
  // --json was given: results and errors go to `out` as one JSON document
  // of the shared shape (app::Document, docs/app-api.md).
  bool json = false;
  // A JSON document was printed already (a failure adds none then).
  bool printed = false;

  // Prints "backchannel: <message>" to err, with --json also the error
  // document to out, and sets the exit code the status calls for.
  void Fail(const Status& status);
  void Fail(const app::Error& error, int code);
  // A failure to open the client home: "no_store" names --home and
  // BACKCHANNEL_HOME before suggesting `init`; "wrong_passphrase".
  void FailOpen(const Status& status);
  // Prints `body` with "ok": true (or the error when given) to out.
  void Emit(const app::Json& body, const app::Error* error = nullptr);
  // One line of NDJSON (`listen --json`).
  void EmitLine(const app::Json& body);
};

// 2 for statuses that mean the input was bad (invalid argument, not found,
// corrupt, unsupported version, I/O error on an input file); 1 otherwise.
int ExitCodeFor(const Status& status);

using CommandGroup = void (*)(CLI::App& app, Context& context);

// Every group, in the order their commands appear in --help.
const std::vector<CommandGroup>& CommandGroups();

// The groups themselves, one file each.
void RegisterAnalyzeCommands(CLI::App& app, Context& context);   // analyze
void RegisterDomainCommands(CLI::App& app, Context& context);    // domain show|convert
void RegisterRehearseCommands(CLI::App& app, Context& context);  // rehearse
void RegisterAuthorityCommands(CLI::App& app,
                               Context& context);           // authority init|issue|revoke|show
void RegisterChannelCommands(CLI::App& app, Context& ctx);  // init, invite, accept, send, ...
void RegisterTalksCommands(CLI::App& app, Context& ctx);    // talks create|invite|join|...
void RegisterRecordCommands(CLI::App& app, Context& ctx);   // record verify|export
// talks analysis|evaluate|agenda, added to the `talks` group (issue 18).
void RegisterTalksDataCommands(CLI::App& talks, Context& ctx);
void RegisterFeelerCommands(CLI::App& app, Context& context);  // feeler send|status|forget
void RegisterAgentCommands(CLI::App& app, Context& context);   // agent start|status|stop
void RegisterPasswdCommand(CLI::App& app, Context& context);   // passwd
void RegisterAppCommand(CLI::App& app, Context& context);      // app (the web app)

// Parses `argv` and runs the chosen command. Returns the exit code.
int RunCli(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace backchannel::cli

#endif  // BACKCHANNEL_SRC_CLI_CLI_H_
