// The crypto seam's wrappers: known answers where a specification publishes
// them, and the properties callers rely on (layouts, error codes, ranges).
#include <gtest/gtest.h>

#include <set>

#include "backchannel/crypto/aead.h"
#include "backchannel/crypto/certificate_pin.h"
#include "backchannel/crypto/ed25519.h"
#include "backchannel/crypto/encoding.h"
#include "backchannel/crypto/password_kdf.h"
#include "backchannel/crypto/primitives.h"
#include "testing/status_matchers.h"

namespace backchannel::crypto {
namespace {

using ::backchannel::testing::StatusIs;

Bytes Hex(std::string_view h) { return FromHex(h).value(); }

AeadKey KeyOf(std::string_view hex) { return AeadKey(Hex(hex)); }

// draft-irtf-cfrg-xchacha-03, Appendix A.3.1 (AEAD_XChaCha20_Poly1305).
TEST(AeadTest, XChaChaDraftA31KnownAnswer) {
  const AeadKey key = KeyOf("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
  AeadNonce nonce{};
  const Bytes iv = Hex("404142434445464748494a4b4c4d4e4f5051525354555657");
  std::copy(iv.begin(), iv.end(), nonce.begin());
  const std::string_view plaintext =
      "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the "
      "future, sunscreen would be it.";
  const Bytes ad = Hex("50515253c0c1c2c3c4c5c6c7");
  const Bytes sealed = AeadEncryptWithNonce(key, nonce, AsBytes(plaintext), ad);
  EXPECT_EQ(ToHex(sealed),
            "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb731c7f1b0b4aa6440bf3a8"
            "2f4eda7e39ae64c6708c54c216cb96b72e1213b4522f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc3"
            "69488f76b2383565d3fff921f9664c97637da9768812f615c68b13b52e"
            "c0875924c1c7987947deafd8780acf49");
  auto opened = AeadDecryptWithNonce(key, nonce, sealed, ad);
  ASSERT_OK(opened);
  EXPECT_EQ(AsString(opened->view()), plaintext);
}

TEST(AeadTest, SealLaysOutNonceThenCiphertextAndTag) {
  const AeadKey key = KeyOf(std::string(64, '7'));
  const Bytes ad = ToBytes(std::string_view("table|row|column"));
  const Bytes sealed = AeadSeal(key, AsBytes("secret"), ad);
  ASSERT_EQ(sealed.size(), 6 + kAeadSealOverhead);
  AeadNonce nonce{};
  std::copy_n(sealed.begin(), kAeadNonceSize, nonce.begin());
  // The bytes after the nonce are exactly the explicit-nonce ciphertext.
  EXPECT_EQ(Bytes(sealed.begin() + kAeadNonceSize, sealed.end()),
            AeadEncryptWithNonce(key, nonce, AsBytes("secret"), ad));
  auto opened = AeadOpen(key, sealed, ad);
  ASSERT_OK(opened);
  EXPECT_EQ(AsString(opened->view()), "secret");
}

TEST(AeadTest, SealDrawsAFreshNonceEachTime) {
  const AeadKey key = KeyOf(std::string(64, '1'));
  std::set<Bytes> seen;
  for (int i = 0; i < 16; ++i) seen.insert(AeadSeal(key, AsBytes("same"), {}));
  EXPECT_EQ(seen.size(), 16u);
}

TEST(AeadTest, OpenRefusesWrongKeyAdAlteredAndShortInput) {
  const AeadKey key = KeyOf(std::string(64, '2'));
  const Bytes ad = ToBytes(std::string_view("ad"));
  const Bytes sealed = AeadSeal(key, AsBytes("payload"), ad);
  EXPECT_THAT(AeadOpen(KeyOf(std::string(64, '3')), sealed, ad), StatusIs(StatusCode::kBadMac));
  EXPECT_THAT(AeadOpen(key, sealed, AsBytes("other ad")), StatusIs(StatusCode::kBadMac));
  for (std::size_t i = 0; i < sealed.size(); i += 7) {
    Bytes altered = sealed;
    altered[i] ^= 0x80;
    EXPECT_THAT(AeadOpen(key, altered, ad), StatusIs(StatusCode::kBadMac)) << "byte " << i;
  }
  EXPECT_THAT(AeadOpen(key, ByteView(sealed).first(kAeadSealOverhead - 1), ad),
              StatusIs(StatusCode::kInvalidMessage));
  EXPECT_THAT(AeadDecryptWithNonce(key, AeadNonce{}, Bytes(kAeadTagSize - 1), ad),
              StatusIs(StatusCode::kInvalidMessage));
  // An empty plaintext still authenticates.
  auto empty = AeadOpen(key, AeadSeal(key, {}, ad), ad);
  ASSERT_OK(empty);
  EXPECT_TRUE(empty->empty());
}

// The cheapest parameters libsodium accepts keep this test fast.
constexpr KdfParams kTinyParams{1, 8192};

TEST(PasswordKdfTest, DeterministicPerPassphraseSaltAndParameters) {
  const KdfSalt salt{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  auto a = DerivePasswordKey(AsBytes("correct horse"), salt, kTinyParams);
  auto b = DerivePasswordKey(AsBytes("correct horse"), salt, kTinyParams);
  ASSERT_OK(a);
  ASSERT_OK(b);
  EXPECT_TRUE(a->Equals(*b));
  KdfSalt other_salt = salt;
  other_salt[0] ^= 1;
  EXPECT_FALSE(a->Equals(*DerivePasswordKey(AsBytes("correct horse"), other_salt, kTinyParams)));
  EXPECT_FALSE(a->Equals(*DerivePasswordKey(AsBytes("correct horsf"), salt, kTinyParams)));
  EXPECT_FALSE(a->Equals(*DerivePasswordKey(AsBytes("correct horse"), salt, {2, 8192})));
}

TEST(PasswordKdfTest, RejectsBadSaltAndOutOfRangeParameters) {
  const KdfSalt salt{};
  EXPECT_THAT(DerivePasswordKey(AsBytes("pw"), Bytes(15), kTinyParams),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(DerivePasswordKey(AsBytes("pw"), salt, {0, 8192}),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(DerivePasswordKey(AsBytes("pw"), salt, {1, 1024}),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(DerivePasswordKey(AsBytes("pw"), salt, {1, std::uint64_t{1} << 40}),
              StatusIs(StatusCode::kInvalidArgument));
}

// One enum, in cost order; both levels are accepted by the decoders' range.
TEST(PasswordKdfTest, CostLevelsAreOrderedAndInRange) {
  const KdfParams interactive = KdfParamsFor(KdfCost::kInteractive);
  const KdfParams moderate = KdfParamsFor(KdfCost::kModerate);
  EXPECT_TRUE(KdfParamsInRange(interactive));
  EXPECT_TRUE(KdfParamsInRange(moderate));
  EXPECT_LT(interactive.memlimit, moderate.memlimit);
  EXPECT_EQ(interactive.memlimit, 64u << 20);
  EXPECT_EQ(moderate.memlimit, 256u << 20);
  EXPECT_NE(NewKdfSalt(), NewKdfSalt());
}

// RFC 8032 §7.1, TEST 1 (empty message) and TEST 2 (one byte).
TEST(Ed25519Test, Rfc8032Section7_1KnownAnswers) {
  struct Vector {
    std::string_view seed, public_key, message, signature;
  };
  const Vector vectors[] = {
      {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
       "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
       "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e3970"
       "1cf9b46bd25bf5f0595bbe24655141438e7a100b"},
      {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
       "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
       "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613"
       "d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
  };
  for (const Vector& v : vectors) {
    auto kp = Ed25519KeyPairFromSeed(Hex(v.seed));
    ASSERT_OK(kp);
    EXPECT_EQ(ToHex(kp->public_key), v.public_key);
    const Bytes message = Hex(v.message);
    auto sig = Ed25519Sign(kp->secret_key.view(), message);
    ASSERT_OK(sig);
    EXPECT_EQ(ToHex(*sig), v.signature);
    EXPECT_TRUE(Ed25519Verify(kp->public_key, *sig, message));
    EXPECT_TRUE(IsValidEd25519PublicKey(kp->public_key));
  }
}

TEST(Ed25519Test, VerifyRefusesAlteredInputsAndWrongSizes) {
  const Ed25519KeyPair kp = GenerateEd25519KeyPair();
  const Bytes message = ToBytes(std::string_view("message"));
  auto sig = Ed25519Sign(kp.secret_key.view(), message);
  ASSERT_OK(sig);
  EXPECT_TRUE(Ed25519Verify(kp.public_key, *sig, message));
  Ed25519Signature bad = *sig;
  bad[0] ^= 1;
  EXPECT_FALSE(Ed25519Verify(kp.public_key, bad, message));
  EXPECT_FALSE(Ed25519Verify(kp.public_key, *sig, AsBytes("messagE")));
  EXPECT_FALSE(Ed25519Verify(GenerateEd25519KeyPair().public_key, *sig, message));
  EXPECT_FALSE(Ed25519Verify(ByteView(kp.public_key).first(31), *sig, message));
  EXPECT_FALSE(Ed25519Verify(kp.public_key, ByteView(*sig).first(63), message));
  EXPECT_THAT(Ed25519Sign(ByteView(kp.secret_key.view()).first(32), message),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(Ed25519KeyPairFromSeed(Bytes(31)), StatusIs(StatusCode::kInvalidArgument));
}

TEST(Ed25519Test, PointValidationRefusesSmallOrderAndWrongSize) {
  EXPECT_FALSE(IsValidEd25519PublicKey(Bytes(32, 0)));  // small order
  Bytes identity(32, 0);
  identity[0] = 1;  // the neutral element
  EXPECT_FALSE(IsValidEd25519PublicKey(identity));
  EXPECT_FALSE(IsValidEd25519PublicKey(Bytes(31, 1)));
  EXPECT_TRUE(IsValidEd25519PublicKey(GenerateEd25519KeyPair().public_key));
}

// FIPS 180-2 Appendix B.1: SHA-256("abc").
TEST(CertificatePinTest, IsSha256OfTheDerBytes) {
  EXPECT_EQ(ToHex(CertificatePin(AsBytes("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_THAT(CertificatePinOf(nullptr), StatusIs(StatusCode::kInvalidArgument));
}

TEST(RandomTest, UniformStaysBelowItsBound) {
  EXPECT_EQ(RandomUniform(0), 0u);
  EXPECT_EQ(RandomUniform(1), 0u);
  std::set<std::uint32_t> seen;
  for (int i = 0; i < 400; ++i) {
    const std::uint32_t v = RandomUniform(5);
    ASSERT_LT(v, 5u);
    seen.insert(v);
  }
  EXPECT_EQ(seen.size(), 5u);  // all five values appear (fails with odds ~5 * 0.8^400)
}

}  // namespace
}  // namespace backchannel::crypto
