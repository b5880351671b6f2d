// What every command that opens a client home shares: --home, --json,
// --passphrase-file, and opening the home through the application core
// (app/home.h).
#ifndef BACKCHANNEL_SRC_CLI_CLIENT_COMMON_H_
#define BACKCHANNEL_SRC_CLI_CLIENT_COMMON_H_

#include <CLI/CLI.hpp>
#include <ostream>
#include <string>
#include <string_view>

#include "backchannel/app/channel.h"
#include "backchannel/app/home.h"
#include "backchannel/common/result.h"

namespace backchannel::cli {

struct Common {
  std::string home;
  std::string passphrase_file;
  bool json = false;
};

void AddCommon(CLI::App* cmd, Common& c);
// The home directory: --home, then BACKCHANNEL_HOME, then the default.
std::string HomeDir(const Common& c);
app::HomeAccess Access(const Common& c);
// An opened home with every application service (app::OpenedHome).
using OpenedClient = app::OpenedHome;
// Reads the passphrase (file, BACKCHANNEL_PASSPHRASE, or a prompt) unless
// the home's agent holds the key, and opens.
Result<OpenedClient> OpenClient(const Common& c);

// `head` then the first line of `text`; its further lines behind "   | ",
// which no message, notice or outgoing line starts with (DisplayLines).
void PrintLines(std::ostream& out, const std::string& head, std::string_view text);
// "[<talks>] <what happened>" through PrintLines.
void PrintHappening(std::ostream& out, const app::HappeningView& h);

}  // namespace backchannel::cli

#endif  // BACKCHANNEL_SRC_CLI_CLIENT_COMMON_H_
