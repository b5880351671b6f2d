// ristretto255 (RFC 9496) through libsodium: the prime-order group the
// feelers' private set intersection works in (src/feelers, docs/feelers.md).
// Thin wrappers only; every check the protocol relies on is here so callers
// cannot forget it:
//   - an element arriving from outside is accepted only in its canonical
//     encoding (RFC 9496 §4.3.1 Decode) and never the identity;
//   - a scalar multiplication whose result is the identity is an error
//     (libsodium refuses it, and so do we);
//   - scalars from outside are accepted only when canonical (< group order).
// Secret scalars are SecretArray (wiped on destruction); public ones (proof
// values on the wire) are plain arrays.
//
// Thread safety: every function is safe to call from any thread.
#ifndef BACKCHANNEL_CRYPTO_RISTRETTO255_H_
#define BACKCHANNEL_CRYPTO_RISTRETTO255_H_

#include <array>
#include <cstdint>

#include "backchannel/common/bytes.h"
#include "backchannel/common/result.h"
#include "backchannel/crypto/secret_bytes.h"

namespace backchannel::crypto {

inline constexpr std::size_t kRistrettoElementBytes = 32;
inline constexpr std::size_t kRistrettoScalarBytes = 32;
inline constexpr std::size_t kRistrettoHashBytes = 64;

using RistrettoElement = std::array<std::uint8_t, kRistrettoElementBytes>;
using RistrettoScalar = std::array<std::uint8_t, kRistrettoScalarBytes>;  // public scalars
using RistrettoSecretScalar = SecretArray<kRistrettoScalarBytes>;

// RFC 9496 §4.3.4 element derivation from 64 uniform bytes (libsodium
// crypto_core_ristretto255_from_hash). The caller hashes its input with
// SHA-512 first.
RistrettoElement RistrettoFromHash(ByteView uniform64);

// True when `e` is the canonical encoding of a group element other than the
// identity: the check every received element passes before use.
bool RistrettoIsValidNonIdentity(ByteView e);

// A uniformly random non-identity element (padding: indistinguishable from a
// hashed item to anyone without the exchange secret).
RistrettoElement RistrettoRandomElement();

// scalar * element. kInvalidArgument when `element` is not a canonical
// encoding, or the result is the identity (a zero scalar or a small-order
// element: ristretto255 has none, but libsodium checks anyway).
Result<RistrettoElement> RistrettoScalarMult(ByteView scalar, ByteView element);
// scalar * the generator. kInvalidArgument for the zero scalar.
Result<RistrettoElement> RistrettoScalarMultBase(ByteView scalar);

// a + b and a - b in the group. kInvalidArgument on a non-canonical input.
Result<RistrettoElement> RistrettoAdd(ByteView a, ByteView b);
Result<RistrettoElement> RistrettoSub(ByteView a, ByteView b);

// A uniformly random non-zero scalar (libsodium randomness).
RistrettoSecretScalar RistrettoRandomScalar();
// 64 bytes reduced modulo the group order (little-endian, as RFC 9497's
// HashToScalar for ristretto255 interprets them).
RistrettoSecretScalar RistrettoScalarReduce64(ByteView wide);
// True when `s` is 32 bytes encoding an integer below the group order.
bool RistrettoScalarIsCanonical(ByteView s);
// Scalar arithmetic modulo the group order.
RistrettoSecretScalar RistrettoScalarMul(ByteView a, ByteView b);
RistrettoSecretScalar RistrettoScalarAdd(ByteView a, ByteView b);
RistrettoSecretScalar RistrettoScalarSub(ByteView a, ByteView b);
// 1/s. kInvalidArgument for zero.
Result<RistrettoSecretScalar> RistrettoScalarInvert(ByteView s);

}  // namespace backchannel::crypto

#endif  // BACKCHANNEL_CRYPTO_RISTRETTO255_H_
