// `backchannel passwd` (docs/cli.md, "Channel commands"): changes the store
// passphrase. The store key changes and every encrypted field is re-sealed
// under it in one transaction (LocalStore::ChangePassphrase): if anything
// fails, nothing changed and the old passphrase still opens the home.
#include <memory>
#include <string>

#include "backchannel/app/home.h"
#include "cli/cli.h"
#include "cli/client_common.h"

namespace backchannel::cli {
namespace {

struct PasswdArgs : Common {
  std::string new_passphrase_file;
};

}  // namespace

void RegisterPasswdCommand(CLI::App& app, Context& context) {
  auto args = std::make_shared<PasswdArgs>();
  CLI::App* cmd = app.add_subcommand(
      "passwd", "Change the store passphrase (every encrypted field is re-sealed under a new key)");
  AddCommon(cmd, *args);
  cmd->add_option("--new-passphrase-file", args->new_passphrase_file,
                  "Read the new passphrase from this file (first line; else "
                  "BACKCHANNEL_NEW_PASSPHRASE, else a prompt)");
  cmd->footer(
      "Examples:\n"
      "  backchannel passwd\n"
      "  backchannel passwd --passphrase-file old.txt --new-passphrase-file new.txt\n"
      "A running agent holds the old key: stop it first (`backchannel agent stop`).");
  cmd->callback([args, &context] {
    const std::string home = HomeDir(*args);
    // The new passphrase: --new-passphrase-file, else
    // BACKCHANNEL_NEW_PASSPHRASE, else a prompt (twice); the core refuses
    // while an agent serves the old key.
    const app::PassphraseChangeOutcome changed =
        app::ChangePassphrase({Access(*args), args->new_passphrase_file});
    if (changed.at_open) return context.FailOpen(changed.status);
    if (!changed.status.ok()) return context.Fail(changed.status);
    if (args->json) {
      context.Emit(app::Json{{"changed", true}});
    } else {
      context.out << "Passphrase changed: the store key is new and every encrypted field was "
                     "re-sealed; the old passphrase no longer opens "
                  << home << "\n";
    }
  });
}

}  // namespace backchannel::cli
