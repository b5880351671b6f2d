// Canonical encodings, text forms and signature checks of credentials and
// revocation lists (docs/identity.md).
#include "backchannel/identity/credential.h"

#include <algorithm>
#include <ctime>

#include "backchannel/common/byte_io.h"
#include "backchannel/common/encoding.h"
#include "backchannel/common/utf8.h"
#include "backchannel/crypto/ed25519.h"

namespace backchannel::identity {
namespace {

// Domain separation: the signature input of each kind starts with its label
// (NUL-terminated), so one kind can never be passed off as another.
constexpr std::string_view kCredentialLabel{"backchannel credential v1\0", 26};
constexpr std::string_view kRevocationLabel{"backchannel revocation list v1\0", 30};

Status CheckText(std::string_view what, const std::string& text, std::size_t max) {
  if (text.empty() || text.size() > max) {
    return InvalidArgument(std::string(what) + " must be 1 to " + std::to_string(max) +
                           " bytes long");
  }
  if (!IsCleanUtf8(text)) {
    return InvalidArgument(std::string(what) + " must be UTF-8 without control characters");
  }
  return Status::Ok();
}

Status CheckCredential(const Credential& c) {
  BC_RETURN_IF_ERROR(CheckText("side", c.side, kMaxSideSize));
  BC_RETURN_IF_ERROR(CheckText("display name", c.display_name, kMaxDisplayNameSize));
  if (c.role != Role::kEnvoy && c.role != Role::kPrincipal && c.role != Role::kMediator &&
      c.role != Role::kTrack2) {
    return InvalidArgument("role must be envoy, principal, mediator or track2");
  }
  if (c.expiry <= c.not_before) return InvalidArgument("expiry must be after not_before");
  return Status::Ok();
}

Status CheckRevocationList(const RevocationList& l) {
  if (l.revoked_serials.size() > kMaxRevokedSerials) {
    return InvalidArgument("revocation list has too many serials");
  }
  for (std::size_t i = 1; i < l.revoked_serials.size(); ++i) {
    if (l.revoked_serials[i - 1] >= l.revoked_serials[i]) {
      return InvalidArgument("revoked serials must be ascending without duplicates");
    }
  }
  return Status::Ok();
}

// version(1) identity(33) authority(32) role(1) side(u16+) name(u16+)
// not_before(i64) expiry(i64) serial(u64)
void WriteCredentialBody(const Credential& c, ByteWriter& w) {
  w.U8(kCredentialVersion);
  w.Raw(session::SerializePublicKey(c.identity_key));
  w.Raw(c.authority_key);
  w.U8(static_cast<std::uint8_t>(c.role));
  w.String16(c.side);
  w.String16(c.display_name);
  w.I64(c.not_before);
  w.I64(c.expiry);
  w.U64(c.serial);
}

// version(1) authority(32) issued_at(i64) sequence(u64) count(u32) serials(u64 each)
void WriteRevocationBody(const RevocationList& l, ByteWriter& w) {
  w.U8(kRevocationListVersion);
  w.Raw(l.authority_key);
  w.I64(l.issued_at);
  w.U64(l.sequence);
  w.U32(static_cast<std::uint32_t>(l.revoked_serials.size()));
  for (std::uint64_t s : l.revoked_serials) w.U64(s);
}

Status VerifyEd25519(const Signature& sig, ByteView message, const AuthorityPublicKey& key,
                     std::string_view what) {
  if (!crypto::Ed25519Verify(key, sig, message)) {
    return Status(StatusCode::kBadSignature,
                  std::string(what) + " signature does not verify with its authority key");
  }
  return Status::Ok();
}

Status Malformed(std::string_view what) {
  return InvalidMessage(std::string(what) + " is malformed");
}

}  // namespace

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kEnvoy:
      return "envoy";
    case Role::kPrincipal:
      return "principal";
    case Role::kMediator:
      return "mediator";
    case Role::kTrack2:
      return "track2";
  }
  return "unknown";
}

Result<Role> ParseRole(std::string_view name) {
  for (Role r : {Role::kEnvoy, Role::kPrincipal, Role::kMediator, Role::kTrack2}) {
    if (name == RoleName(r)) return r;
  }
  return InvalidArgument("role '" + std::string(name) +
                         "' is not one of envoy, principal, mediator, track2");
}

bool RevocationList::IsRevoked(std::uint64_t serial) const {
  return std::binary_search(revoked_serials.begin(), revoked_serials.end(), serial);
}

Result<Bytes> CredentialSigningInput(const Credential& credential) {
  BC_RETURN_IF_ERROR(CheckCredential(credential));
  ByteWriter w;
  w.Raw(AsBytes(kCredentialLabel));
  WriteCredentialBody(credential, w);
  return w.Take();
}

