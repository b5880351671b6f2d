#include "backchannel/app/authority.h"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "backchannel/client/home.h"
#include "backchannel/common/encoding.h"
#include "backchannel/common/file_io.h"
#include "backchannel/identity/authority.h"
#include "backchannel/identity/credential.h"
#include "backchannel/session/keys.h"

namespace backchannel::app {
namespace {

namespace fs = std::filesystem;

constexpr const char* kAuthorityKeyFile = "authority.key";
constexpr const char* kAuthorityStateFile = "authority.json";
constexpr const char* kAuthorityRevocationsFile = "revocations.txt";

std::int64_t AuthorityNow(std::int64_t given) {
  if (given != 0) return given;
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<SecretBytes> ReadAuthorityPassphrase(const std::string& file, bool confirm = false) {
  return client::ReadPassphrase({file, confirm, "Authority passphrase: "});
}

// An authority file, as common's ReadFile reads it (bounded, named errors).
Result<std::string> ReadAuthorityFile(const fs::path& path) { return ReadFile(path.string()); }

Status WriteAuthorityFile(const fs::path& path, std::string_view text, mode_t mode,
                          bool exclusive) {
  return WriteFileAtomic(path.string(), text, mode, exclusive);
}

Result<Json> LoadAuthorityState(const fs::path& dir) {
  auto text = ReadAuthorityFile(dir / kAuthorityStateFile);
  if (!text) return NotFound(dir.string() + " is not an authority directory (run authority init)");
  Json state = Json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!state.is_object() || !state["issued"].is_array() || !state["next_serial"].is_number()) {
    return Corrupt((dir / kAuthorityStateFile).string() + " is damaged");
  }
  return state;
}

Status SaveAuthorityState(const fs::path& dir, const Json& state) {
  const std::string text = state.dump(2) + "\n";
  return WriteAuthorityFile(dir / kAuthorityStateFile, text, 0644, /*exclusive=*/false);
}

Result<identity::Authority> LoadAuthorityKey(const std::string& dir,
                                             const std::string& passphrase_file) {
  BC_ASSIGN_OR_RETURN(std::string file, ReadAuthorityFile(fs::path(dir) / kAuthorityKeyFile));
  BC_ASSIGN_OR_RETURN(SecretBytes passphrase, ReadAuthorityPassphrase(passphrase_file));
  auto authority = identity::DecryptAuthorityKey(AsBytes(file), passphrase.view());
  if (!authority) return authority.error().WithContext(dir);
  return authority;
}

// The newest revocation list of the directory, if there is one.
Result<std::optional<identity::RevocationList>> LoadAuthorityRevocations(const fs::path& dir) {
  if (!fs::exists(dir / kAuthorityRevocationsFile)) {
    return std::optional<identity::RevocationList>();
  }
  BC_ASSIGN_OR_RETURN(std::string text, ReadAuthorityFile(dir / kAuthorityRevocationsFile));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  auto list = identity::RevocationListFromText(text);
  if (!list) return list.error().WithContext((dir / kAuthorityRevocationsFile).string());
  return std::optional<identity::RevocationList>(std::move(*list));
}

std::string AuthorityKeyText(const identity::AuthorityPublicKey& key) {
  return ToBase64(key, Base64Variant::kUrlSafeNoPadding);
}

}  // namespace

Result<AuthorityInitView> InitAuthority(const AuthorityInitInput& input) {
  const fs::path dir(input.dir);
  if (fs::exists(dir / kAuthorityKeyFile)) {
    return Status(StatusCode::kAlreadyExists,
                  (dir / kAuthorityKeyFile).string() + " exists; refusing to overwrite it");
  }
  identity::KdfStrength strength = identity::KdfStrength::kModerate;
  if (input.kdf == "interactive") {
    strength = identity::KdfStrength::kInteractive;
  } else if (input.kdf != "moderate") {
    return InvalidArgument("--kdf must be moderate or interactive");
  }
  BC_ASSIGN_OR_RETURN(SecretBytes passphrase,
                      ReadAuthorityPassphrase(input.passphrase_file, /*confirm=*/true));
  BC_ASSIGN_OR_RETURN(identity::Authority authority, identity::Authority::Generate(input.side));
  BC_ASSIGN_OR_RETURN(auto file,
                      identity::EncryptAuthorityKey(authority, passphrase.view(), strength));
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) return InvalidArgument(input.dir + ": cannot create directory");
  BC_RETURN_IF_ERROR(
      WriteAuthorityFile(dir / kAuthorityKeyFile, AsString(file), 0600, /*exclusive=*/true));
  const Json state = {{"format", 1},
                      {"side", authority.side()},
                      {"public_key", AuthorityKeyText(authority.public_key())},
                      {"next_serial", 1},
                      {"issued", Json::array()}};
  BC_RETURN_IF_ERROR(SaveAuthorityState(dir, state));
  return AuthorityInitView{authority.side(), AuthorityKeyText(authority.public_key()),
                           (dir / kAuthorityKeyFile).string()};
}

