// `backchannel passwd` (docs/cli.md, "Channel commands"): changes the store
// passphrase. The store key changes and every encrypted field is re-sealed
// under it in one transaction (LocalStore::ChangePassphrase): if anything
// fails, nothing changed and the old passphrase still opens the home.
#include <cstdlib>
#include <memory>
#include <string>

#include "backchannel/client/agent.h"
#include "backchannel/client/home.h"
#include "backchannel/client/local_store.h"
#include "cli/cli.h"
#include "cli/client_common.h"

namespace backchannel::cli {
namespace {

struct PasswdArgs : Common {
  std::string new_passphrase_file;
};

// The new passphrase: --new-passphrase-file, else BACKCHANNEL_NEW_PASSPHRASE,
// else a prompt (twice). BACKCHANNEL_PASSPHRASE names the current one, so
// with it set and neither of the above there is nothing to prompt for
// without mixing the two up: a clear error instead.
Result<SecretBytes> ReadNewPassphrase(const PasswdArgs& args) {
  if (!args.new_passphrase_file.empty()) {
    return client::ReadPassphrase({args.new_passphrase_file, false});
  }
  if (const char* env = std::getenv("BACKCHANNEL_NEW_PASSPHRASE"); env != nullptr) {
    if (*env == '\0') return InvalidArgument("the new passphrase is empty");
    return SecretBytes(AsBytes(std::string_view(env)));
  }
  if (std::getenv("BACKCHANNEL_PASSPHRASE") != nullptr) {
    return InvalidArgument(
        "no new passphrase: give --new-passphrase-file FILE or set BACKCHANNEL_NEW_PASSPHRASE");
  }
  return client::ReadPassphrase({"", true, "New passphrase: "});
}

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
    const std::string home = Options(*args).home;
    // The agent would go on serving a key that no longer opens the store.
    if (auto running = client::QueryAgent(home); running.ok()) {
      return context.Fail(Status(StatusCode::kFailedPrecondition,
                                 "an agent serves " + home + " (pid " +
                                     std::to_string(running->pid) +
                                     ") with the current key; stop it first (`backchannel agent "
                                     "stop`), then change the passphrase"));
    }
    auto old_pass = client::ReadPassphrase({args->passphrase_file, false, "Current passphrase: "});
    if (!old_pass) return context.Fail(old_pass.error());
    auto store = client::LocalStore::Open(client::StorePath(home), *old_pass);
    if (!store) return context.FailOpen(store.error());
    auto new_pass = ReadNewPassphrase(*args);
    if (!new_pass) return context.Fail(new_pass.error());
    if (Status st = (*store)->ChangePassphrase(*new_pass); !st.ok()) return context.Fail(st);
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
