// The password KDF: Argon2id v1.3 (RFC 9106) through libsodium's crypto_pwhash,
// for keys derived from a passphrase (the client store, the authority key
// file). One cost enum for every caller; the parameters are stored next to
// what they protect (so a file made at one cost opens under any default) and
// checked on the way back in.
//
// Thread safety: every function is safe to call from any thread.
#ifndef BACKCHANNEL_CRYPTO_PASSWORD_KDF_H_
#define BACKCHANNEL_CRYPTO_PASSWORD_KDF_H_

#include <array>
#include <cstddef>
#include <cstdint>

#include "backchannel/common/bytes.h"
#include "backchannel/common/result.h"
#include "backchannel/crypto/secret_bytes.h"

namespace backchannel::crypto {

// kModerate (libsodium's OPSLIMIT/MEMLIMIT_MODERATE: 3 passes, 256 MiB) is
// for keys at rest; kInteractive (2 passes, 64 MiB) keeps tests fast.
enum class KdfCost { kInteractive, kModerate };

struct KdfParams {
  std::uint64_t opslimit = 0;  // Argon2id passes
  std::uint64_t memlimit = 0;  // bytes

  bool operator==(const KdfParams&) const = default;
};

inline constexpr std::size_t kKdfSaltSize = 16;
inline constexpr std::size_t kKdfKeySize = 32;
using KdfSalt = std::array<std::uint8_t, kKdfSaltSize>;

KdfParams KdfParamsFor(KdfCost cost);
// Whether stored parameters are within what a decoder accepts: libsodium's
// minimum up to its SENSITIVE level, so a forged file cannot make us burn
// hours or gigabytes.
bool KdfParamsInRange(const KdfParams& params);
// A random salt.
KdfSalt NewKdfSalt();

// The 32-byte key for `passphrase`. kInvalidArgument when the salt is not
// kKdfSaltSize bytes or the parameters are out of range; kResourceExhausted
// "Argon2id ran out of memory" when the memory cannot be had.
Result<SecretArray<kKdfKeySize>> DerivePasswordKey(ByteView passphrase, ByteView salt,
                                                   const KdfParams& params);

}  // namespace backchannel::crypto

#endif  // BACKCHANNEL_CRYPTO_PASSWORD_KDF_H_
