// ristretto255 (RFC 9496) through libsodium's crypto_core_ristretto255_* and
// crypto_scalarmult_ristretto255*: nothing here computes on the group itself.
#include "backchannel/crypto/ristretto255.h"

#include <sodium.h>

#include <cstdlib>

#include "backchannel/crypto/primitives.h"

namespace backchannel::crypto {
namespace {

static_assert(crypto_core_ristretto255_BYTES == kRistrettoElementBytes);
static_assert(crypto_core_ristretto255_SCALARBYTES == kRistrettoScalarBytes);
static_assert(crypto_core_ristretto255_HASHBYTES == kRistrettoHashBytes);
static_assert(crypto_core_ristretto255_NONREDUCEDSCALARBYTES == 64);

// The identity's canonical encoding is all zeros (RFC 9496 §4.3.2).
bool IsIdentity(ByteView e) { return sodium_is_zero(e.data(), e.size()) == 1; }

}  // namespace

RistrettoElement RistrettoFromHash(ByteView uniform64) {
  if (uniform64.size() != kRistrettoHashBytes) std::abort();  // a programming error
  RistrettoElement out{};
  crypto_core_ristretto255_from_hash(out.data(), uniform64.data());
  return out;
}

bool RistrettoIsValidNonIdentity(ByteView e) {
  EnsureInitialized();
  return e.size() == kRistrettoElementBytes &&
         crypto_core_ristretto255_is_valid_point(e.data()) == 1 && !IsIdentity(e);
}

RistrettoElement RistrettoRandomElement() {
  EnsureInitialized();
  RistrettoElement out{};
  do {
    crypto_core_ristretto255_random(out.data());
  } while (IsIdentity(out));  // probability 2^-252; keeps the invariant exact
  return out;
}

Result<RistrettoElement> RistrettoScalarMult(ByteView scalar, ByteView element) {
  EnsureInitialized();
  if (scalar.size() != kRistrettoScalarBytes || element.size() != kRistrettoElementBytes) {
    return InvalidArgument("ristretto255: wrong scalar or element size");
  }
  RistrettoElement out{};
  // libsodium decodes `element` canonically and returns -1 for a bad encoding
  // or an identity result.
  if (crypto_scalarmult_ristretto255(out.data(), scalar.data(), element.data()) != 0) {
    return InvalidArgument("ristretto255: non-canonical element or identity result");
  }
  return out;
}

Result<RistrettoElement> RistrettoScalarMultBase(ByteView scalar) {
  EnsureInitialized();
  if (scalar.size() != kRistrettoScalarBytes)
    return InvalidArgument("ristretto255: wrong scalar size");
  RistrettoElement out{};
  if (crypto_scalarmult_ristretto255_base(out.data(), scalar.data()) != 0) {
    return InvalidArgument("ristretto255: zero scalar");
  }
  return out;
}

Result<RistrettoElement> RistrettoAdd(ByteView a, ByteView b) {
  if (a.size() != kRistrettoElementBytes || b.size() != kRistrettoElementBytes) {
    return InvalidArgument("ristretto255: wrong element size");
  }
  RistrettoElement out{};
  if (crypto_core_ristretto255_add(out.data(), a.data(), b.data()) != 0) {
    return InvalidArgument("ristretto255: non-canonical element");
  }
  return out;
}

Result<RistrettoElement> RistrettoSub(ByteView a, ByteView b) {
  if (a.size() != kRistrettoElementBytes || b.size() != kRistrettoElementBytes) {
    return InvalidArgument("ristretto255: wrong element size");
  }
  RistrettoElement out{};
  if (crypto_core_ristretto255_sub(out.data(), a.data(), b.data()) != 0) {
    return InvalidArgument("ristretto255: non-canonical element");
  }
  return out;
}

RistrettoSecretScalar RistrettoRandomScalar() {
  EnsureInitialized();
  RistrettoSecretScalar out;
  crypto_core_ristretto255_scalar_random(out.data());  // never zero (libsodium loops)
  return out;
}

RistrettoSecretScalar RistrettoScalarReduce64(ByteView wide) {
  if (wide.size() != 64) std::abort();  // a programming error
  // libsodium's reduce takes a non-const pointer in 1.0.18: copy.
  SecretArray<64> copy(wide);
  RistrettoSecretScalar out;
  crypto_core_ristretto255_scalar_reduce(out.data(), copy.data());
  return out;
}

bool RistrettoScalarIsCanonical(ByteView s) {
  if (s.size() != kRistrettoScalarBytes) return false;
  // libsodium 1.0.18 has no public is_canonical for these scalars: reduce the
  // value zero-extended to 64 bytes and compare; only a canonical one survives.
  std::array<std::uint8_t, 64> wide{};
  std::copy(s.begin(), s.end(), wide.begin());
  RistrettoScalar reduced{};
  crypto_core_ristretto255_scalar_reduce(reduced.data(), wide.data());
  return ConstantTimeEqual(reduced, s);
}

RistrettoSecretScalar RistrettoScalarMul(ByteView a, ByteView b) {
  if (a.size() != kRistrettoScalarBytes || b.size() != kRistrettoScalarBytes) std::abort();
  RistrettoSecretScalar out;
  crypto_core_ristretto255_scalar_mul(out.data(), a.data(), b.data());
  return out;
}

RistrettoSecretScalar RistrettoScalarAdd(ByteView a, ByteView b) {
  if (a.size() != kRistrettoScalarBytes || b.size() != kRistrettoScalarBytes) std::abort();
  RistrettoSecretScalar out;
  crypto_core_ristretto255_scalar_add(out.data(), a.data(), b.data());
  return out;
}

RistrettoSecretScalar RistrettoScalarSub(ByteView a, ByteView b) {
  if (a.size() != kRistrettoScalarBytes || b.size() != kRistrettoScalarBytes) std::abort();
  RistrettoSecretScalar out;
  crypto_core_ristretto255_scalar_sub(out.data(), a.data(), b.data());
  return out;
}

Result<RistrettoSecretScalar> RistrettoScalarInvert(ByteView s) {
  if (s.size() != kRistrettoScalarBytes) return InvalidArgument("ristretto255: wrong scalar size");
  RistrettoSecretScalar out;
  if (crypto_core_ristretto255_scalar_invert(out.data(), s.data()) != 0) {
    return InvalidArgument("ristretto255: zero scalar has no inverse");
  }
  return out;
}

}  // namespace backchannel::crypto
