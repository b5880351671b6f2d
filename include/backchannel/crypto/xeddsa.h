// XEdDSA signatures with Curve25519 (Montgomery) keys, as Signal specifies
// ("The XEdDSA and VXEdDSA Signature Schemes", Perrin 2016, §2.3 and §3),
// built on libsodium's Ed25519 group and scalar operations.
//
// Signing follows the specification exactly: the signing scalar is negated
// when needed so the Edwards public key has sign bit 0, and the nonce is
// hash_1(a || M || Z) with 64 random bytes Z.
//
// Verification accepts what libsignal-protocol-c 2.3.3 accepts
// (curve25519_verify): the sign bit of the Edwards public key is taken from
// the top bit of the signature's s, which is then cleared. Every XEdDSA
// signature has that bit zero, so spec-conformant signatures verify, and so do
// signatures made by libsignal-protocol-c's older curve25519_sign.
//
// Thread safety: safe from any thread.
#ifndef BACKCHANNEL_CRYPTO_XEDDSA_H_
#define BACKCHANNEL_CRYPTO_XEDDSA_H_

#include <array>

#include "backchannel/common/bytes.h"
#include "backchannel/common/status.h"
#include "backchannel/crypto/primitives.h"

namespace backchannel::crypto {

using XEdDSASignature = std::array<std::uint8_t, 64>;

XEdDSASignature XEdDSASign(const X25519PrivateKey& private_key, ByteView message);

// OK, or kBadSignature (never a more specific reason: no oracle).
Status XEdDSAVerify(const X25519PublicKey& public_key, ByteView message,
                    const XEdDSASignature& signature);

}  // namespace backchannel::crypto

#endif  // BACKCHANNEL_CRYPTO_XEDDSA_H_
