// Options shared by the commands that open a client home (client_common.h).
#include "cli/client_common.h"

#include "backchannel/common/terminal_text.h"

namespace backchannel::cli {

void AddCommon(CLI::App* cmd, Common& c) {
  cmd->add_option("--home", c.home,
                  "Client home (default: $BACKCHANNEL_HOME, else $XDG_DATA_HOME/backchannel)");
  cmd->add_option("--passphrase-file", c.passphrase_file,
                  "Read the store passphrase from this file (first line)");
  cmd->add_flag("--json", c.json, "Print one JSON object");
}

std::string HomeDir(const Common& c) { return app::ResolveHomeDir(c.home); }

app::HomeAccess Access(const Common& c) { return {c.home, c.passphrase_file}; }

Result<OpenedClient> OpenClient(const Common& c) { return app::OpenHome(Access(c)); }

void PrintLines(std::ostream& out, const std::string& head, std::string_view text) {
  const auto lines = DisplayLines(text);
  out << head << lines.front() << "\n";
  for (std::size_t i = 1; i < lines.size(); ++i) out << "   | " << lines[i] << "\n";
}

void PrintHappening(std::ostream& out, const app::HappeningView& h) {
  PrintLines(out, "[" + NeutraliseForTerminal(h.talks) + "] ", h.text);
}

}  // namespace backchannel::cli
