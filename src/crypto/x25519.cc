// X25519 (RFC 7748) over libsodium's crypto_scalarmult.
#include <sodium.h>

#include "backchannel/crypto/primitives.h"

namespace backchannel::crypto {
namespace {

// RFC 7748 §5: clear the three low bits, clear bit 255, set bit 254.
void Clamp(std::uint8_t* k) {
  k[0] &= 248;
  k[31] &= 127;
  k[31] |= 64;
}

X25519PublicKey PublicFor(const X25519PrivateKey& k) {
  X25519PublicKey pub{};
  // A clamped scalar is never zero, so the base-point multiple always exists.
  (void)crypto_scalarmult_base(pub.mutable_bytes().data(), k.data());
  return pub;
}

}  // namespace

X25519KeyPair GenerateX25519KeyPair() {
  EnsureInitialized();
  X25519KeyPair kp;
  randombytes_buf(kp.private_key.data(), 32);
  Clamp(kp.private_key.data());
  kp.public_key = PublicFor(kp.private_key);
  return kp;
}

X25519KeyPair X25519KeyPairFromPrivate(ByteView private_key) {
  EnsureInitialized();
  X25519KeyPair kp;
  kp.private_key.Assign(private_key);
  Clamp(kp.private_key.data());
  kp.public_key = PublicFor(kp.private_key);
  return kp;
}

Result<SharedSecret> X25519(const X25519PrivateKey& private_key,
                            const X25519PublicKey& public_key) {
  EnsureInitialized();
  SharedSecret out;
  // libsodium returns -1 when the result is all zero (a small-order point).
  if (crypto_scalarmult(out.data(), private_key.data(), public_key.data()) != 0) {
    return InvalidArgument("X25519 with a small-order public key");
  }
  return out;
}

}  // namespace backchannel::crypto
