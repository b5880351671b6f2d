// The authority key (Ed25519, RFC 8032, via libsodium crypto_sign) and its
// passphrase-encrypted file (Argon2id, RFC 9106, + XChaCha20-Poly1305).
#include "backchannel/identity/authority.h"

#include <sodium.h>

#include <algorithm>

#include "backchannel/crypto/primitives.h"
#include "envelope/internal/byte_io.h"

namespace backchannel::identity {
namespace {

// Key file: magic "BCAK", version 1, then the header fields that are bound as
// associated data, then the sealed 32-byte seed (docs/identity.md).
constexpr std::string_view kMagic = "BCAK";
constexpr std::uint8_t kKeyFileVersion = 1;
constexpr std::uint8_t kAlgArgon2idXChaCha = 1;
constexpr std::size_t kSaltSize = crypto_pwhash_SALTBYTES;
constexpr std::size_t kNonceSize = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t kSealedSize = 32 + crypto_aead_xchacha20poly1305_ietf_ABYTES;
static_assert(kSaltSize == 16 && kNonceSize == 24);
// Limits a decoder accepts, so a forged file cannot make us burn hours or
// gigabytes: libsodium's minimum up to its SENSITIVE level.
constexpr std::uint64_t kMaxOps = crypto_pwhash_OPSLIMIT_SENSITIVE;
constexpr std::uint64_t kMaxMem = crypto_pwhash_MEMLIMIT_SENSITIVE;

struct KeyFileHeader {
  std::uint64_t opslimit = 0;
  std::uint64_t memlimit = 0;
  std::array<std::uint8_t, kSaltSize> salt{};
  std::array<std::uint8_t, kNonceSize> nonce{};
  std::string side;
  AuthorityPublicKey public_key{};
};

void WriteHeader(const KeyFileHeader& h, internal::ByteWriter& w) {
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
  internal::ByteReader r(file);
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
  if (h.opslimit < crypto_pwhash_OPSLIMIT_MIN || h.opslimit > kMaxOps ||
      h.memlimit < crypto_pwhash_MEMLIMIT_MIN || h.memlimit > kMaxMem) {
    return Corrupt("authority key file has out-of-range Argon2id parameters");
  }
  header_size = file.size() - r.remaining();
  if (!r.Raw(kSealedSize, sealed) || !r.done()) return Corrupt("authority key file is truncated");
  return h;
}

Result<SecretArray<32>> DeriveFileKey(ByteView passphrase, const KeyFileHeader& h) {
  SecretArray<32> key;
  if (crypto_pwhash(key.data(), key.size(), reinterpret_cast<const char*>(passphrase.data()),
                    passphrase.size(), h.salt.data(), h.opslimit, static_cast<size_t>(h.memlimit),
                    crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status(StatusCode::kResourceExhausted, "Argon2id ran out of memory");
  }
  return key;
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
  crypto::EnsureInitialized();
  if (seed.size() != crypto_sign_SEEDBYTES) return InvalidArgument("seed must be 32 bytes");
  if (side.empty() || side.size() > kMaxSideSize || !internal::IsCleanUtf8(side)) {
    return InvalidArgument("side must be 1 to " + std::to_string(kMaxSideSize) +
                           " bytes of UTF-8 without control characters");
  }
  SecretArray<64> secret_key;
  AuthorityPublicKey public_key{};
  crypto_sign_seed_keypair(public_key.data(), secret_key.data(), seed.data());
  return Authority(std::move(side), SecretArray<32>(seed), std::move(secret_key), public_key);
}

Result<Signature> Authority::Sign(ByteView message) const {
  Signature sig{};
  if (crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(),
                           secret_key_.data()) != 0) {
    return Internal("Ed25519 signing failed");
  }
  return sig;
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
                                  KdfStrength strength) {
  crypto::EnsureInitialized();
  if (passphrase.empty()) return InvalidArgument("the passphrase must not be empty");
  KeyFileHeader h;
  const bool moderate = strength == KdfStrength::kModerate;
  h.opslimit = moderate ? crypto_pwhash_OPSLIMIT_MODERATE : crypto_pwhash_OPSLIMIT_INTERACTIVE;
  h.memlimit = moderate ? crypto_pwhash_MEMLIMIT_MODERATE : crypto_pwhash_MEMLIMIT_INTERACTIVE;
  crypto::RandomBytes(h.salt);
  crypto::RandomBytes(h.nonce);
  h.side = authority.side();
  h.public_key = authority.public_key();
  BC_ASSIGN_OR_RETURN(SecretArray<32> key, DeriveFileKey(passphrase, h));

  internal::ByteWriter w;
  WriteHeader(h, w);
  const std::size_t header_size = w.bytes().size();
  Bytes out = w.Take();
  out.resize(header_size + kSealedSize);
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      out.data() + header_size, nullptr, authority.seed().data(), authority.seed().size(),
      out.data(), header_size, nullptr, h.nonce.data(), key.data());
  return out;
}

Result<Authority> DecryptAuthorityKey(ByteView file, ByteView passphrase) {
  crypto::EnsureInitialized();
  std::size_t header_size = 0;
  ByteView sealed;
  BC_ASSIGN_OR_RETURN(KeyFileHeader h, ReadHeader(file, header_size, sealed));
  BC_ASSIGN_OR_RETURN(SecretArray<32> key, DeriveFileKey(passphrase, h));
  SecretArray<32> seed;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(seed.data(), nullptr, nullptr, sealed.data(),
                                                 sealed.size(), file.data(), header_size,
                                                 h.nonce.data(), key.data()) != 0) {
    return Status(StatusCode::kPermissionDenied,
                  "wrong passphrase for the authority key (or the key file was altered)");
  }
  BC_ASSIGN_OR_RETURN(Authority authority, Authority::FromSeed(h.side, seed.view()));
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
