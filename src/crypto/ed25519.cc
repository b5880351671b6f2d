// Ed25519 (RFC 8032) through libsodium's crypto_sign (see ed25519.h).
#include "backchannel/crypto/ed25519.h"

#include <sodium.h>

#include "backchannel/crypto/primitives.h"

namespace backchannel::crypto {

static_assert(kEd25519SeedSize == crypto_sign_SEEDBYTES);
static_assert(kEd25519PublicKeySize == crypto_sign_PUBLICKEYBYTES);
static_assert(kEd25519SecretKeySize == crypto_sign_SECRETKEYBYTES);
static_assert(kEd25519SignatureSize == crypto_sign_BYTES);

Ed25519KeyPair GenerateEd25519KeyPair() {
  EnsureInitialized();
  Ed25519KeyPair kp;
  crypto_sign_keypair(kp.public_key.data(), kp.secret_key.data());
  return kp;
}

Result<Ed25519KeyPair> Ed25519KeyPairFromSeed(ByteView seed) {
  EnsureInitialized();
  if (seed.size() != kEd25519SeedSize) return InvalidArgument("seed must be 32 bytes");
  Ed25519KeyPair kp;
  crypto_sign_seed_keypair(kp.public_key.data(), kp.secret_key.data(), seed.data());
  return kp;
}

Result<Ed25519Signature> Ed25519Sign(ByteView secret_key, ByteView message) {
  EnsureInitialized();
  if (secret_key.size() != kEd25519SecretKeySize) {
    return InvalidArgument("Ed25519 secret key must be 64 bytes");
  }
  Ed25519Signature sig{};
  if (crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(),
                           secret_key.data()) != 0) {
    return Internal("Ed25519 signing failed");
  }
  return sig;
}

bool Ed25519Verify(ByteView public_key, ByteView signature, ByteView message) {
  EnsureInitialized();
  if (public_key.size() != kEd25519PublicKeySize || signature.size() != kEd25519SignatureSize) {
    return false;
  }
  return crypto_sign_verify_detached(signature.data(), message.data(), message.size(),
                                     public_key.data()) == 0;
}

bool IsValidEd25519PublicKey(ByteView public_key) {
  EnsureInitialized();
  return public_key.size() == kEd25519PublicKeySize &&
         crypto_core_ed25519_is_valid_point(public_key.data()) == 1;
}

}  // namespace backchannel::crypto
