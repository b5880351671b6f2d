// A side's authority: the Ed25519 key (RFC 8032, crypto/ed25519.h) that
// issues credentials and revocation lists, and its encrypted key file.
//
// The secret key never rests in the clear: EncryptAuthorityKey derives a key
// from a passphrase with Argon2id (RFC 9106, crypto/password_kdf.h) and
// seals the Ed25519 seed with XChaCha20-Poly1305 (crypto/aead.h); the file format is in
// docs/identity.md. A wrong passphrase is kPermissionDenied, never garbage.
//
// Thread safety: an Authority is immutable after creation and safe for
// concurrent const use. It owns its secret key (wiped on destruction) and is
// move-only.
#ifndef BACKCHANNEL_IDENTITY_AUTHORITY_H_
#define BACKCHANNEL_IDENTITY_AUTHORITY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "backchannel/common/bytes.h"
#include "backchannel/common/result.h"
#include "backchannel/crypto/password_kdf.h"
#include "backchannel/crypto/secret_bytes.h"
#include "backchannel/identity/credential.h"
#include "backchannel/session/keys.h"

namespace backchannel::identity {

// The Argon2id cost: crypto::KdfCost, the one cost enum (kModerate for keys
// at rest, kInteractive for tests). The old name stays for existing callers.
using KdfStrength = crypto::KdfCost;

// What Authority::Issue needs; side and authority key come from the authority.
struct CredentialRequest {
  session::PublicKey identity_key{};
  Role role = Role::kEnvoy;
  std::string display_name;
  std::int64_t not_before = 0;
  std::int64_t expiry = 0;
  std::uint64_t serial = 0;
};

class Authority {
 public:
  // A fresh key (libsodium randomness) for `side`. kInvalidArgument when the
  // side is empty, longer than kMaxSideSize or not UTF-8.
  static Result<Authority> Generate(std::string side);
  // The authority for a 32-byte Ed25519 seed (deterministic; for tests and the
  // key file). REQUIRES: seed.size() == 32.
  static Result<Authority> FromSeed(std::string side, ByteView seed);

  Authority(Authority&&) noexcept = default;
  Authority& operator=(Authority&&) noexcept = default;
  Authority(const Authority&) = delete;
  Authority& operator=(const Authority&) = delete;
  ~Authority() = default;

  const AuthorityPublicKey& public_key() const { return public_key_; }
  const std::string& side() const { return side_; }

  // A signed credential; kInvalidArgument for out-of-range fields.
  Result<Credential> Issue(const CredentialRequest& request) const;
  // A signed revocation list; serials are sorted and deduplicated.
  Result<RevocationList> Revoke(std::int64_t issued_at, std::uint64_t sequence,
                                std::vector<std::uint64_t> revoked_serials) const;

  // The 32-byte seed, for the key file only.
  const SecretArray<32>& seed() const { return seed_; }

 private:
  Authority(std::string side, SecretArray<32> seed, SecretArray<64> secret_key,
            const AuthorityPublicKey& public_key);
  Result<Signature> Sign(ByteView message) const;

  std::string side_;
  SecretArray<32> seed_;
  SecretArray<64> secret_key_;  // libsodium's seed || public key form
  AuthorityPublicKey public_key_{};
};

// The encrypted key file (docs/identity.md). `passphrase` should live in a
// SecretBytes; an empty passphrase is kInvalidArgument.
Result<Bytes> EncryptAuthorityKey(const Authority& authority, ByteView passphrase,
                                  crypto::KdfCost cost = crypto::KdfCost::kModerate);
// kPermissionDenied "wrong passphrase ..." when the passphrase does not open
// the file (or the file was altered); kCorrupt / kUnsupportedVersion for a
// file that is not an authority key of this version.
Result<Authority> DecryptAuthorityKey(ByteView file, ByteView passphrase);
// The public part of a key file (side, public key) without the passphrase.
struct AuthorityKeyInfo {
  std::string side;
  AuthorityPublicKey public_key{};
};
Result<AuthorityKeyInfo> ReadAuthorityKeyInfo(ByteView file);

}  // namespace backchannel::identity

#endif  // BACKCHANNEL_IDENTITY_AUTHORITY_H_
