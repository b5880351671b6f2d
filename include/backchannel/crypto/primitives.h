// The cryptographic primitives backchannel uses, each a thin wrapper over
// libsodium or OpenSSL's libcrypto. Nothing here is hand-written cryptography:
//   X25519 (RFC 7748), randomness, SHA-256, SHA-512   -> libsodium
//   HMAC-SHA256 (RFC 2104), AES-256-CBC (PKCS#7)      -> OpenSSL libcrypto
//   HKDF-SHA256 (RFC 5869)                            -> two HMAC steps, as the RFC defines
// The rest of the seam: aead.h (XChaCha20-Poly1305), password_kdf.h
// (Argon2id), ed25519.h, certificate_pin.h, xeddsa.h, and the codecs and
// secret containers of encoding.h and secret_bytes.h (wiping, constant-time
// comparison).
//
// Thread safety: every function is safe to call from any thread.
#ifndef BACKCHANNEL_CRYPTO_PRIMITIVES_H_
#define BACKCHANNEL_CRYPTO_PRIMITIVES_H_

#include <array>
#include <cstdint>

#include "backchannel/common/bytes.h"
#include "backchannel/common/fixed_bytes.h"
#include "backchannel/common/result.h"
#include "backchannel/crypto/secret_bytes.h"

namespace backchannel::crypto {

// Initialises libsodium once; every other function calls it. Aborts only if
// the platform has no usable randomness source.
void EnsureInitialized();

// Fills `out` with random bytes (libsodium's randombytes_buf).
void RandomBytes(MutableByteView out);
// The same for a named fixed-size value (a fresh mailbox id, token, ...).
template <std::size_t N, typename Tag>
void RandomBytes(FixedBytes<N, Tag>& out) {
  RandomBytes(MutableByteView(out.mutable_bytes()));
}
std::uint32_t RandomUint32();
// Uniform in [0, upper_bound) without modulo bias (randombytes_uniform); 0
// when upper_bound < 2.
std::uint32_t RandomUniform(std::uint32_t upper_bound);

// ---- X25519 (RFC 7748) ----
struct X25519PublicKeyTag {
  static constexpr bool kSecret = false;
};
// A Curve25519 public key (the u-coordinate, 32 bytes). Identity keys
// (session::PublicKey, feelers::IdentityKey), ratchet keys and prekeys are
// this type, so none can be passed where a digest, a shared secret's bytes
// or another named 32-byte value is meant; raw bytes become one only
// explicitly, where they are decoded or generated. Public: == and a hash.
using X25519PublicKey = FixedBytes<32, X25519PublicKeyTag>;
using X25519PrivateKey = SecretArray<32>;
using SharedSecret = SecretArray<32>;

struct X25519KeyPair {
  X25519PrivateKey private_key;
  X25519PublicKey public_key{};

  X25519KeyPair Clone() const { return {private_key.Clone(), public_key}; }
};

// A fresh key pair; the private key is clamped as RFC 7748 §5 describes.
X25519KeyPair GenerateX25519KeyPair();
// The key pair for a given private key (clamped on the way in).
X25519KeyPair X25519KeyPairFromPrivate(ByteView private_key);
// DH(private, public). kBadSignature is never returned; an all-zero result
// (a small-order public key) is kInvalidArgument.
Result<SharedSecret> X25519(const X25519PrivateKey& private_key, const X25519PublicKey& public_key);

// ---- Hashes and MACs ----
using Sha256Digest = std::array<std::uint8_t, 32>;
using Sha512Digest = std::array<std::uint8_t, 64>;

// HMAC-SHA256 over the concatenation of `parts`.
Sha256Digest HmacSha256(ByteView key, std::initializer_list<ByteView> parts);
inline Sha256Digest HmacSha256(ByteView key, ByteView data) { return HmacSha256(key, {data}); }

// SHA-512 over the concatenation of `parts`.
Sha512Digest Sha512(std::initializer_list<ByteView> parts);
// SHA-256 over the concatenation of `parts` (libsodium crypto_hash_sha256).
Sha256Digest Sha256(std::initializer_list<ByteView> parts);

// HKDF-SHA256 (RFC 5869): Extract(salt, ikm) then Expand(info) to out.size()
// bytes. REQUIRES: out.size() <= 255 * 32.
void HkdfSha256(ByteView ikm, ByteView salt, ByteView info, MutableByteView out);

// ---- AES-256-CBC with PKCS#7 padding ----
// REQUIRES: key.size() == 32, iv.size() == 16.
Bytes Aes256CbcEncrypt(ByteView key, ByteView iv, ByteView plaintext);
// kBadMac is not used here: a wrong key or corrupt ciphertext that fails the
// padding check is kInvalidMessage.
Result<Bytes> Aes256CbcDecrypt(ByteView key, ByteView iv, ByteView ciphertext);

}  // namespace backchannel::crypto

#endif  // BACKCHANNEL_CRYPTO_PRIMITIVES_H_
