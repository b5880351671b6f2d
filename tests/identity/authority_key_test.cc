// The passphrase-encrypted authority key file.
#include <gtest/gtest.h>

#include "backchannel/identity/authority.h"

namespace backchannel::identity {
namespace {

TEST(AuthorityKeyTest, RoundTrip) {
  const Authority a = *Authority::Generate("Iran");
  auto file = EncryptAuthorityKey(a, AsBytes("correct horse"), KdfStrength::kInteractive);
  ASSERT_TRUE(file.ok()) << file.error();
  auto back = DecryptAuthorityKey(*file, AsBytes("correct horse"));
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(back->public_key(), a.public_key());
  EXPECT_EQ(back->side(), "Iran");
  auto info = ReadAuthorityKeyInfo(*file);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->public_key, a.public_key());
  EXPECT_EQ(info->side, "Iran");
}

TEST(AuthorityKeyTest, WrongPassphraseIsPermissionDenied) {
  const Authority a = *Authority::Generate("Iran");
  const Bytes file = *EncryptAuthorityKey(a, AsBytes("correct horse"), KdfStrength::kInteractive);
  auto back = DecryptAuthorityKey(file, AsBytes("wrong horse"));
  ASSERT_FALSE(back.ok());
  EXPECT_EQ(back.error().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(back.error().message().find("wrong passphrase"), std::string_view::npos);
}

TEST(AuthorityKeyTest, AlteredOrForeignFiles) {
  const Authority a = *Authority::Generate("Iran");
  const Bytes file = *EncryptAuthorityKey(a, AsBytes("pw"), KdfStrength::kInteractive);
  Bytes altered = file;
  altered[altered.size() - 40] ^= 1;  // inside the header's public key
  EXPECT_EQ(DecryptAuthorityKey(altered, AsBytes("pw")).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(DecryptAuthorityKey(AsBytes("hello"), AsBytes("pw")).status().code(),
            StatusCode::kCorrupt);
  Bytes version = file;
  version[4] = 7;
  EXPECT_EQ(DecryptAuthorityKey(version, AsBytes("pw")).status().code(),
            StatusCode::kUnsupportedVersion);
  EXPECT_EQ(EncryptAuthorityKey(a, {}, KdfStrength::kInteractive).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(AuthorityKeyTest, SeedIsDeterministic) {
  const Bytes seed(32, 7);
  EXPECT_EQ(Authority::FromSeed("A", seed)->public_key(),
            Authority::FromSeed("B", seed)->public_key());
}

}  // namespace
}  // namespace backchannel::identity
