// Stand-ins for command groups whose engine part is not in this build (the
// analysis and the rehearsal tournament land separately; see
// src/cli/CMakeLists.txt). Each registers its command so usage stays the same,
// and fails with exit code 1 saying what is missing.
#include "cli/cli.h"

namespace backchannel::cli {
namespace {

[[maybe_unused]] void Unavailable(CLI::App& app, Context& context, const char* name,
                                  const char* what) {
  CLI::App* cmd = app.add_subcommand(name, std::string(what) + " (not in this build)");
  cmd->allow_extras();
  cmd->callback([&context, name] {
    context.err << "backchannel: '" << name << "' is not available in this build\n";
    context.exit_code = kExitFailed;
  });
}

}  // namespace

#ifndef BC_CLI_HAVE_ANALYSIS
void RegisterAnalyzeCommands(CLI::App& app, Context& context) {
  Unavailable(app, context, "analyze", "Bargaining analysis");
}
#endif

#ifndef BC_CLI_HAVE_TOURNAMENT
void RegisterRehearseCommands(CLI::App& app, Context& context) {
  Unavailable(app, context, "rehearse", "Rehearsal tournament");
}
#endif

}  // namespace backchannel::cli
