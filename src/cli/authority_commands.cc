// `backchannel authority init|issue|revoke|show`: a side's authority key,
// which accredits envoys, principals and mediators (docs/identity.md).
//
// An authority directory holds:
//   authority.key    the Ed25519 key, encrypted under the passphrase (0600)
//   authority.json   public bookkeeping: side, public key, issued credentials
//   revocations.txt  the newest signed revocation list (base64url), if any
// The passphrase comes from --passphrase-file, BACKCHANNEL_PASSPHRASE or a
// prompt.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>

#include "backchannel/client/home.h"
#include "backchannel/common/encoding.h"
#include "backchannel/common/file_io.h"
#include "backchannel/identity/authority.h"
#include "backchannel/identity/credential.h"
#include "cli/cli.h"

namespace backchannel::cli {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

constexpr const char* kKeyFile = "authority.key";
constexpr const char* kStateFile = "authority.json";
constexpr const char* kRevocationsFile = "revocations.txt";

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

std::int64_t Now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The passphrase as every command reads it (client::ReadPassphrase):
// --passphrase-file's first line, else BACKCHANNEL_PASSPHRASE, else a prompt
// with echo off (twice for `authority init`).
Result<SecretBytes> ReadPassphrase(const CommonArgs& args, bool confirm = false) {
  return client::ReadPassphrase({args.passphrase_file, confirm, "Authority passphrase: "});
}

// An authority file, as common's ReadFile reads it (bounded, named errors).
Result<std::string> ReadText(const fs::path& path) { return ReadFile(path.string()); }

Status WriteText(const fs::path& path, std::string_view text, mode_t mode, bool exclusive) {
  return WriteFileAtomic(path.string(), text, mode, exclusive);
}

Result<Json> LoadState(const fs::path& dir) {
  auto text = ReadText(dir / kStateFile);
  if (!text) return NotFound(dir.string() + " is not an authority directory (run authority init)");
  Json state = Json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!state.is_object() || !state["issued"].is_array() || !state["next_serial"].is_number()) {
    return Corrupt((dir / kStateFile).string() + " is damaged");
  }
  return state;
}

Status SaveState(const fs::path& dir, const Json& state) {
  const std::string text = state.dump(2) + "\n";
  return WriteText(dir / kStateFile, text, 0644, /*exclusive=*/false);
}

Result<identity::Authority> LoadAuthority(const CommonArgs& args) {
  BC_ASSIGN_OR_RETURN(std::string file, ReadText(fs::path(args.dir) / kKeyFile));
  BC_ASSIGN_OR_RETURN(SecretBytes passphrase, ReadPassphrase(args));
  auto authority = identity::DecryptAuthorityKey(AsBytes(file), passphrase.view());
  if (!authority) return authority.error().WithContext(args.dir);
  return authority;
}

// The newest revocation list of the directory, if there is one.
Result<std::optional<identity::RevocationList>> LoadRevocations(const fs::path& dir) {
  if (!fs::exists(dir / kRevocationsFile)) return std::optional<identity::RevocationList>();
  BC_ASSIGN_OR_RETURN(std::string text, ReadText(dir / kRevocationsFile));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  auto list = identity::RevocationListFromText(text);
  if (!list) return list.error().WithContext((dir / kRevocationsFile).string());
  return std::optional<identity::RevocationList>(std::move(*list));
}

std::string KeyText(const identity::AuthorityPublicKey& key) {
  return ToBase64(key, Base64Variant::kUrlSafeNoPadding);
}

