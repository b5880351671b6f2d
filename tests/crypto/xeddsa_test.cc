#include "backchannel/crypto/xeddsa.h"

#include <gtest/gtest.h>

#include "testing/status_matchers.h"

namespace backchannel::crypto {
namespace {

using ::backchannel::testing::StatusIs;

TEST(XEdDSATest, SignThenVerify) {
  for (int i = 0; i < 64; ++i) {  // both signs of the Edwards key occur
    auto kp = GenerateX25519KeyPair();
    Bytes msg(static_cast<std::size_t>(i), static_cast<std::uint8_t>(i));
    auto sig = XEdDSASign(kp.private_key, msg);
    EXPECT_EQ(sig[63] & 0x80, 0) << "XEdDSA signatures keep bit 255 clear";
    EXPECT_OK(XEdDSAVerify(kp.public_key, msg, sig));
  }
}

TEST(XEdDSATest, SignaturesAreRandomised) {
  auto kp = GenerateX25519KeyPair();
  auto a = XEdDSASign(kp.private_key, AsBytes("m"));
  auto b = XEdDSASign(kp.private_key, AsBytes("m"));
  EXPECT_NE(a, b);
  EXPECT_OK(XEdDSAVerify(kp.public_key, AsBytes("m"), b));
}

TEST(XEdDSATest, TamperingFails) {
  auto kp = GenerateX25519KeyPair();
  auto other = GenerateX25519KeyPair();
  Bytes msg = ToBytes(std::string_view("signed prekey"));
  auto sig = XEdDSASign(kp.private_key, msg);
  EXPECT_THAT(XEdDSAVerify(other.public_key, msg, sig), StatusIs(StatusCode::kBadSignature));
  Bytes msg2 = msg;
  msg2[0] ^= 1;
  EXPECT_THAT(XEdDSAVerify(kp.public_key, msg2, sig), StatusIs(StatusCode::kBadSignature));
  for (std::size_t byte : {0UL, 31UL, 32UL, 62UL}) {
    auto bad = sig;
    bad[byte] ^= 0x01;
    EXPECT_THAT(XEdDSAVerify(kp.public_key, msg, bad), StatusIs(StatusCode::kBadSignature)) << byte;
  }
  auto flipped = sig;
  flipped[63] ^= 0x80;  // the other Edwards sign: a different public key
  EXPECT_THAT(XEdDSAVerify(kp.public_key, msg, flipped), StatusIs(StatusCode::kBadSignature));
}

TEST(XEdDSATest, RejectsNonCanonicalPublicKey) {
  auto kp = GenerateX25519KeyPair();
  auto sig = XEdDSASign(kp.private_key, AsBytes("m"));
  X25519PublicKey big{};
  big.mutable_bytes().fill(0xFF);  // u >= p
  EXPECT_THAT(XEdDSAVerify(big, AsBytes("m"), sig), StatusIs(StatusCode::kBadSignature));
}

TEST(XEdDSATest, RejectsDegeneratePublicKeys) {
  auto kp = GenerateX25519KeyPair();
  auto sig = XEdDSASign(kp.private_key, AsBytes("m"));
  X25519PublicKey zero{};  // u = 0 maps to y = -1, a small-order point
  EXPECT_THAT(XEdDSAVerify(zero, AsBytes("m"), sig), StatusIs(StatusCode::kBadSignature));
  X25519PublicKey p_minus_1{};  // u = p - 1 has no Edwards y
  p_minus_1.mutable_bytes().fill(0xFF);
  p_minus_1.mutable_bytes()[0] = 0xEC;
  p_minus_1.mutable_bytes()[31] = 0x7F;
  EXPECT_THAT(XEdDSAVerify(p_minus_1, AsBytes("m"), sig), StatusIs(StatusCode::kBadSignature));
}

}  // namespace
}  // namespace backchannel::crypto
