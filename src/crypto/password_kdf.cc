// Argon2id through libsodium's crypto_pwhash (see password_kdf.h).
#include "backchannel/crypto/password_kdf.h"

#include <sodium.h>

#include "backchannel/crypto/primitives.h"

namespace backchannel::crypto {

static_assert(kKdfSaltSize == crypto_pwhash_SALTBYTES);

KdfParams KdfParamsFor(KdfCost cost) {
  if (cost == KdfCost::kInteractive) {
    return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
  }
  return {crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE};
}

bool KdfParamsInRange(const KdfParams& p) {
  return p.opslimit >= crypto_pwhash_OPSLIMIT_MIN &&
         p.opslimit <= crypto_pwhash_OPSLIMIT_SENSITIVE &&
         p.memlimit >= crypto_pwhash_MEMLIMIT_MIN && p.memlimit <= crypto_pwhash_MEMLIMIT_SENSITIVE;
}

KdfSalt NewKdfSalt() {
  KdfSalt s{};
  RandomBytes(s);
  return s;
}

Result<SecretArray<kKdfKeySize>> DerivePasswordKey(ByteView passphrase, ByteView salt,
                                                   const KdfParams& params) {
  EnsureInitialized();
  if (salt.size() != kKdfSaltSize) return InvalidArgument("Argon2id salt must be 16 bytes");
  if (!KdfParamsInRange(params)) return InvalidArgument("Argon2id parameters are out of range");
  SecretArray<kKdfKeySize> key;
  if (crypto_pwhash(key.data(), key.size(), reinterpret_cast<const char*>(passphrase.data()),
                    passphrase.size(), salt.data(), params.opslimit,
                    static_cast<std::size_t>(params.memlimit), crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status(StatusCode::kResourceExhausted, "Argon2id ran out of memory");
  }
  return key;
}

}  // namespace backchannel::crypto
