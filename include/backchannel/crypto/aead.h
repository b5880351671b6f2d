// Authenticated encryption: XChaCha20-Poly1305-IETF (draft-irtf-cfrg-xchacha-03,
// RFC 8439's ChaCha20-Poly1305 with a 192-bit nonce), libsodium's
// crypto_aead_xchacha20poly1305_ietf_*. The one AEAD backchannel uses, and the
// only code that calls it.
//
// AeadSeal is the default: it draws a random 24-byte nonce (safe at random
// with XChaCha's nonce size) and lays out  nonce(24) || ciphertext || tag(16).
// The *WithNonce pair exists for two formats fixed on the wire and on disk
// before this seam: the authority key file keeps its nonce in a header that is
// itself associated data, and the sealed-sender envelope uses a fresh key per
// envelope with the all-zero nonce. Both produce ciphertext || tag only.
//
// Thread safety: every function is safe to call from any thread.
#ifndef BACKCHANNEL_CRYPTO_AEAD_H_
#define BACKCHANNEL_CRYPTO_AEAD_H_

#include <array>
#include <cstddef>
#include <cstdint>

#include "backchannel/common/bytes.h"
#include "backchannel/common/result.h"
#include "backchannel/crypto/secret_bytes.h"

namespace backchannel::crypto {

inline constexpr std::size_t kAeadKeySize = 32;
inline constexpr std::size_t kAeadNonceSize = 24;
inline constexpr std::size_t kAeadTagSize = 16;
// What AeadSeal adds to the plaintext: the nonce and the tag.
inline constexpr std::size_t kAeadSealOverhead = kAeadNonceSize + kAeadTagSize;

using AeadKey = SecretArray<kAeadKeySize>;
using AeadNonce = std::array<std::uint8_t, kAeadNonceSize>;

// nonce || ciphertext || tag, with a random nonce; `ad` is authenticated, not
// encrypted.
Bytes AeadSeal(const AeadKey& key, ByteView plaintext, ByteView ad);
// The plaintext of an AeadSeal output. kInvalidMessage when shorter than
// kAeadSealOverhead, kBadMac when it does not authenticate (wrong key, wrong
// associated data, altered bytes).
Result<SecretBytes> AeadOpen(const AeadKey& key, ByteView sealed, ByteView ad);

// A random nonce, for formats that store it apart from the ciphertext.
AeadNonce NewAeadNonce();
// ciphertext || tag under a caller-supplied nonce. The caller guarantees a
// (key, nonce) pair is never used for two different plaintexts.
Bytes AeadEncryptWithNonce(const AeadKey& key, const AeadNonce& nonce, ByteView plaintext,
                           ByteView ad);
// Inverse of AeadEncryptWithNonce: kInvalidMessage when shorter than the tag,
// kBadMac when it does not authenticate.
Result<SecretBytes> AeadDecryptWithNonce(const AeadKey& key, const AeadNonce& nonce,
                                         ByteView ciphertext, ByteView ad);

}  // namespace backchannel::crypto

#endif  // BACKCHANNEL_CRYPTO_AEAD_H_
