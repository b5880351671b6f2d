#include "backchannel/session/fingerprint.h"

#include <gtest/gtest.h>

#include "testing/status_matchers.h"

namespace backchannel::session {
namespace {

using ::backchannel::testing::StatusIs;

TEST(FingerprintTest, BothSidesDisplayTheSameNumber) {
  auto alice = GenerateIdentityKeyPair();
  auto bob = GenerateIdentityKeyPair();
  auto a =
      ComputeSafetyNumber("+14152222222", alice.public_key, "+14153333333", bob.public_key, 50);
  auto b =
      ComputeSafetyNumber("+14153333333", bob.public_key, "+14152222222", alice.public_key, 50);
  EXPECT_EQ(a.displayable.size(), 60U);
  EXPECT_EQ(a.displayable, b.displayable);
  EXPECT_OK(CompareScannable(a.scannable, b.scannable));
  EXPECT_EQ(FormatDisplayable(a.displayable).size(), 71U);
}

TEST(FingerprintTest, DifferentKeysDiffer) {
  auto alice = GenerateIdentityKeyPair();
  auto bob = GenerateIdentityKeyPair();
  auto eve = GenerateIdentityKeyPair();
  auto a = ComputeSafetyNumber("a", alice.public_key, "b", bob.public_key, 10);
  auto e = ComputeSafetyNumber("b", eve.public_key, "a", alice.public_key, 10);
  EXPECT_NE(a.displayable, e.displayable);
  EXPECT_THAT(CompareScannable(a.scannable, e.scannable), StatusIs(StatusCode::kUntrusted));
  EXPECT_THAT(CompareScannable(a.scannable, AsBytes("junk\xff")),
              StatusIs(StatusCode::kInvalidMessage));
}

}  // namespace
}  // namespace backchannel::session
