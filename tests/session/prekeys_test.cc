#include "backchannel/session/prekeys.h"

#include <gtest/gtest.h>

#include "backchannel/session/memory_prekey_store.h"
#include "testing/status_matchers.h"

namespace backchannel::session {
namespace {

using ::backchannel::testing::StatusIs;

TEST(PreKeyBundleTest, RoundTrip) {
  auto id = GenerateIdentityKeyPair();
  InMemoryPreKeyStore store;
  store.AddSigned(GenerateSignedPreKey(id, 3));
  store.AddOneTime(GenerateOneTimePreKey(9));
  for (auto one_time : {std::optional<std::uint32_t>(9), std::optional<std::uint32_t>()}) {
    auto b = store.MakeBundle(id, 1234, 3, one_time);
    auto decoded = DecodePreKeyBundle(EncodePreKeyBundle(b));
    ASSERT_TRUE(decoded.has_value()) << decoded.status();
    EXPECT_EQ(decoded->registration_id, 1234U);
    EXPECT_EQ(decoded->one_time_pre_key_id, one_time);
    EXPECT_EQ(decoded->signed_pre_key, b.signed_pre_key);
    EXPECT_EQ(decoded->signed_pre_key_signature, b.signed_pre_key_signature);
    EXPECT_EQ(decoded->identity_key, id.public_key);
  }
}

TEST(PreKeyBundleTest, SignedPreKeyVerifies) {
  auto id = GenerateIdentityKeyPair();
  auto spk = GenerateSignedPreKey(id, 1);
  EXPECT_OK(crypto::XEdDSAVerify(id.public_key, SerializePublicKey(spk.key_pair.public_key),
                                 spk.signature));
}

TEST(PreKeyBundleTest, RejectsMalformed) {
  EXPECT_EQ(DecodePreKeyBundle(ToBytes(std::string_view("\xff\xff"))).error().code(),
            StatusCode::kInvalidMessage);
  EXPECT_THAT(DecodePreKeyBundle({}), StatusIs(StatusCode::kInvalidMessage));
  auto id = GenerateIdentityKeyPair();
  InMemoryPreKeyStore store;
  store.AddSigned(GenerateSignedPreKey(id, 3));
  Bytes good = EncodePreKeyBundle(store.MakeBundle(id, 1, 3, std::nullopt));
  Bytes cut(good.begin(), good.end() - 3);
  EXPECT_FALSE(DecodePreKeyBundle(cut).has_value());
  Bytes v2 = good;
  ASSERT_EQ(v2[0], 0x08);  // field 1 (format_version), varint
  v2[1] = 2;
  EXPECT_THAT(DecodePreKeyBundle(v2), StatusIs(StatusCode::kUnsupportedVersion));
}

TEST(PublicKeyTest, SerializedFormHasTypeByte) {
  auto kp = GenerateIdentityKeyPair();
  auto s = SerializePublicKey(kp.public_key);
  EXPECT_EQ(s[0], 0x05);
  EXPECT_EQ(*ParsePublicKey(s), kp.public_key);
  auto bad = s;
  bad[0] = 0x04;
  EXPECT_THAT(ParsePublicKey(bad), StatusIs(StatusCode::kInvalidMessage));
  EXPECT_THAT(ParsePublicKey(ByteView(s).first(32)), StatusIs(StatusCode::kInvalidMessage));
}

}  // namespace
}  // namespace backchannel::session
