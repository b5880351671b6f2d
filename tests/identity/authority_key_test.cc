// The passphrase-encrypted authority key file.
#include <gtest/gtest.h>

#include "backchannel/identity/authority.h"
#include "testing/status_matchers.h"

namespace backchannel::identity {
namespace {

using ::backchannel::testing::StatusIs;

TEST(AuthorityKeyTest, RoundTrip) {
  const Authority a = *Authority::Generate("Iran");
  auto file = EncryptAuthorityKey(a, AsBytes("correct horse"), KdfStrength::kInteractive);
  ASSERT_OK(file);
  auto back = DecryptAuthorityKey(*file, AsBytes("correct horse"));
  ASSERT_OK(back);
  EXPECT_EQ(back->public_key(), a.public_key());
  EXPECT_EQ(back->side(), "Iran");
  auto info = ReadAuthorityKeyInfo(*file);
  ASSERT_OK(info);
  EXPECT_EQ(info->public_key, a.public_key());
  EXPECT_EQ(info->side, "Iran");
}

TEST(AuthorityKeyTest, WrongPassphraseIsPermissionDenied) {
  const Authority a = *Authority::Generate("Iran");
  const Bytes file = *EncryptAuthorityKey(a, AsBytes("correct horse"), KdfStrength::kInteractive);
  auto back = DecryptAuthorityKey(file, AsBytes("wrong horse"));
  ASSERT_FALSE(back.ok());
  EXPECT_THAT(back, StatusIs(StatusCode::kPermissionDenied));
  EXPECT_NE(back.error().message().find("wrong passphrase"), std::string_view::npos);
}

TEST(AuthorityKeyTest, AlteredOrForeignFiles) {
  const Authority a = *Authority::Generate("Iran");
  const Bytes file = *EncryptAuthorityKey(a, AsBytes("pw"), KdfStrength::kInteractive);
  Bytes altered = file;
  altered[altered.size() - 40] ^= 1;  // inside the header's public key
  EXPECT_THAT(DecryptAuthorityKey(altered, AsBytes("pw")), StatusIs(StatusCode::kPermissionDenied));
  EXPECT_THAT(DecryptAuthorityKey(AsBytes("hello"), AsBytes("pw")), StatusIs(StatusCode::kCorrupt));
  Bytes version = file;
  version[4] = 7;
  EXPECT_THAT(DecryptAuthorityKey(version, AsBytes("pw")),
              StatusIs(StatusCode::kUnsupportedVersion));
  EXPECT_THAT(EncryptAuthorityKey(a, {}, KdfStrength::kInteractive),
              StatusIs(StatusCode::kInvalidArgument));
}

TEST(AuthorityKeyTest, SeedIsDeterministic) {
  const Bytes seed(32, 7);
  EXPECT_EQ(Authority::FromSeed("A", seed)->public_key(),
            Authority::FromSeed("B", seed)->public_key());
}

}  // namespace
}  // namespace backchannel::identity
