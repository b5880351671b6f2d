#include "backchannel/common/encoding.h"

#include <gtest/gtest.h>

#include "testing/status_matchers.h"

namespace backchannel {
namespace {

using ::backchannel::testing::StatusIs;

TEST(EncodingTest, HexRoundTrip) {
  Bytes b{0x00, 0x01, 0xab, 0xff};
  EXPECT_EQ(ToHex(b), "0001abff");
  auto back = FromHex("0001ABff");
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, b);
  EXPECT_EQ(ToHex({}), "");
}

// Empty input (whose data() may be null) decodes and encodes to empty, with
// no null pointer reaching libsodium (UBSan checks its nonnull attributes).
TEST(EncodingTest, EmptyInputsRoundTrip) {
  auto hex = FromHex("");
  ASSERT_OK(hex);
  EXPECT_TRUE(hex->empty());
  auto b64 = FromBase64("", Base64Variant::kUrlSafeNoPadding);
  ASSERT_OK(b64);
  EXPECT_TRUE(b64->empty());
  EXPECT_EQ(ToHex(Bytes{}), "");
  EXPECT_EQ(ToBase64(Bytes{}), "");
  EXPECT_EQ(ToBase64(Bytes{}, Base64Variant::kUrlSafeNoPadding), "");
}

TEST(EncodingTest, HexRejectsBadInput) {
  EXPECT_THAT(FromHex("abc"), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(FromHex("zz"), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(FromHex("00 1"), StatusIs(StatusCode::kInvalidArgument));
}

TEST(EncodingTest, Base64Rfc4648Vectors) {
  // RFC 4648 §10.
  EXPECT_EQ(ToBase64(AsBytes("")), "");
  EXPECT_EQ(ToBase64(AsBytes("f")), "Zg==");
  EXPECT_EQ(ToBase64(AsBytes("fo")), "Zm8=");
  EXPECT_EQ(ToBase64(AsBytes("foobar")), "Zm9vYmFy");
  EXPECT_EQ(ToBase64(AsBytes("fo"), Base64Variant::kUrlSafeNoPadding), "Zm8");
  auto d = FromBase64("Zm9vYg==");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(AsString(*d), "foob");
}

TEST(EncodingTest, Base64RejectsBadInput) {
  EXPECT_FALSE(FromBase64("Zm9vYg=").has_value());
  EXPECT_FALSE(FromBase64("Zm9v!mFy").has_value());
  EXPECT_FALSE(FromBase64("Zm8=", Base64Variant::kUrlSafeNoPadding).has_value());
}

TEST(EncodingTest, HexPreviewTruncates) {
  Bytes b(40, 0xaa);
  EXPECT_EQ(HexPreview(b, 2), "aaaa…(40 bytes)");
  EXPECT_EQ(HexPreview(Bytes{1, 2}, 2), "0102");
}

}  // namespace
}  // namespace backchannel