Json ToJson(const AuthorityInitView& view) {
  return Json{{"side", view.side}, {"public_key", view.public_key}, {"key_file", view.key_file}};
}

Result<IssuedCredentialView> IssueCredential(const AuthorityIssueInput& input) {
  const fs::path dir(input.dir);
  BC_ASSIGN_OR_RETURN(Json state, LoadAuthorityState(dir));
  auto key_bytes = FromHex(input.identity_key);
  if (!key_bytes) return InvalidArgument("--identity-key must be hex");
  auto identity_key = session::ParsePublicKey(*key_bytes);
  if (!identity_key) {
    return InvalidArgument("--identity-key must be 33 bytes of hex starting with 05");
  }
  BC_ASSIGN_OR_RETURN(identity::Role role, identity::ParseRole(input.role));
  if (input.days <= 0 || input.days > 3660) {
    return InvalidArgument("--days must be between 1 and 3660");
  }
  BC_ASSIGN_OR_RETURN(identity::Authority authority,
                      LoadAuthorityKey(input.dir, input.passphrase_file));

  identity::CredentialRequest req;
  req.identity_key = *identity_key;
  req.role = role;
  req.display_name = input.name;
  req.not_before = AuthorityNow(input.now);
  req.expiry = req.not_before + input.days * 86'400;
  req.serial = state["next_serial"].get<std::uint64_t>();
  BC_ASSIGN_OR_RETURN(auto credential, authority.Issue(req));
  BC_ASSIGN_OR_RETURN(std::string text, identity::CredentialToText(credential));

  if (!input.out.empty()) {
    BC_RETURN_IF_ERROR(WriteAuthorityFile(input.out, text + "\n", 0644, false));
  }
  state["next_serial"] = req.serial + 1;
  state["issued"].push_back({{"serial", req.serial},
                             {"role", std::string(identity::RoleName(req.role))},
                             {"name", req.display_name},
                             {"identity_key", ToHex(*key_bytes)},
                             {"not_before", req.not_before},
                             {"expiry", req.expiry}});
  BC_RETURN_IF_ERROR(SaveAuthorityState(dir, state));
  IssuedCredentialView view;
  view.serial = req.serial;
  view.role = std::string(identity::RoleName(req.role));
  view.name = req.display_name;
  view.side = authority.side();
  view.not_before = req.not_before;
  view.expiry = req.expiry;
  view.expiry_text = identity::FormatUnixTime(req.expiry);
  view.credential = std::move(text);
  return view;
}

Json ToJson(const IssuedCredentialView& view) {
  return Json{{"serial", view.serial},
              {"role", view.role},
              {"name", view.name},
              {"side", view.side},
              {"not_before", view.not_before},
              {"expiry", view.expiry},
              {"credential", view.credential}};
}

