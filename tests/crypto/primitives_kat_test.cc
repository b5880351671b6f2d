// Known-answer tests for every primitive the crypto module wraps.
#include <gtest/gtest.h>

#include "backchannel/common/encoding.h"
#include "backchannel/crypto/primitives.h"
#include "testing/status_matchers.h"

namespace backchannel::crypto {
namespace {

using ::backchannel::testing::StatusIs;

Bytes Hex(std::string_view h) { return FromHex(h).value(); }
template <std::size_t N>
std::array<std::uint8_t, N> HexArray(std::string_view h) {
  std::array<std::uint8_t, N> a{};
  Bytes b = Hex(h);
  std::copy(b.begin(), b.end(), a.begin());
  return a;
}

// RFC 7748 §5.2, first test vector.
TEST(X25519Kat, Rfc7748Section5_2) {
  X25519PrivateKey k(Hex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"));
  X25519PublicKey u(
      HexArray<32>("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"));
  auto out = X25519(k, u);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(ToHex(out->view()), "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
}

// RFC 7748 §6.1: Diffie-Hellman between Alice and Bob.
TEST(X25519Kat, Rfc7748Section6_1) {
  auto alice = X25519KeyPairFromPrivate(
      Hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
  auto bob = X25519KeyPairFromPrivate(
      Hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
  EXPECT_EQ(ToHex(alice.public_key),
            "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
  EXPECT_EQ(ToHex(bob.public_key),
            "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
  auto k1 = X25519(alice.private_key, bob.public_key);
  auto k2 = X25519(bob.private_key, alice.public_key);
  ASSERT_TRUE(k1.has_value() && k2.has_value());
  EXPECT_EQ(ToHex(k1->view()), "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
  EXPECT_TRUE(k1->Equals(*k2));
}

TEST(X25519Kat, SmallOrderPointIsRejected) {
  auto kp = GenerateX25519KeyPair();
  X25519PublicKey zero{};  // u = 0 has order 4
  auto r = X25519(kp.private_key, zero);
  ASSERT_FALSE(r.has_value());
  EXPECT_THAT(r, StatusIs(StatusCode::kInvalidArgument));
}

// RFC 4231 §4.3, test case 2.
TEST(HmacKat, Rfc4231Case2) {
  auto mac = HmacSha256(AsBytes("Jefe"), AsBytes("what do ya want for nothing?"));
  EXPECT_EQ(ToHex(mac), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // The same over two parts.
  auto mac2 = HmacSha256(AsBytes("Jefe"), {AsBytes("what do ya "), AsBytes("want for nothing?")});
  EXPECT_EQ(mac, mac2);
}

// RFC 5869 Appendix A, test cases 1 and 3.
TEST(HkdfKat, Rfc5869Case1) {
  Bytes okm(42);
  HkdfSha256(Hex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"), Hex("000102030405060708090a0b0c"),
             Hex("f0f1f2f3f4f5f6f7f8f9"), okm);
  EXPECT_EQ(ToHex(okm),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
}

TEST(HkdfKat, Rfc5869Case3) {
  Bytes okm(42);
  HkdfSha256(Hex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"), {}, {}, okm);
  EXPECT_EQ(ToHex(okm),
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
}

// FIPS 180-2 Appendix C.1.
TEST(Sha512Kat, Abc) {
  EXPECT_EQ(ToHex(Sha512({AsBytes("abc")})),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
            "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
}

// FIPS 180-2 Appendix B.1, and the same input split across parts.
TEST(Sha256Kat, Abc) {
  const std::string want = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  EXPECT_EQ(ToHex(Sha256({AsBytes("abc")})), want);
  EXPECT_EQ(ToHex(Sha256({AsBytes("a"), AsBytes(""), AsBytes("bc")})), want);
}

// NIST SP 800-38A F.2.5 (CBC-AES256.Encrypt), first two blocks; PKCS#7 adds a
// full padding block after them.
TEST(AesCbcKat, Sp800_38aF25) {
  Bytes key = Hex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
  Bytes iv = Hex("000102030405060708090a0b0c0d0e0f");
  Bytes pt = Hex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51");
  Bytes ct = Aes256CbcEncrypt(key, iv, pt);
  ASSERT_EQ(ct.size(), 48U);
  EXPECT_EQ(ToHex(ByteView(ct).first(32)),
            "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d");
  auto back = Aes256CbcDecrypt(key, iv, ct);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, pt);
}

TEST(AesCbcKat, BadPaddingAndLengthAreErrors) {
  Bytes key(32, 1);
  Bytes iv(16, 2);
  Bytes ct = Aes256CbcEncrypt(key, iv, AsBytes("hello"));
  ct.back() ^= 1;
  EXPECT_THAT(Aes256CbcDecrypt(key, iv, ct), StatusIs(StatusCode::kInvalidMessage));
  EXPECT_THAT(Aes256CbcDecrypt(key, iv, Bytes(15)), StatusIs(StatusCode::kInvalidMessage));
  EXPECT_THAT(Aes256CbcDecrypt(key, iv, Bytes()), StatusIs(StatusCode::kInvalidMessage));
}

}  // namespace
}  // namespace backchannel::crypto