void RunInit(const InitArgs& args, Context& ctx) {
  const fs::path dir(args.dir);
  if (fs::exists(dir / kKeyFile)) {
    return ctx.Fail(Status(StatusCode::kAlreadyExists,
                           (dir / kKeyFile).string() + " exists; refusing to overwrite it"));
  }
  identity::KdfStrength strength = identity::KdfStrength::kModerate;
  if (args.kdf == "interactive") {
    strength = identity::KdfStrength::kInteractive;
  } else if (args.kdf != "moderate") {
    return ctx.Fail(InvalidArgument("--kdf must be moderate or interactive"));
  }
  auto passphrase = ReadPassphrase(args, /*confirm=*/true);
  if (!passphrase) return ctx.Fail(passphrase.error());
  auto authority = identity::Authority::Generate(args.side);
  if (!authority) return ctx.Fail(authority.error());
  auto file = identity::EncryptAuthorityKey(*authority, passphrase->view(), strength);
  if (!file) return ctx.Fail(file.error());
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) {
    return ctx.Fail(InvalidArgument(args.dir + ": cannot create directory"));
  }
  if (Status s = WriteText(dir / kKeyFile, AsString(*file), 0600, /*exclusive=*/true); !s.ok()) {
    return ctx.Fail(s);
  }
  Json state = {{"format", 1},
                {"side", authority->side()},
                {"public_key", KeyText(authority->public_key())},
                {"next_serial", 1},
                {"issued", Json::array()}};
  if (Status s = SaveState(dir, state); !s.ok()) return ctx.Fail(s);
  if (args.json) {
    ctx.Emit(Json{{"side", authority->side()},
                  {"public_key", KeyText(authority->public_key())},
                  {"key_file", (dir / kKeyFile).string()}});
    return;
  }
  ctx.out << "Authority for " << authority->side() << " created in " << args.dir << "\n"
          << "public key: " << KeyText(authority->public_key()) << "\n";
}

void RunIssue(const IssueArgs& args, Context& ctx) {
  const fs::path dir(args.dir);
  auto state = LoadState(dir);
  if (!state) return ctx.Fail(state.error());
  auto key_bytes = FromHex(args.identity_key);
  if (!key_bytes) return ctx.Fail(InvalidArgument("--identity-key must be hex"));
  auto identity_key = session::ParsePublicKey(*key_bytes);
  if (!identity_key) {
    return ctx.Fail(InvalidArgument("--identity-key must be 33 bytes of hex starting with 05"));
  }
  auto role = identity::ParseRole(args.role);
  if (!role) return ctx.Fail(role.error());
  if (args.days <= 0 || args.days > 3660) {
    return ctx.Fail(InvalidArgument("--days must be between 1 and 3660"));
  }
  auto authority = LoadAuthority(args);
  if (!authority) return ctx.Fail(authority.error());

  identity::CredentialRequest req;
  req.identity_key = *identity_key;
  req.role = *role;
  req.display_name = args.name;
  req.not_before = Now();
  req.expiry = req.not_before + args.days * 86'400;
  req.serial = (*state)["next_serial"].get<std::uint64_t>();
  auto credential = authority->Issue(req);
  if (!credential) return ctx.Fail(credential.error());
  auto text = identity::CredentialToText(*credential);
  if (!text) return ctx.Fail(text.error());

  if (!args.out.empty()) {
    const std::string line = *text + "\n";
    if (Status s = WriteText(args.out, line, 0644, false); !s.ok()) {
      return ctx.Fail(s);
    }
  }
  (*state)["next_serial"] = req.serial + 1;
  (*state)["issued"].push_back({{"serial", req.serial},
                                {"role", std::string(identity::RoleName(req.role))},
                                {"name", req.display_name},
                                {"identity_key", ToHex(*key_bytes)},
                                {"not_before", req.not_before},
                                {"expiry", req.expiry}});
  if (Status s = SaveState(dir, *state); !s.ok()) return ctx.Fail(s);
  if (args.json) {
    ctx.Emit(Json{{"serial", req.serial},
                  {"role", std::string(identity::RoleName(req.role))},
                  {"name", req.display_name},
                  {"side", authority->side()},
                  {"not_before", req.not_before},
                  {"expiry", req.expiry},
                  {"credential", *text}});
    return;
  }
  if (args.out.empty()) {
    ctx.out << *text << "\n";
  } else {
    ctx.out << "Credential #" << req.serial << " for " << req.display_name << " ("
            << identity::RoleName(req.role) << ", " << authority->side() << "), valid until "
            << identity::FormatUnixTime(req.expiry) << ", written to " << args.out << "\n";
  }
}

