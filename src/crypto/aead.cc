// XChaCha20-Poly1305-IETF through libsodium (see aead.h).
#include "backchannel/crypto/aead.h"

#include <sodium.h>

#include "backchannel/crypto/primitives.h"

namespace backchannel::crypto {

static_assert(kAeadKeySize == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
static_assert(kAeadNonceSize == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
static_assert(kAeadTagSize == crypto_aead_xchacha20poly1305_ietf_ABYTES);

namespace {

// Encrypts into out[0 .. plaintext.size() + tag).
void EncryptInto(const AeadKey& key, const std::uint8_t* nonce, ByteView plaintext, ByteView ad,
                 std::uint8_t* out) {
  EnsureInitialized();
  // libsodium accepts null pointers with zero lengths; the return value is
  // always 0 for this construction.
  (void)crypto_aead_xchacha20poly1305_ietf_encrypt(out, nullptr, plaintext.data(), plaintext.size(),
                                                   ad.data(), ad.size(), nullptr, nonce,
                                                   key.data());
}

Result<SecretBytes> DecryptFrom(const AeadKey& key, const std::uint8_t* nonce, ByteView ciphertext,
                                ByteView ad) {
  EnsureInitialized();
  if (ciphertext.size() < kAeadTagSize) return InvalidMessage("AEAD ciphertext is too short");
  SecretBytes out(ciphertext.size() - kAeadTagSize);
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(out.data(), nullptr, nullptr, ciphertext.data(),
                                                 ciphertext.size(), ad.data(), ad.size(), nonce,
                                                 key.data()) != 0) {
    return Status(StatusCode::kBadMac, "AEAD ciphertext does not authenticate");
  }
  return out;
}

}  // namespace

AeadNonce NewAeadNonce() {
  AeadNonce n{};
  RandomBytes(n);
  return n;
}

Bytes AeadSeal(const AeadKey& key, ByteView plaintext, ByteView ad) {
  Bytes out(kAeadNonceSize + plaintext.size() + kAeadTagSize);
  RandomBytes(MutableByteView(out).first(kAeadNonceSize));
  EncryptInto(key, out.data(), plaintext, ad, out.data() + kAeadNonceSize);
  return out;
}

Result<SecretBytes> AeadOpen(const AeadKey& key, ByteView sealed, ByteView ad) {
  if (sealed.size() < kAeadSealOverhead) return InvalidMessage("AEAD ciphertext is too short");
  return DecryptFrom(key, sealed.data(), sealed.subspan(kAeadNonceSize), ad);
}

Bytes AeadEncryptWithNonce(const AeadKey& key, const AeadNonce& nonce, ByteView plaintext,
                           ByteView ad) {
  Bytes out(plaintext.size() + kAeadTagSize);
  EncryptInto(key, nonce.data(), plaintext, ad, out.data());
  return out;
}

Result<SecretBytes> AeadDecryptWithNonce(const AeadKey& key, const AeadNonce& nonce,
                                         ByteView ciphertext, ByteView ad) {
  return DecryptFrom(key, nonce.data(), ciphertext, ad);
}

}  // namespace backchannel::crypto
