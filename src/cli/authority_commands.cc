// `backchannel authority init|issue|revoke|show`: a side's authority key,
// which accredits envoys, principals and mediators (docs/identity.md). The
// application core owns the authority directory (app/authority.h); the
// passphrase comes from --passphrase-file, BACKCHANNEL_PASSPHRASE or a
// prompt.
#include <memory>

#include "backchannel/app/authority.h"
#include "cli/cli.h"

namespace backchannel::cli {
namespace {

struct CommonArgs {
  std::string dir;
  std::string passphrase_file;
  bool json = false;
};

struct InitArgs : CommonArgs {
  std::string side;
  std::string kdf = "moderate";
};

struct IssueArgs : CommonArgs {
  std::string identity_key;
  std::string role;
  std::string name;
  std::int64_t days = 0;
  std::string out;
};

struct RevokeArgs : CommonArgs {
  std::uint64_t serial = 0;
};

void RunInit(const InitArgs& args, Context& ctx) {
  auto made = app::InitAuthority({args.dir, args.passphrase_file, args.side, args.kdf});
  if (!made) return ctx.Fail(made.error());
  if (args.json) {
    ctx.Emit(app::ToJson(*made));
    return;
  }
  ctx.out << "Authority for " << made->side << " created in " << args.dir << "\n"
          << "public key: " << made->public_key << "\n";
}

void RunIssue(const IssueArgs& args, Context& ctx) {
  app::AuthorityIssueInput input;
  input.dir = args.dir;
  input.passphrase_file = args.passphrase_file;
  input.identity_key = args.identity_key;
  input.role = args.role;
  input.name = args.name;
  input.days = args.days;
  input.out = args.out;
  auto issued = app::IssueCredential(input);
  if (!issued) return ctx.Fail(issued.error());
  if (args.json) {
    ctx.Emit(app::ToJson(*issued));
    return;
  }
  if (args.out.empty()) {
    ctx.out << issued->credential << "\n";
  } else {
    ctx.out << "Credential #" << issued->serial << " for " << issued->name << " (" << issued->role
            << ", " << issued->side << "), valid until " << issued->expiry_text << ", written to "
            << args.out << "\n";
  }
}

void RunRevoke(const RevokeArgs& args, Context& ctx) {
  app::AuthorityRevokeInput input;
  input.dir = args.dir;
  input.passphrase_file = args.passphrase_file;
  input.serial = args.serial;
  auto list = app::RevokeCredential(input);
  if (!list) return ctx.Fail(list.error());
  if (args.json) {
    ctx.Emit(app::ToJson(*list));
    return;
  }
  ctx.out << list->text << "\n";
}

void RunShow(const CommonArgs& args, Context& ctx) {
  auto shown = app::ShowAuthority(args.dir);
  if (!shown) return ctx.Fail(shown.error());
  if (args.json) {
    ctx.Emit(app::ToJson(*shown));
    return;
  }
  ctx.out << "Authority for " << shown->side << "\npublic key: " << shown->public_key << "\n";
  ctx.out << "issued credentials: " << shown->entries.size() << "\n";
  for (const auto& c : shown->entries) {
    ctx.out << "  #" << c.serial << " " << c.name << " (" << c.role << "), until " << c.expiry_text
            << (c.revoked ? " [revoked]" : "") << "\n";
  }
  if (shown->has_revocations) {
    ctx.out << "revocation list #" << shown->revocation_sequence << " of "
            << shown->revocation_issued_at_text << ": " << shown->revoked.size() << " revoked\n";
  } else {
    ctx.out << "no revocations\n";
  }
}

void AddCommon(CLI::App* cmd, CommonArgs& args, bool passphrase) {
  cmd->add_option("--dir", args.dir, "Authority directory")->required();
  if (passphrase) {
    cmd->add_option("--passphrase-file", args.passphrase_file,
                    "File whose first line is the passphrase (else BACKCHANNEL_PASSPHRASE)");
  }
  cmd->add_flag("--json", args.json, "Print one JSON object");
}

}  // namespace

void RegisterAuthorityCommands(CLI::App& app, Context& context) {
  CLI::App* authority =
      app.add_subcommand("authority", "A side's authority: accredit and revoke people");
  authority->require_subcommand(1);

  auto init = std::make_shared<InitArgs>();
  CLI::App* init_cmd = authority->add_subcommand("init", "Create an encrypted authority key");
  AddCommon(init_cmd, *init, true);
  init_cmd->add_option("--side", init->side, "The side, e.g. \"United States\"")->required();
  init_cmd->add_option("--kdf", init->kdf,
                       "Argon2id cost: moderate (default) or interactive (tests only)");
  init_cmd->callback([init, &context] { RunInit(*init, context); });

  auto issue = std::make_shared<IssueArgs>();
  CLI::App* issue_cmd = authority->add_subcommand("issue", "Issue a credential");
  AddCommon(issue_cmd, *issue, true);
  issue_cmd->add_option("--identity-key", issue->identity_key, "Identity key, 33 bytes hex")
      ->required();
  issue_cmd->add_option("--role", issue->role, "envoy, principal, mediator or track2")->required();
  issue_cmd->add_option("--name", issue->name, "Display name")->required();
  issue_cmd->add_option("--days", issue->days, "Days of validity")->required();
  issue_cmd->add_option("--out", issue->out, "Write the credential to this file");
  issue_cmd->callback([issue, &context] { RunIssue(*issue, context); });

  auto revoke = std::make_shared<RevokeArgs>();
  CLI::App* revoke_cmd =
      authority->add_subcommand("revoke", "Revoke a credential and sign a new revocation list");
  AddCommon(revoke_cmd, *revoke, true);
  revoke_cmd->add_option("--serial", revoke->serial, "Serial of the credential")->required();
  revoke_cmd->callback([revoke, &context] { RunRevoke(*revoke, context); });

  auto show = std::make_shared<CommonArgs>();
  CLI::App* show_cmd = authority->add_subcommand("show", "Show the authority (no passphrase)");
  AddCommon(show_cmd, *show, false);
  show_cmd->callback([show, &context] { RunShow(*show, context); });
}

}  // namespace backchannel::cli
