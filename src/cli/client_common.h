// What every command that opens a client home shares: --home, --json,
// --passphrase-file, and opening the client (channel and talks commands).
#ifndef BACKCHANNEL_SRC_CLI_CLIENT_COMMON_H_
#define BACKCHANNEL_SRC_CLI_CLIENT_COMMON_H_

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "backchannel/client/client.h"
#include "backchannel/common/result.h"

namespace backchannel::cli {

struct Common {
  std::string home;
  std::string passphrase_file;
  bool json = false;
};

void AddCommon(CLI::App* cmd, Common& c);
client::ClientOptions Options(const Common& c);
// Reads the passphrase (file, BACKCHANNEL_PASSPHRASE, or a prompt) and opens.
Result<std::unique_ptr<client::Client>> OpenClient(const Common& c);

}  // namespace backchannel::cli

#endif  // BACKCHANNEL_SRC_CLI_CLIENT_COMMON_H_
