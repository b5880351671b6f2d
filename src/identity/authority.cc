// The authority key (Ed25519, RFC 8032) and its passphrase-encrypted file
// (Argon2id, RFC 9106, + XChaCha20-Poly1305), all through backchannel::crypto.
#include "backchannel/identity/authority.h"

#include <algorithm>

#include "backchannel/common/byte_io.h"
#include "backchannel/common/utf8.h"
#include "backchannel/crypto/aead.h"
#include "backchannel/crypto/ed25519.h"
#include "backchannel/crypto/password_kdf.h"
#include "backchannel/crypto/primitives.h"

namespace backchannel::identity {
namespace {

// Key file: magic "BCAK", version 1, then the header fields that are bound as
// associated data, then the sealed 32-byte seed (docs/identity.md).
constexpr std::string_view kMagic = "BCAK";
constexpr std::uint8_t kKeyFileVersion = 1;
constexpr std::uint8_t kAlgArgon2idXChaCha = 1;
constexpr std::size_t kSaltSize = crypto::kKdfSaltSize;
constexpr std::size_t kNonceSize = crypto::kAeadNonceSize;
constexpr std::size_t kSealedSize = crypto::kEd25519SeedSize + crypto::kAeadTagSize;
static_assert(kSaltSize == 16 && kNonceSize == 24 && kSealedSize == 48);

struct KeyFileHeader {
  std::uint64_t opslimit = 0;
  std::uint64_t memlimit = 0;
  crypto::KdfSalt salt{};
  crypto::AeadNonce nonce{};
  std::string side;
  AuthorityPublicKey public_key{};
};

void WriteHeader(const KeyFileHeader& h, ByteWriter& w) {
  w.Raw(AsBytes(kMagic));
  w.U8(kKeyFileVersion);
  w.U8(kAlgArgon2idXChaCha);
  w.U64(h.opslimit);
  w.U64(h.memlimit);
  w.Raw(h.salt);
  w.Raw(h.nonce);
  w.String16(h.side);
  w.Raw(h.public_key);
}

// Parses the header; `header_size` receives its length (the AEAD's AD).
Result<KeyFileHeader> ReadHeader(ByteView file, std::size_t& header_size, ByteView& sealed) {
  ByteReader r(file);
  ByteView magic;
  if (!r.Raw(kMagic.size(), magic) || AsString(magic) != kMagic) {
    return Corrupt("not an authority key file");
  }
  std::uint8_t version = 0;
  std::uint8_t alg = 0;
  KeyFileHeader h;
  if (!r.U8(version)) return Corrupt("authority key file is truncated");
  if (version != kKeyFileVersion) {
    return Status(StatusCode::kUnsupportedVersion,
                  "authority key file version " + std::to_string(version) + " is not supported");
  }
  if (!r.U8(alg) || !r.U64(h.opslimit) || !r.U64(h.memlimit) || !r.Array(h.salt) ||
      !r.Array(h.nonce) || !r.String16(h.side) || !r.Array(h.public_key)) {
    return Corrupt("authority key file is truncated");
  }
  if (alg != kAlgArgon2idXChaCha) {
    return Status(StatusCode::kUnsupportedVersion, "authority key file algorithm is unknown");
  }
  // Checked before any work, so a forged file cannot make us burn hours or
  // gigabytes.
  if (!crypto::KdfParamsInRange({h.opslimit, h.memlimit})) {
    return Corrupt("authority key file has out-of-range Argon2id parameters");
  }
  header_size = file.size() - r.remaining();
  if (!r.Raw(kSealedSize, sealed) || !r.done()) return Corrupt("authority key file is truncated");
  return h;
}

Result<crypto::AeadKey> DeriveFileKey(ByteView passphrase, const KeyFileHeader& h) {
  return crypto::DerivePasswordKey(passphrase, h.salt, {h.opslimit, h.memlimit});
}

}  // namespace

Authority::Authority(std::string side, SecretArray<32> seed, SecretArray<64> secret_key,
                     const AuthorityPublicKey& public_key)
    : side_(std::move(side)),
      seed_(std::move(seed)),
      secret_key_(std::move(secret_key)),
      public_key_(public_key) {}

Result<Authority> Authority::Generate(std::string side) {
  SecretArray<32> seed;
  crypto::RandomBytes(seed.mutable_view());
  return FromSeed(std::move(side), seed.view());
}

Result<Authority> Authority::FromSeed(std::string side, ByteView seed) {
  if (seed.size() != crypto::kEd25519SeedSize) return InvalidArgument("seed must be 32 bytes");
  if (side.empty() || side.size() > kMaxSideSize || !IsCleanUtf8(side)) {
    return InvalidArgument("side must be 1 to " + std::to_string(kMaxSideSize) +
                           " bytes of UTF-8 without control characters");
  }
  BC_ASSIGN_OR_RETURN(crypto::Ed25519KeyPair kp, crypto::Ed25519KeyPairFromSeed(seed));
  return Authority(std::move(side), SecretArray<32>(seed), std::move(kp.secret_key),
                   AuthorityPublicKey(kp.public_key));
}

Result<Signature> Authority::Sign(ByteView message) const {
  return crypto::Ed25519Sign(secret_key_.view(), message);
}

Result<Credential> Authority::Issue(const CredentialRequest& request) const {
  Credential c;
  c.identity_key = request.identity_key;
  c.side = side_;
  c.role = request.role;
  c.display_name = request.display_name;
  c.not_before = request.not_before;
  c.expiry = request.expiry;
  c.serial = request.serial;
  c.authority_key = public_key_;
  BC_ASSIGN_OR_RETURN(Bytes input, CredentialSigningInput(c));
  BC_ASSIGN_OR_RETURN(c.signature, Sign(input));
  return c;
}

Result<RevocationList> Authority::Revoke(std::int64_t issued_at, std::uint64_t sequence,
                                         std::vector<std::uint64_t> revoked_serials) const {
  RevocationList l;
  l.authority_key = public_key_;
  l.issued_at = issued_at;
  l.sequence = sequence;
  std::sort(revoked_serials.begin(), revoked_serials.end());
  revoked_serials.erase(std::unique(revoked_serials.begin(), revoked_serials.end()),
                        revoked_serials.end());
  l.revoked_serials = std::move(revoked_serials);
  BC_ASSIGN_OR_RETURN(Bytes input, RevocationListSigningInput(l));
  BC_ASSIGN_OR_RETURN(l.signature, Sign(input));
  return l;
}

Result<Bytes> EncryptAuthorityKey(const Authority& authority, ByteView passphrase,
                                  crypto::KdfCost cost) {
  if (passphrase.empty()) return InvalidArgument("the passphrase must not be empty");
  KeyFileHeader h;
  const crypto::KdfParams params = crypto::KdfParamsFor(cost);
  h.opslimit = params.opslimit;
  h.memlimit = params.memlimit;
  h.salt = crypto::NewKdfSalt();
  // The nonce sits in the header, which is the associated data, so it is
  // drawn before encrypting (the layout predates the seam: docs/identity.md).
  h.nonce = crypto::NewAeadNonce();
  h.side = authority.side();
  h.public_key = authority.public_key();
  BC_ASSIGN_OR_RETURN(crypto::AeadKey key, DeriveFileKey(passphrase, h));

  ByteWriter w;
  WriteHeader(h, w);
  Bytes out = w.Take();
  const Bytes sealed = crypto::AeadEncryptWithNonce(key, h.nonce, authority.seed().view(), out);
  Append(out, sealed);
  return out;
}

Result<Authority> DecryptAuthorityKey(ByteView file, ByteView passphrase) {
  std::size_t header_size = 0;
  ByteView sealed;
  BC_ASSIGN_OR_RETURN(KeyFileHeader h, ReadHeader(file, header_size, sealed));
  BC_ASSIGN_OR_RETURN(crypto::AeadKey key, DeriveFileKey(passphrase, h));
  auto seed = crypto::AeadDecryptWithNonce(key, h.nonce, sealed, file.first(header_size));
  if (!seed) {
    return Status(StatusCode::kPermissionDenied,
                  "wrong passphrase for the authority key (or the key file was altered)");
  }
  BC_ASSIGN_OR_RETURN(Authority authority, Authority::FromSeed(h.side, seed->view()));
  if (authority.public_key() != h.public_key) {
    return Corrupt("authority key file: the public key does not match the secret key");
  }
  return authority;
}

Result<AuthorityKeyInfo> ReadAuthorityKeyInfo(ByteView file) {
  std::size_t header_size = 0;
  ByteView sealed;
  BC_ASSIGN_OR_RETURN(KeyFileHeader h, ReadHeader(file, header_size, sealed));
  return AuthorityKeyInfo{h.side, h.public_key};
}

}  // namespace backchannel::identity
