// What every command that opens a client home shares: --home, --json,
// --passphrase-file, and opening the client (channel and talks commands).
#ifndef BACKCHANNEL_SRC_CLI_CLIENT_COMMON_H_
#define BACKCHANNEL_SRC_CLI_CLIENT_COMMON_H_

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "backchannel/app/channel.h"
#include "backchannel/client/client.h"
#include "backchannel/common/result.h"
#include "backchannel/feelers_client/service.h"
#include "backchannel/talks_client/service.h"

namespace backchannel::cli {

struct Common {
  std::string home;
  std::string passphrase_file;
  bool json = false;
};

void AddCommon(CLI::App* cmd, Common& c);
client::ClientOptions Options(const Common& c);
// An opened client with every application handler registered, so that no
// command (`inbox` and `listen` included) refuses a talks message for want
// of a handler. The services are declared after the client: they are
// destroyed before it.
struct OpenedClient {
  std::unique_ptr<client::Client> client;
  std::unique_ptr<talks_client::TalksService> talks;
  std::unique_ptr<feelers_client::FeelerService> feelers;
  client::Client* operator->() const { return client.get(); }
  client::Client& operator*() const { return *client; }
  // The application core's channel operations on this home.
  app::Channel channel() const { return {*client, *talks, feelers.get()}; }
};
// Reads the passphrase (file, BACKCHANNEL_PASSPHRASE, or a prompt) and opens.
Result<OpenedClient> OpenClient(const Common& c);

// `head` then the first line of `text`; its further lines behind "   | ",
// which no message, notice or outgoing line starts with (DisplayLines).
void PrintLines(std::ostream& out, const std::string& head, std::string_view text);
// "[<talks>] <what happened>" through PrintLines.
void PrintHappening(std::ostream& out, const talks_client::Happening& h);

}  // namespace backchannel::cli

#endif  // BACKCHANNEL_SRC_CLI_CLIENT_COMMON_H_
