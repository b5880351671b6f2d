// XEdDSA (Perrin, "The XEdDSA and VXEdDSA Signature Schemes", 2016) over
// libsodium's Ed25519 group and scalar arithmetic; the one field operation
// libsodium does not expose (the birational map u -> y) uses OpenSSL BIGNUM.
#include "backchannel/crypto/xeddsa.h"

#include <openssl/bn.h>
#include <sodium.h>

#include <cstring>
#include <memory>

namespace backchannel::crypto {
namespace {

using BnPtr = std::unique_ptr<BIGNUM, decltype(&BN_free)>;
using BnCtxPtr = std::unique_ptr<BN_CTX, decltype(&BN_CTX_free)>;

// §2.4 hash_i(X) = SHA-512(2^b - 1 - i || X): for i = 1 the prefix is the
// 32-byte little-endian encoding of 2^256 - 2.
constexpr std::array<std::uint8_t, 32> Hash1Prefix() {
  std::array<std::uint8_t, 32> p{};
  p[0] = 0xFE;
  for (std::size_t i = 1; i < 32; ++i) p[i] = 0xFF;
  return p;
}

void ReduceScalar(const Sha512Digest& wide, std::uint8_t out[32]) {
  crypto_core_ed25519_scalar_reduce(out, wide.data());
}

// Montgomery u to Edwards y = (u - 1) / (u + 1) mod p (§2.2, RFC 7748 §4.1).
// Fails for u >= p and for u = p - 1 (no y).
bool MontgomeryToEdwardsY(const X25519PublicKey& u_bytes, std::uint8_t y_out[32]) {
  BnCtxPtr ctx(BN_CTX_new(), &BN_CTX_free);
  BnPtr p(BN_new(), &BN_free);
  BnPtr u(BN_lebin2bn(u_bytes.data(), 32, nullptr), &BN_free);
  BnPtr num(BN_new(), &BN_free);
  BnPtr den(BN_new(), &BN_free);
  BnPtr y(BN_new(), &BN_free);
  if (!ctx || !p || !u || !num || !den || !y) return false;
  // p = 2^255 - 19
  if (BN_set_bit(p.get(), 255) != 1 || BN_sub_word(p.get(), 19) != 1) return false;
  if (BN_cmp(u.get(), p.get()) >= 0) return false;  // §2.3 verify: reject u >= p
  if (BN_copy(num.get(), u.get()) == nullptr || BN_copy(den.get(), u.get()) == nullptr)
    return false;
  if (BN_sub_word(num.get(), 1) != 1 || BN_add_word(den.get(), 1) != 1) return false;
  if (BN_cmp(den.get(), p.get()) == 0) return false;  // u = p - 1
  // u - 1 is negative for u = 0: reduce into [0, p).
  if (BN_nnmod(num.get(), num.get(), p.get(), ctx.get()) != 1) return false;
  if (BN_mod_inverse(den.get(), den.get(), p.get(), ctx.get()) == nullptr) return false;
  if (BN_mod_mul(y.get(), num.get(), den.get(), p.get(), ctx.get()) != 1) return false;
  return BN_bn2lebinpad(y.get(), y_out, 32) == 32;
}

}  // namespace

XEdDSASignature XEdDSASign(const X25519PrivateKey& private_key, ByteView message) {
  EnsureInitialized();
  // §2.3 calculate_key_pair(k): E = kB; A = E with sign bit 0; a = ±k mod q.
  std::uint8_t edwards[32];
  (void)crypto_scalarmult_ed25519_base_noclamp(edwards, private_key.data());
  const bool negative = (edwards[31] & 0x80) != 0;
  std::uint8_t public_a[32];
  std::memcpy(public_a, edwards, 32);
  public_a[31] &= 0x7F;

  SecretArray<64> wide_k;
  std::memcpy(wide_k.data(), private_key.data(), 32);
  SecretArray<32> a;
  crypto_core_ed25519_scalar_reduce(a.data(), wide_k.data());
  if (negative) {
    SecretArray<32> neg;
    crypto_core_ed25519_scalar_negate(neg.data(), a.data());
    a = std::move(neg);
  }

  // §3.3 xeddsa_sign: r = hash_1(a || M || Z) mod q, R = rB,
  // h = hash(R || A || M) mod q, s = r + ha mod q.
  SecretArray<64> z;
  RandomBytes(z.mutable_view());
  static constexpr auto kPrefix = Hash1Prefix();
  Sha512Digest r_wide = Sha512({kPrefix, a.view(), message, z.view()});
  SecretArray<32> r;
  ReduceScalar(r_wide, r.data());
  SecureWipe(r_wide.data(), r_wide.size());

  XEdDSASignature sig{};
  (void)crypto_scalarmult_ed25519_base_noclamp(sig.data(), r.data());
  const Sha512Digest h_wide = Sha512({ByteView(sig.data(), 32), public_a, message});
  std::uint8_t h[32];
  ReduceScalar(h_wide, h);
  SecretArray<32> ha;
  crypto_core_ed25519_scalar_mul(ha.data(), h, a.data());
  crypto_core_ed25519_scalar_add(sig.data() + 32, r.data(), ha.data());
  return sig;
}

Status XEdDSAVerify(const X25519PublicKey& public_key, ByteView message,
                    const XEdDSASignature& signature) {
  EnsureInitialized();
  std::uint8_t edwards[32];
  if (!MontgomeryToEdwardsY(public_key, edwards)) {
    return {StatusCode::kBadSignature, "signature does not verify"};
  }
  // libsignal-protocol-c compatibility: the sign bit travels in bit 255 of s.
  edwards[31] |= signature[63] & 0x80;
  XEdDSASignature sig = signature;
  sig[63] &= 0x7F;
  // Ed25519 verification (RFC 8032 §5.1.7 with libsodium's canonicity and
  // small-order checks): [s]B = R + [h]A with h = SHA-512(R || A || M).
  if (crypto_sign_ed25519_verify_detached(sig.data(), message.data(), message.size(), edwards) !=
      0) {
    return {StatusCode::kBadSignature, "signature does not verify"};
  }
  return Status::Ok();
}

}  // namespace backchannel::crypto