void RunRevoke(const RevokeArgs& args, Context& ctx) {
  const fs::path dir(args.dir);
  auto state = LoadState(dir);
  if (!state) return ctx.Fail(state.error());
  bool issued = false;
  for (const auto& c : (*state)["issued"]) {
    issued = issued || (c.contains("serial") && c["serial"] == args.serial);
  }
  if (!issued) {
    return ctx.Fail(NotFound("no credential with serial " + std::to_string(args.serial) +
                             " was issued by this authority"));
  }
  auto previous = LoadRevocations(dir);
  if (!previous) return ctx.Fail(previous.error());
  auto authority = LoadAuthority(args);
  if (!authority) return ctx.Fail(authority.error());
  std::vector<std::uint64_t> serials;
  std::uint64_t sequence = 1;
  if (previous->has_value()) {
    serials = (*previous)->revoked_serials;
    sequence = (*previous)->sequence + 1;
  }
  serials.push_back(args.serial);
  auto list = authority->Revoke(Now(), sequence, std::move(serials));
  if (!list) return ctx.Fail(list.error());
  auto text = identity::RevocationListToText(*list);
  if (!text) return ctx.Fail(text.error());
  const std::string line = *text + "\n";
  if (Status s = WriteText(dir / kRevocationsFile, line, 0644, false); !s.ok()) {
    return ctx.Fail(s);
  }
  if (args.json) {
    ctx.Emit(Json{{"sequence", list->sequence},
                  {"issued_at", list->issued_at},
                  {"revoked", list->revoked_serials},
                  {"revocation_list", *text}});
    return;
  }
  ctx.out << *text << "\n";
}

void RunShow(const CommonArgs& args, Context& ctx) {
  const fs::path dir(args.dir);
  auto state = LoadState(dir);
  if (!state) return ctx.Fail(state.error());
  auto key_file = ReadText(dir / kKeyFile);
  if (!key_file) return ctx.Fail(key_file.error());
  auto info = identity::ReadAuthorityKeyInfo(AsBytes(*key_file));
  if (!info) return ctx.Fail(info.error().WithContext((dir / kKeyFile).string()));
  auto revocations = LoadRevocations(dir);
  if (!revocations) return ctx.Fail(revocations.error());
  if (revocations->has_value()) {
    if (Status s = identity::VerifyRevocationListSignature(**revocations);
        !s.ok() || (*revocations)->authority_key != info->public_key) {
      return ctx.Fail(
          Corrupt((dir / kRevocationsFile).string() + ": not signed by this authority"));
    }
  }
  const std::vector<std::uint64_t> revoked =
      revocations->has_value() ? (*revocations)->revoked_serials : std::vector<std::uint64_t>{};
  if (args.json) {
    Json out = {{"side", info->side},
                {"public_key", KeyText(info->public_key)},
                {"issued", (*state)["issued"]},
                {"revoked", revoked}};
    if (revocations->has_value()) {
      out["revocation_sequence"] = (*revocations)->sequence;
      out["revocation_issued_at"] = (*revocations)->issued_at;
    }
    ctx.Emit(out);
    return;
  }
  ctx.out << "Authority for " << info->side << "\npublic key: " << KeyText(info->public_key)
          << "\n";
  ctx.out << "issued credentials: " << (*state)["issued"].size() << "\n";
  for (const auto& c : (*state)["issued"]) {
    const std::uint64_t serial = c.value("serial", std::uint64_t{0});
    const bool is_revoked = std::find(revoked.begin(), revoked.end(), serial) != revoked.end();
    ctx.out << "  #" << serial << " " << c.value("name", "") << " (" << c.value("role", "")
            << "), until " << identity::FormatUnixTime(c.value("expiry", std::int64_t{0}))
            << (is_revoked ? " [revoked]" : "") << "\n";
  }
  if (revocations->has_value()) {
    ctx.out << "revocation list #" << (*revocations)->sequence << " of "
            << identity::FormatUnixTime((*revocations)->issued_at) << ": " << revoked.size()
            << " revoked\n";
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
