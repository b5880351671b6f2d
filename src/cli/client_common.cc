// Options shared by the commands that open a client home (client_common.h).
#include "cli/client_common.h"

#include <cstdlib>

#include "backchannel/client/agent.h"
#include "backchannel/client/home.h"
#include "backchannel/common/terminal_text.h"

namespace backchannel::cli {

void AddCommon(CLI::App* cmd, Common& c) {
  cmd->add_option("--home", c.home,
                  "Client home (default: $BACKCHANNEL_HOME, else $XDG_DATA_HOME/backchannel)");
  cmd->add_option("--passphrase-file", c.passphrase_file,
                  "Read the store passphrase from this file (first line)");
  cmd->add_flag("--json", c.json, "Print one JSON object");
}

client::ClientOptions Options(const Common& c) {
  client::ClientOptions o;
  // --home, then BACKCHANNEL_HOME, then the XDG default (ResolveHome).
  const char* env = std::getenv("BACKCHANNEL_HOME");
  o.home = client::ResolveHome(!c.home.empty() || env == nullptr ? c.home : std::string(env));
  return o;
}

Result<OpenedClient> OpenClient(const Common& c) {
  OpenedClient opened;
  // The home's agent's key when one runs (no passphrase, no Argon2id), else
  // the passphrase as always (client/agent.h).
  BC_ASSIGN_OR_RETURN(opened.client, client::OpenWithAgent(Options(c), {c.passphrase_file, false}));
  opened.talks = std::make_unique<talks_client::TalksService>(*opened.client);
  opened.feelers = std::make_unique<feelers_client::FeelerService>(*opened.client);
  return opened;
}

void PrintLines(std::ostream& out, const std::string& head, std::string_view text) {
  const auto lines = DisplayLines(text);
  out << head << lines.front() << "\n";
  for (std::size_t i = 1; i < lines.size(); ++i) out << "   | " << lines[i] << "\n";
}

void PrintHappening(std::ostream& out, const talks_client::Happening& h) {
  PrintLines(out, "[" + NeutraliseForTerminal(h.talks) + "] ", h.text);
}

}  // namespace backchannel::cli