Result<RevocationView> RevokeCredential(const AuthorityRevokeInput& input) {
  const fs::path dir(input.dir);
  BC_ASSIGN_OR_RETURN(Json state, LoadAuthorityState(dir));
  bool issued = false;
  for (const auto& c : state["issued"]) {
    issued = issued || (c.contains("serial") && c["serial"] == input.serial);
  }
  if (!issued) {
    return NotFound("no credential with serial " + std::to_string(input.serial) +
                    " was issued by this authority");
  }
  BC_ASSIGN_OR_RETURN(auto previous, LoadAuthorityRevocations(dir));
  BC_ASSIGN_OR_RETURN(identity::Authority authority,
                      LoadAuthorityKey(input.dir, input.passphrase_file));
  std::vector<std::uint64_t> serials;
  std::uint64_t sequence = 1;
  if (previous.has_value()) {
    serials = previous->revoked_serials;
    sequence = previous->sequence + 1;
  }
  serials.push_back(input.serial);
  BC_ASSIGN_OR_RETURN(auto list,
                      authority.Revoke(AuthorityNow(input.now), sequence, std::move(serials)));
  BC_ASSIGN_OR_RETURN(std::string text, identity::RevocationListToText(list));
  BC_RETURN_IF_ERROR(WriteAuthorityFile(dir / kAuthorityRevocationsFile, text + "\n", 0644, false));
  return RevocationView{list.sequence, list.issued_at, list.revoked_serials, std::move(text)};
}

Json ToJson(const RevocationView& view) {
  return Json{{"sequence", view.sequence},
              {"issued_at", view.issued_at},
              {"revoked", view.revoked},
              {"revocation_list", view.text}};
}

Result<AuthorityShowView> ShowAuthority(const std::string& dir_name) {
  const fs::path dir(dir_name);
  BC_ASSIGN_OR_RETURN(Json state, LoadAuthorityState(dir));
  BC_ASSIGN_OR_RETURN(std::string key_file, ReadAuthorityFile(dir / kAuthorityKeyFile));
  auto info = identity::ReadAuthorityKeyInfo(AsBytes(key_file));
  if (!info) return info.error().WithContext((dir / kAuthorityKeyFile).string());
  BC_ASSIGN_OR_RETURN(auto revocations, LoadAuthorityRevocations(dir));
  if (revocations.has_value()) {
    if (Status s = identity::VerifyRevocationListSignature(*revocations);
        !s.ok() || revocations->authority_key != info->public_key) {
      return Corrupt((dir / kAuthorityRevocationsFile).string() + ": not signed by this authority");
    }
  }
  AuthorityShowView view;
  view.side = info->side;
  view.public_key = AuthorityKeyText(info->public_key);
  view.issued_json = state["issued"].dump();
  if (revocations.has_value()) {
    view.revoked = revocations->revoked_serials;
    view.has_revocations = true;
    view.revocation_sequence = revocations->sequence;
    view.revocation_issued_at = revocations->issued_at;
    view.revocation_issued_at_text = identity::FormatUnixTime(revocations->issued_at);
  }
  for (const auto& c : state["issued"]) {
    IssuedEntryView entry;
    entry.serial = c.value("serial", std::uint64_t{0});
    entry.name = c.value("name", "");
    entry.role = c.value("role", "");
    entry.expiry_text = identity::FormatUnixTime(c.value("expiry", std::int64_t{0}));
    entry.revoked =
        std::find(view.revoked.begin(), view.revoked.end(), entry.serial) != view.revoked.end();
    view.entries.push_back(std::move(entry));
  }
  return view;
}

Json ToJson(const AuthorityShowView& view) {
  Json out = {{"side", view.side},
              {"public_key", view.public_key},
              {"issued", Json::parse(view.issued_json)},
              {"revoked", view.revoked}};
  if (view.has_revocations) {
    out["revocation_sequence"] = view.revocation_sequence;
    out["revocation_issued_at"] = view.revocation_issued_at;
  }
  return out;
}

}  // namespace backchannel::app
