// Ed25519 signatures (RFC 8032) through libsodium's crypto_sign: the authority
// keys that sign credentials and revocation lists, and the mailbox keys that
// sign relay requests. (Identity keys sign with XEdDSA instead: xeddsa.h.)
//
// Thread safety: every function is safe to call from any thread.
#ifndef BACKCHANNEL_CRYPTO_ED25519_H_
#define BACKCHANNEL_CRYPTO_ED25519_H_

#include <array>
#include <cstddef>
#include <cstdint>

#include "backchannel/common/bytes.h"
#include "backchannel/common/result.h"
#include "backchannel/crypto/secret_bytes.h"

namespace backchannel::crypto {

inline constexpr std::size_t kEd25519SeedSize = 32;
inline constexpr std::size_t kEd25519PublicKeySize = 32;
// libsodium's secret key form: seed || public key.
inline constexpr std::size_t kEd25519SecretKeySize = 64;
inline constexpr std::size_t kEd25519SignatureSize = 64;

using Ed25519PublicKey = std::array<std::uint8_t, kEd25519PublicKeySize>;
using Ed25519Signature = std::array<std::uint8_t, kEd25519SignatureSize>;

struct Ed25519KeyPair {
  SecretArray<kEd25519SecretKeySize> secret_key;
  Ed25519PublicKey public_key{};
};

// A fresh key pair (libsodium randomness).
Ed25519KeyPair GenerateEd25519KeyPair();
// The key pair of a 32-byte seed (RFC 8032 §5.1.5); kInvalidArgument for
// another size.
Result<Ed25519KeyPair> Ed25519KeyPairFromSeed(ByteView seed);

// The signature of `message` by a 64-byte secret key (seed || public key).
// kInvalidArgument when the key is not 64 bytes.
Result<Ed25519Signature> Ed25519Sign(ByteView secret_key, ByteView message);
// True when `signature` (64 bytes) is valid for `message` under `public_key`
// (32 bytes); false for any other size.
bool Ed25519Verify(ByteView public_key, ByteView signature, ByteView message);
// True when `public_key` is 32 bytes encoding a point on the curve, in the
// main subgroup and not of small order (libsodium's
// crypto_core_ed25519_is_valid_point): what a registry checks before storing
// a key.
bool IsValidEd25519PublicKey(ByteView public_key);

}  // namespace backchannel::crypto

#endif  // BACKCHANNEL_CRYPTO_ED25519_H_
