#include "backchannel/common/secret_bytes.h"

#include <gtest/gtest.h>

#include <type_traits>

namespace backchannel {
namespace {

static_assert(!std::is_copy_constructible_v<SecretBytes>);
static_assert(!std::is_copy_assignable_v<SecretBytes>);
static_assert(!std::is_copy_constructible_v<SecretArray<32>>);
static_assert(!std::is_convertible_v<SecretBytes, Bytes>);

TEST(SecretBytesTest, MoveLeavesSourceEmpty) {
  Bytes raw{1, 2, 3};
  SecretBytes a(raw);
  SecretBytes b(std::move(a));
  EXPECT_EQ(b.size(), 3U);
  EXPECT_EQ(a.size(), 0U);  // NOLINT(bugprone-use-after-move): checking the moved-from state
  EXPECT_EQ(b.ExposeCopy(), raw);
}

TEST(SecretBytesTest, EqualsIsByContent) {
  SecretBytes a(Bytes{1, 2, 3});
  SecretBytes b(Bytes{1, 2, 3});
  SecretBytes c(Bytes{1, 2, 4});
  SecretBytes d(Bytes{1, 2});
  EXPECT_TRUE(a.Equals(b));
  EXPECT_FALSE(a.Equals(c));
  EXPECT_FALSE(a.Equals(d));
}

TEST(SecretArrayTest, MoveWipesSource) {
  SecretArray<4> a(Bytes{9, 9, 9, 9});
  SecretArray<4> b(std::move(a));
  EXPECT_EQ(ToBytes(b.view()), (Bytes{9, 9, 9, 9}));
  EXPECT_EQ(ToBytes(a.view()), (Bytes{0, 0, 0, 0}));  // NOLINT(bugprone-use-after-move)
  SecretArray<4> c = b.Clone();
  EXPECT_TRUE(c.Equals(b));
}

TEST(SecureWipeTest, ZeroesMemory) {
  std::uint8_t buf[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  SecureWipe(buf, sizeof buf);
  for (auto x : buf) EXPECT_EQ(x, 0);
}

}  // namespace
}  // namespace backchannel