Result<Bytes> RevocationListSigningInput(const RevocationList& list) {
  BC_RETURN_IF_ERROR(CheckRevocationList(list));
  ByteWriter w;
  w.Raw(AsBytes(kRevocationLabel));
  WriteRevocationBody(list, w);
  return w.Take();
}

Result<Bytes> EncodeCredential(const Credential& credential) {
  BC_RETURN_IF_ERROR(CheckCredential(credential));
  ByteWriter w;
  WriteCredentialBody(credential, w);
  w.Raw(credential.signature);
  return w.Take();
}

Result<Credential> DecodeCredential(ByteView bytes) {
  ByteReader r(bytes);
  std::uint8_t version = 0;
  if (!r.U8(version)) return Malformed("credential");
  if (version != kCredentialVersion) {
    return Status(StatusCode::kUnsupportedVersion,
                  "credential version " + std::to_string(version) + " is not supported");
  }
  Credential c;
  ByteView identity;
  std::uint8_t role = 0;
  if (!r.Raw(session::kSerializedPublicKeySize, identity) || !r.Array(c.authority_key) ||
      !r.U8(role) || !r.String16(c.side) || !r.String16(c.display_name) || !r.I64(c.not_before) ||
      !r.I64(c.expiry) || !r.U64(c.serial) || !r.Array(c.signature) || !r.done()) {
    return Malformed("credential");
  }
  auto key = session::ParsePublicKey(identity);
  if (!key) return InvalidMessage("credential identity key is not a Curve25519 public key");
  c.identity_key = *key;
  c.role = static_cast<Role>(role);
  if (Status s = CheckCredential(c); !s.ok()) {
    return InvalidMessage("credential is malformed: " + std::string(s.message()));
  }
  return c;
}

Result<Bytes> EncodeRevocationList(const RevocationList& list) {
  BC_RETURN_IF_ERROR(CheckRevocationList(list));
  ByteWriter w;
  WriteRevocationBody(list, w);
  w.Raw(list.signature);
  return w.Take();
}

Result<RevocationList> DecodeRevocationList(ByteView bytes) {
  ByteReader r(bytes);
  std::uint8_t version = 0;
  if (!r.U8(version)) return Malformed("revocation list");
  if (version != kRevocationListVersion) {
    return Status(StatusCode::kUnsupportedVersion,
                  "revocation list version " + std::to_string(version) + " is not supported");
  }
  RevocationList l;
  std::uint32_t count = 0;
  if (!r.Array(l.authority_key) || !r.I64(l.issued_at) || !r.U64(l.sequence) || !r.U32(count) ||
      count > kMaxRevokedSerials || r.remaining() != std::size_t{count} * 8 + 64) {
    return Malformed("revocation list");
  }
  l.revoked_serials.resize(count);
  for (std::uint64_t& s : l.revoked_serials) {
    if (!r.U64(s)) return Malformed("revocation list");
  }
  if (!r.Array(l.signature) || !r.done()) return Malformed("revocation list");
  if (Status s = CheckRevocationList(l); !s.ok()) {
    return InvalidMessage("revocation list is malformed: " + std::string(s.message()));
  }
  return l;
}

Result<std::string> CredentialToText(const Credential& credential) {
  BC_ASSIGN_OR_RETURN(Bytes bytes, EncodeCredential(credential));
  return ToBase64(bytes, Base64Variant::kUrlSafeNoPadding);
}

Result<Credential> CredentialFromText(std::string_view text) {
  auto bytes = FromBase64(text, Base64Variant::kUrlSafeNoPadding);
  if (!bytes) return InvalidArgument("credential text is not base64url");
  return DecodeCredential(*bytes);
}

Result<std::string> RevocationListToText(const RevocationList& list) {
  BC_ASSIGN_OR_RETURN(Bytes bytes, EncodeRevocationList(list));
  return ToBase64(bytes, Base64Variant::kUrlSafeNoPadding);
}

Result<RevocationList> RevocationListFromText(std::string_view text) {
  auto bytes = FromBase64(text, Base64Variant::kUrlSafeNoPadding);
  if (!bytes) return InvalidArgument("revocation list text is not base64url");
  return DecodeRevocationList(*bytes);
}

Status VerifyCredentialSignature(const Credential& credential) {
  BC_ASSIGN_OR_RETURN(Bytes input, CredentialSigningInput(credential));
  return VerifyEd25519(credential.signature, input, credential.authority_key, "credential");
}

Status VerifyRevocationListSignature(const RevocationList& list) {
  BC_ASSIGN_OR_RETURN(Bytes input, RevocationListSigningInput(list));
  return VerifyEd25519(list.signature, input, list.authority_key, "revocation list");
}

std::string FormatUnixTime(std::int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  if (gmtime_r(&t, &tm) == nullptr) return std::to_string(unix_seconds) + " (unix time)";
  char buf[64];
  const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  if (n == 0) return std::to_string(unix_seconds) + " (unix time)";
  return {buf, n};
}

}  // namespace backchannel::identity
