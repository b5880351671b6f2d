// Credentials and revocation lists: how a side's authority accredits people.
//
// An authority (a side's foreign ministry, authority.h) holds an Ed25519 key
// (RFC 8032). A Credential binds an identity key (the Curve25519 key the
// Signal session uses) to that side, a role, a display name and a validity
// period, under a serial number; the authority signs a canonical, versioned
// encoding of it. A RevocationList is the authority's signed list of revoked
// serials, with a sequence number that only grows.
//
// Deniability: credentials sign keys and roles, never messages. Messages are
// authenticated by the session keys only (docs/identity.md).
//
// Every decoder is strict: it accepts exactly the canonical encoding
// (docs/identity.md) and rejects anything else with kInvalidMessage (or
// kUnsupportedVersion for another version), so one credential has one
// encoding and one signature input.
//
// Thread safety: plain values; distinct objects are safe, shared objects are
// safe for concurrent const use.
#ifndef BACKCHANNEL_IDENTITY_CREDENTIAL_H_
#define BACKCHANNEL_IDENTITY_CREDENTIAL_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "backchannel/common/authority_key.h"
#include "backchannel/common/bytes.h"
#include "backchannel/common/fixed_bytes.h"
#include "backchannel/common/result.h"
#include "backchannel/crypto/ed25519.h"
#include "backchannel/session/keys.h"

namespace backchannel::identity {

// The authority's Ed25519 public key (common/authority_key.h, where it is
// defined once for the layers that carry it without identity).
using AuthorityPublicKey = ::backchannel::AuthorityPublicKey;
static_assert(AuthorityPublicKey::kSize == crypto::kEd25519PublicKeySize,
              "an authority key is an Ed25519 public key");
using Signature = std::array<std::uint8_t, 64>;  // Ed25519 detached

inline constexpr std::uint8_t kCredentialVersion = 1;
inline constexpr std::uint8_t kRevocationListVersion = 1;
// Limits on text fields, in bytes of UTF-8.
inline constexpr std::size_t kMaxSideSize = 128;
inline constexpr std::size_t kMaxDisplayNameSize = 128;
inline constexpr std::size_t kMaxRevokedSerials = 100000;

// kTrack2: a non-governmental ("Track 2") participant who speaks without
// official authority; seated in talks as `track2` (docs/talks.md, "Roles").
enum class Role : std::uint8_t { kEnvoy = 1, kPrincipal = 2, kMediator = 3, kTrack2 = 4 };

// "envoy", "principal", "mediator", "track2".
std::string_view RoleName(Role role);
// The inverse of RoleName; kInvalidArgument otherwise.
Result<Role> ParseRole(std::string_view name);

struct Credential {
  session::PublicKey identity_key{};  // travels as 33 bytes (0x05 || key)
  std::string side;                   // e.g. "United States"; 1..128 bytes UTF-8
  Role role = Role::kEnvoy;
  std::string display_name;     // 1..128 bytes UTF-8
  std::int64_t not_before = 0;  // unix seconds, inclusive
  std::int64_t expiry = 0;      // unix seconds, exclusive
  std::uint64_t serial = 0;
  AuthorityPublicKey authority_key{};
  Signature signature{};
};

struct RevocationList {
  AuthorityPublicKey authority_key{};
  std::int64_t issued_at = 0;                  // unix seconds
  std::uint64_t sequence = 0;                  // strictly increasing per authority
  std::vector<std::uint64_t> revoked_serials;  // ascending, no duplicates
  Signature signature{};

  bool IsRevoked(std::uint64_t serial) const;
};

// The bytes the authority signs: a domain-separation label and the canonical
// encoding of every field but the signature. kInvalidArgument when a field is
// out of range (empty or too long text, invalid UTF-8, expiry <= not_before,
// unsorted or duplicate serials).
Result<Bytes> CredentialSigningInput(const Credential& credential);
Result<Bytes> RevocationListSigningInput(const RevocationList& list);

// Binary encodings (with the signature) and their strict decoders.
Result<Bytes> EncodeCredential(const Credential& credential);
Result<Credential> DecodeCredential(ByteView bytes);
Result<Bytes> EncodeRevocationList(const RevocationList& list);
Result<RevocationList> DecodeRevocationList(ByteView bytes);

// Text forms: base64url without padding of the binary encodings. The
// decoders give kInvalidArgument for text that is not base64url.
Result<std::string> CredentialToText(const Credential& credential);
Result<Credential> CredentialFromText(std::string_view text);
Result<std::string> RevocationListToText(const RevocationList& list);
Result<RevocationList> RevocationListFromText(std::string_view text);

// Checks only the authority's signature (kBadSignature) and the fields'
// validity (kInvalidArgument); trust, time and revocation are the job of
// VerifyCredential (trust_store.h).
Status VerifyCredentialSignature(const Credential& credential);
Status VerifyRevocationListSignature(const RevocationList& list);

// "2026-03-01 12:00:00 UTC", for messages.
std::string FormatUnixTime(std::int64_t unix_seconds);

}  // namespace backchannel::identity

#endif  // BACKCHANNEL_IDENTITY_CREDENTIAL_H_
